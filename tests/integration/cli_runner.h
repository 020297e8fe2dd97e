// Runs the real `onetable` binary for integration tests and captures what it printed.
#ifndef ONETABLE_TESTS_INTEGRATION_CLI_RUNNER_H_
#define ONETABLE_TESTS_INTEGRATION_CLI_RUNNER_H_

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace onetable::testing {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs ONETABLE_BINARY with `args` in `cwd` (empty: current), extra environment `env`, stdin
// from `input`. Waits for it to finish.
CliResult RunCli(const std::vector<std::string>& args, const std::string& cwd = "",
                 const std::map<std::string, std::string>& env = {}, const std::string& input = "");

// Starts the binary in the background; output goes to `log_path`. Returns its pid.
pid_t StartCli(const std::vector<std::string>& args, const std::string& log_path);

// Restores the data keys the test binary shares between the `onetable` it runs and the stores it
// opens in-process (ONETABLE_DATA_KEY_FILE and the process cipher, crypto/process_cipher.h);
// installed before any test runs.
void UseSharedTestKeys();

// A fresh temporary directory, removed by the caller.
std::string MakeTempDir();
std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& text);
// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();

// The store URL integration tests run against: a SQLite file in `dir`, the throwaway MariaDB
// when ONETABLE_TEST_STORE=mysql, or node 1 of the throwaway Galera cluster when it is galera
// (whose tables are dropped first, so each test starts empty).
std::string TestStoreUrl(const std::string& dir);

// The counts of an import report (the last line `onetable import` prints): read, new, updated,
// unchanged, linked, review, rejected; -1 for a missing one. `status` receives its status. A
// last line that is no JSON object fails the test and gives no counts.
std::vector<int64_t> ReportCounts(const std::string& stdout_text, std::string* status = nullptr);

}  // namespace onetable::testing

#endif  // ONETABLE_TESTS_INTEGRATION_CLI_RUNNER_H_

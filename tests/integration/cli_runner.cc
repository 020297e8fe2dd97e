#include "cli_runner.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <rapidjson/document.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "crypto/data_keys.h"
#include "crypto/process_cipher.h"
#include "store/sql_connection.h"
#include "store/store_url.h"

namespace onetable::testing {

namespace {

// One data key file for the whole test binary, made before any test runs: every `onetable` a
// test runs (through ONETABLE_DATA_KEY_FILE) and every store it opens in-process seal and open
// values with the same keys, as the binary and a second instance of it do in production.
std::string& SharedKeyFile() {
  static std::string path;
  return path;
}
const bool kSharedKeysReady = [] {
  char tmpl[] = "/tmp/onetable-test-keys-XXXXXX";
  const char* dir = mkdtemp(tmpl);
  if (dir == nullptr) return false;
  SharedKeyFile() = std::string(dir) + "/data.key";
  if (!CreateDataKeyFile(SharedKeyFile()).ok()) return false;
  UseSharedTestKeys();
  std::atexit([] {
    std::remove(SharedKeyFile().c_str());
    rmdir(SharedKeyFile().substr(0, SharedKeyFile().rfind('/')).c_str());
  });
  return true;
}();

}  // namespace

void UseSharedTestKeys() {
  setenv("ONETABLE_DATA_KEY_FILE", SharedKeyFile().c_str(), 1);
  auto cipher = LoadDataKeyFile(SharedKeyFile());
  InstallProcessCipher(cipher.ok() ? std::move(*cipher) : nullptr);
}

std::string MakeTempDir() {
  char tmpl[] = "/tmp/onetable-it-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

namespace {

pid_t Spawn(const std::vector<std::string>& args, const std::string& cwd,
            const std::map<std::string, std::string>& env, const std::string& in_path,
            const std::string& out_path, const std::string& err_path) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(127);
  for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
  int in = open(in_path.empty() ? "/dev/null" : in_path.c_str(), O_RDONLY);
  int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  dup2(in, 0);
  dup2(out, 1);
  dup2(err, 2);
  std::vector<char*> argv;
  std::string bin = ONETABLE_BINARY;
  argv.push_back(bin.data());
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  execv(bin.c_str(), argv.data());
  _exit(127);
}

}  // namespace

CliResult RunCli(const std::vector<std::string>& args, const std::string& cwd,
                 const std::map<std::string, std::string>& env, const std::string& input) {
  std::string dir = MakeTempDir();
  std::string in_path;
  if (!input.empty()) {
    in_path = dir + "/stdin";
    WriteFile(in_path, input);
  }
  pid_t pid = Spawn(args, cwd, env, in_path, dir + "/out", dir + "/err");
  int status = 0;
  waitpid(pid, &status, 0);
  CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = ReadFile(dir + "/out");
  r.err = ReadFile(dir + "/err");
  std::system(("rm -rf " + dir).c_str());
  return r;
}

pid_t StartCli(const std::vector<std::string>& args, const std::string& log_path) {
  return Spawn(args, "", {}, "", log_path, log_path + ".err");
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

std::string TestStoreUrl(const std::string& dir) {
  const char* store = std::getenv("ONETABLE_TEST_STORE");
  const std::string backend = store ? store : "";
  if (backend != "mysql" && backend != "galera") return "sqlite:" + dir + "/register.db";
  std::string url;
  if (backend == "galera") {
    // Node 1 of the cluster (the scale-out tests spread over all of them themselves).
    const char* urls = std::getenv("ONETABLE_TEST_GALERA_URLS");
    if (!urls || !*urls) throw std::runtime_error("ONETABLE_TEST_GALERA_URLS is not set");
    url = std::string(urls).substr(0, std::string(urls).find(' '));
  } else {
    const char* mysql = std::getenv("ONETABLE_TEST_MYSQL_URL");
    if (!mysql || !*mysql) throw std::runtime_error("ONETABLE_TEST_MYSQL_URL is not set");
    url = mysql;
  }
  auto parsed = ParseStoreUrl(url);
  if (!parsed.ok()) throw std::runtime_error(parsed.status().message());
  auto db = OpenMysql(parsed->mysql);
  if (!db.ok()) throw std::runtime_error(db.status().message());
  std::vector<std::string> tables;
  {
    auto stmt = (*db)->Prepare(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()");
    if (!stmt.ok()) throw std::runtime_error(stmt.status().message());
    while (true) {
      auto more = (*stmt)->Step();
      if (!more.ok()) throw std::runtime_error(more.status().message());
      if (!*more) break;
      tables.push_back((*stmt)->Text(0).value_or(""));
    }
  }
  const auto exec = [&](const std::string& sql) {
    if (Status st = (*db)->Exec(sql); !st.ok()) throw std::runtime_error(st.message());
  };
  exec("SET FOREIGN_KEY_CHECKS = 0");
  for (const auto& t : tables) exec("DROP TABLE IF EXISTS `" + t + "`");
  exec("SET FOREIGN_KEY_CHECKS = 1");
  return url;
}

std::vector<int64_t> ReportCounts(const std::string& stdout_text, std::string* status) {
  std::string text = stdout_text;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  const size_t nl = text.rfind('\n');
  const std::string last = nl == std::string::npos ? text : text.substr(nl + 1);
  rapidjson::Document d;
  if (d.Parse(last.c_str()).HasParseError() || !d.IsObject()) {
    ADD_FAILURE() << "last line is not a JSON object: " << last;
    return {};
  }
  std::vector<int64_t> counts;
  for (const char* k : {"read", "new", "updated", "unchanged", "linked", "review", "rejected"}) {
    counts.push_back(d.HasMember(k) && d[k].IsInt64() ? d[k].GetInt64() : -1);
  }
  if (status)
    *status = d.HasMember("status") && d["status"].IsString() ? d["status"].GetString() : "";
  EXPECT_TRUE(d.HasMember("source")) << last;
  return counts;
}

}  // namespace onetable::testing

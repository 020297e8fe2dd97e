// onetable: one binary, several verbs. This is the one place that knows both adapters: the
// command line (cli/verbs.h) dispatches every verb, and `serve` is the HTTP adapter's.
#include <sys/stat.h>

#include <string>
#include <vector>

#include "cli/verbs.h"
#include "http/serve.h"

int main(int argc, char** argv) {
  // Everything onetable creates — the SQLite database and its -wal/-shm/-journal, exports,
  // backups, key files, temporary files, logs, directories — is its owner's alone (0600 files,
  // 0700 directories): the register holds every resident's ID number, phone and health.
  ::umask(077);
  std::vector<std::string> args(argv + 1, argv + argc);
  return onetable::RunCommandLine(args, onetable::RunServe);
}

// onetable: one binary, several verbs. This is the one place that knows both adapters: the
// command line (cli/verbs.h) dispatches every verb, and `serve` is the HTTP adapter's.
#include <string>
#include <vector>

#include "cli/verbs.h"
#include "http/serve.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return onetable::RunCommandLine(args, onetable::RunServe);
}

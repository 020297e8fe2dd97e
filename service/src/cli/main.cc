// onetable: one binary, several verbs (see cli/verbs.h).
#include <string>
#include <vector>

#include "cli/verbs.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return onetable::RunCommandLine(args);
}

// A stand-in for libFuzzer's main in builds without it (g++, the ASan build): runs the target's
// LLVMFuzzerTestOneInput once over each file given, or each file in each directory given, so a
// committed corpus replays as an ordinary test. Arguments starting with '-' (libFuzzer flags
// such as -runs=0) are ignored, so the command line is the same in both builds. Exits non-zero
// when an argument cannot be read or a target returns non-zero; a crash ends the process.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) __attribute__((weak));

namespace {

bool RunFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
    return false;
  }
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // A copy on the heap of exactly the input's size, so an overread shows under ASan as it would
  // under libFuzzer.
  std::vector<uint8_t> data(bytes.begin(), bytes.end());
  if (LLVMFuzzerTestOneInput(data.empty() ? nullptr : data.data(), data.size()) != 0) {
    std::fprintf(stderr, "replay: %s: the target returned non-zero\n", path.c_str());
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  bool ok = true;
  int files = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (!arg.empty() && arg[0] == '-') continue;
    std::error_code ec;
    if (std::filesystem::is_directory(arg, ec)) {
      std::vector<std::filesystem::path> paths;
      for (const auto& entry : std::filesystem::directory_iterator(arg)) {
        if (entry.is_regular_file()) paths.push_back(entry.path());
      }
      std::sort(paths.begin(), paths.end());
      for (const auto& p : paths) {
        ok = RunFile(p) && ok;
        ++files;
      }
    } else {
      ok = RunFile(arg) && ok;
      ++files;
    }
  }
  std::printf("replay: %d inputs, %s\n", files, ok ? "all ran" : "some failed");
  return ok && files > 0 ? 0 : 1;
}

#include "common/file_glob.h"

#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace onetable::connectors {
namespace {

// glob(3) reports a directory it cannot open through a callback without user data.
thread_local std::string glob_failed_path;
thread_local int glob_failed_errno = 0;

int RecordGlobError(const char* path, int error) {
  glob_failed_path = path;
  glob_failed_errno = error;
  return 1;  // stop
}

std::string DescribeErrno(int error) {
  if (error == ENOENT) return "目录不存在";
  if (error == EACCES) return "没有读取权限";
  return std::strerror(error);
}

}  // namespace

Result<std::vector<std::string>> ExpandGlob(const std::string& base_dir,
                                            const std::string& pattern) {
  if (pattern.empty()) return Status::Invalid("文件路径模式为空");
  std::string full = pattern;
  if (pattern[0] != '/' && !base_dir.empty()) {
    full = base_dir.back() == '/' ? base_dir + pattern : base_dir + "/" + pattern;
  }
  glob_t matches{};
  // GLOB_ERR: an unreadable directory is a failure, not a silently shorter file list.
  glob_failed_path.clear();
  glob_failed_errno = 0;
  int rc = glob(full.c_str(), GLOB_ERR | GLOB_MARK, RecordGlobError, &matches);
  std::vector<std::string> files;
  if (rc == 0) {
    for (size_t i = 0; i < matches.gl_pathc; ++i) {
      std::string path = matches.gl_pathv[i];
      if (!path.empty() && path.back() == '/') continue;  // GLOB_MARK flags directories
      struct stat st {};
      if (stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) files.push_back(std::move(path));
    }
  }
  globfree(&matches);
  if (rc == GLOB_ABORTED) {
    return Status::Unavailable("匹配 " + full + " 时无法读取目录 " + glob_failed_path + "：" +
                               DescribeErrno(glob_failed_errno));
  }
  if (rc == GLOB_NOSPACE) return Status::Internal("匹配 " + full + " 时内存不足");
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace onetable::connectors

#include "mapping/atomic_file.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace onetable::mapping {

namespace {

std::string Errno() { return std::strerror(errno); }

void SyncPath(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

Result<std::unique_ptr<AtomicFile>> AtomicFile::Create(const std::string& target) {
  size_t slash = target.rfind('/');
  std::string dir = slash == std::string::npos ? "" : target.substr(0, slash + 1);
  std::string name = slash == std::string::npos ? target : target.substr(slash + 1);
  if (name.empty()) return Status::Invalid("输出路径不是文件：" + target);
  std::string pattern = dir + "." + name + ".tmp-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  int fd = ::mkstemp(buf.data());
  if (fd < 0) return Status::Invalid("无法在输出目录创建文件 " + target + "：" + Errno());
  // mkstemp makes 0600, and so it stays: a table lists residents' personal data.
  ::close(fd);
  return std::unique_ptr<AtomicFile>(new AtomicFile(target, std::string(buf.data())));
}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  if (out_.is_open()) out_.close();
  std::remove(temp_.c_str());
}

std::ostream& AtomicFile::stream() {
  if (!out_.is_open()) out_.open(temp_, std::ios::binary | std::ios::trunc);
  return out_;
}

Status AtomicFile::Commit() {
  if (committed_) return Status::Ok();
  if (out_.is_open()) {
    out_.flush();
    bool good = out_.good();
    out_.close();
    if (!good || out_.fail()) {
      std::remove(temp_.c_str());
      return Status::Internal("写入文件失败：" + target_);
    }
  }
  SyncPath(temp_, O_RDONLY);
  if (std::rename(temp_.c_str(), target_.c_str()) != 0) {
    std::string why = Errno();
    std::remove(temp_.c_str());
    return Status::Internal("无法写入 " + target_ + "：" + why);
  }
  committed_ = true;
  size_t slash = target_.rfind('/');
  SyncPath(slash == std::string::npos ? "." : target_.substr(0, slash + 1), O_RDONLY | O_DIRECTORY);
  return Status::Ok();
}

}  // namespace onetable::mapping

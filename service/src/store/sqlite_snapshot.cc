#include "store/sqlite_snapshot.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

namespace onetable {

Status SnapshotSqlite(const std::string& source, const std::string& dest) {
  // Create the file first so it is 0600 whatever the umask.
  const int fd = ::open(dest.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Invalid("无法创建快照文件 " + dest);
  ::close(fd);
  sqlite3* src = nullptr;
  sqlite3* dst = nullptr;
  Status st = Status::Ok();
  if (sqlite3_open_v2(source.c_str(), &src, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    st = Status::Unavailable("无法打开登记库 " + source + "：" + sqlite3_errmsg(src));
  } else if (sqlite3_open_v2(dest.c_str(), &dst, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    st = Status::Invalid("无法打开快照文件 " + dest + "：" + sqlite3_errmsg(dst));
  } else {
    sqlite3_busy_timeout(src, 30000);
    sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
    if (b == nullptr) {
      st = Status::Internal(std::string("SQLite 在线备份无法开始：") + sqlite3_errmsg(dst));
    } else {
      int rc;
      // -1: every page in one step, so the copy is one snapshot of the source.
      while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) {
        sqlite3_sleep(50);
      }
      sqlite3_backup_finish(b);
      if (rc != SQLITE_DONE) {
        st = Status::Unavailable("SQLite 在线备份失败：" + std::string(sqlite3_errstr(rc)));
      }
    }
  }
  sqlite3_close(dst);
  sqlite3_close(src);
  return st;
}

}  // namespace onetable

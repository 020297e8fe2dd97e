#include "backup/backup.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

#include "backup/backup_file.h"
#include "store/migrations.h"
#include "store/sqlite_snapshot.h"
#include "store/store_url.h"

namespace onetable {
namespace fs = std::filesystem;
namespace {

Result<std::unique_ptr<SqlConnection>> Connect(const StoreUrl& url) {
  if (url.scheme == "sqlite") return OpenSqlite(url.sqlite_path);
  return OpenMysql(url.mysql);
}

// A private directory (0700) beside `path`, removed with everything in it on destruction.
class PrivateDir {
 public:
  static Result<PrivateDir> Beside(const std::string& path) {
    fs::path parent = fs::path(path).parent_path();
    std::string pattern = (parent.empty() ? std::string(".") : parent.string()) +
                          "/.onetable-backup-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) == nullptr) {
      return Status::Invalid("无法在 " + parent.string() + " 创建临时目录");
    }
    return PrivateDir(buf.data());
  }
  PrivateDir(PrivateDir&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  ~PrivateDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  explicit PrivateDir(std::string p) : path_(std::move(p)) {}
  std::string path_;
};

Status DumpInto(SqlConnection& db, BackupFileWriter& out, DumpSummary* summary) {
  ASSIGN_OR_RETURN(int version, AppliedVersion(&db));
  if (version == 0) return Status::Invalid("登记库尚未初始化：请先运行 onetable init");
  return DumpStore(
      db, version, [&](std::string_view bytes) { return out.Write(bytes); }, summary);
}

}  // namespace

Result<DumpSummary> BackupStore(const std::string& store_url, const std::string& file,
                                const std::string& key) {
  ASSIGN_OR_RETURN(StoreUrl url, ParseStoreUrl(store_url));
  ASSIGN_OR_RETURN(std::unique_ptr<BackupFileWriter> out, BackupFileWriter::Create(file, key));
  DumpSummary summary;
  if (url.scheme == "sqlite") {
    if (!fs::exists(url.sqlite_path)) {
      return Status::Invalid("登记库 " + url.sqlite_path + " 不存在：请先运行 onetable init");
    }
    ASSIGN_OR_RETURN(PrivateDir dir, PrivateDir::Beside(url.sqlite_path));
    const std::string copy = dir.path() + "/snapshot.db";
    RETURN_IF_ERROR(SnapshotSqlite(url.sqlite_path, copy));
    ASSIGN_OR_RETURN(std::unique_ptr<SqlConnection> db, OpenSqlite(copy));
    RETURN_IF_ERROR(DumpInto(*db, *out, &summary));
  } else {
    ASSIGN_OR_RETURN(std::unique_ptr<SqlConnection> db, OpenMysql(url.mysql));
    RETURN_IF_ERROR(db->Exec("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ"));
    // Sent as written: the driver maps only the plain words onto Begin/Commit/Rollback.
    RETURN_IF_ERROR(db->Exec("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY"));
    Status dumped = DumpInto(*db, *out, &summary);
    db->Exec("ROLLBACK WORK").IgnoreError();
    RETURN_IF_ERROR(dumped);
  }
  RETURN_IF_ERROR(out->Finish());
  return summary;
}

Result<DumpSummary> RestoreStore(const std::string& store_url, const std::string& file,
                                 const std::string& key) {
  ASSIGN_OR_RETURN(StoreUrl url, ParseStoreUrl(store_url));
  // The whole file is checked before the target is touched.
  ASSIGN_OR_RETURN(std::unique_ptr<BackupFileReader> in, BackupFileReader::Open(file, key));
  const DumpReader read = [&](size_t n, std::string* bytes) { return in->Read(n, bytes); };
  DumpSummary summary;
  RETURN_IF_ERROR(ReadDumpHeader(read, &summary));

  const bool fresh_sqlite = url.scheme == "sqlite" && !fs::exists(url.sqlite_path);
  if (fresh_sqlite) {
    std::error_code ec;
    fs::path parent = fs::path(url.sqlite_path).parent_path();
    if (!parent.empty() && !fs::exists(parent)) {
      fs::create_directories(parent, ec);
      fs::permissions(parent, fs::perms::owner_all, ec);
    }
  }
  Status st = [&]() -> Status {
    ASSIGN_OR_RETURN(std::unique_ptr<SqlConnection> db, Connect(url));
    RETURN_IF_ERROR(ApplyMigrations(db.get(), EmbeddedMigrations(db->Dialect())));
    ASSIGN_OR_RETURN(int version, AppliedVersion(db.get()));
    if (version != summary.schema_version) {
      return Status::Precondition("备份的结构版本是 " + std::to_string(summary.schema_version) +
                                  "，本程序的是 " + std::to_string(version) +
                                  "：请用与备份同版本的 onetable 恢复，再用本程序 init 升级");
    }
    ASSIGN_OR_RETURN(std::vector<std::string> used, NonEmptyTables(*db));
    if (!used.empty()) {
      std::string list;
      for (const std::string& u : used) list += (list.empty() ? "" : "，") + u;
      return Status::Precondition("目标登记库不是空库（" + list +
                                  "）：恢复只写入空库，请换一个库地址，或清空后重试");
    }
    const bool mysql = db->Dialect() == "mysql";
    if (mysql) RETURN_IF_ERROR(db->Exec("SET FOREIGN_KEY_CHECKS = 0"));
    RETURN_IF_ERROR(db->Begin());
    Status loaded = mysql ? Status::Ok() : db->Exec("PRAGMA defer_foreign_keys = ON");
    if (loaded.ok()) loaded = LoadDump(read, *db, SeededTables(), &summary);
    if (loaded.ok() && !in->AtEnd()) loaded = Status::Invalid("备份内容无效：结尾有多余数据");
    if (loaded.ok()) loaded = db->Commit();
    if (!loaded.ok()) db->Rollback().IgnoreError();
    if (mysql) db->Exec("SET FOREIGN_KEY_CHECKS = 1").IgnoreError();
    return loaded;
  }();
  if (!st.ok()) {
    if (fresh_sqlite) {
      for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        std::error_code ec;
        fs::remove(url.sqlite_path + suffix, ec);
      }
    }
    return st;
  }
  return summary;
}

}  // namespace onetable

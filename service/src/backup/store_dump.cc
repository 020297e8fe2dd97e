#include "backup/store_dump.h"

#include <algorithm>
#include <set>

#include "store/sql_store.h"

namespace onetable {
namespace {

constexpr char kFormat[] = "onetable-dump-1";

const std::set<std::string>& Skipped() {
  static const std::set<std::string> kSkipped = {"schema_migrations", "run_lease", "auth_session",
                                                 "table_progress",
                                                 "login_throttle", "onetable_tx_marker"};
  return kSkipped;
}

void PutU32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutU64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutStr(std::string* out, std::string_view s) {
  PutU32(out, static_cast<uint32_t>(s.size()));
  out->append(s.data(), s.size());
}

uint64_t GetUint(const std::string& bytes) {
  uint64_t v = 0;
  for (size_t i = bytes.size(); i-- > 0;) v = (v << 8) | static_cast<unsigned char>(bytes[i]);
  return v;
}

Status Corrupt(const std::string& what) {
  return Status::Invalid("备份内容无效：" + what);
}

class Decoder {
 public:
  explicit Decoder(const DumpReader& read) : read_(read) {}
  Result<char> Tag() {
    RETURN_IF_ERROR(read_(1, &buf_));
    return buf_[0];
  }
  Result<uint64_t> U32() {
    RETURN_IF_ERROR(read_(4, &buf_));
    return GetUint(buf_);
  }
  Result<uint64_t> U64() {
    RETURN_IF_ERROR(read_(8, &buf_));
    return GetUint(buf_);
  }
  Result<std::string> Str() {
    ASSIGN_OR_RETURN(uint64_t n, U32());
    if (n > (1u << 30)) return Corrupt("值过长");
    std::string s;
    RETURN_IF_ERROR(read_(static_cast<size_t>(n), &s));
    return s;
  }

 private:
  const DumpReader& read_;
  std::string buf_;
};

Result<int64_t> CountRows(SqlConnection& db, const std::string& table) {
  ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT COUNT(*) FROM " + QuoteIdentifier(db, table)));
  ASSIGN_OR_RETURN(bool row, stmt->Step());
  return row ? stmt->Int(0) : 0;
}

}  // namespace

std::string QuoteIdentifier(const SqlConnection& db, const std::string& name) {
  const char q = db.Dialect() == "mysql" ? '`' : '"';
  std::string out(1, q);
  for (char c : name) {
    if (c == q) out.push_back(q);
    out.push_back(c);
  }
  out.push_back(q);
  return out;
}

const std::vector<std::string>& SeededTables() {
  static const std::vector<std::string> kSeeded = {"audit_chain"};
  return kSeeded;
}

Result<std::vector<std::string>> DumpedTables(SqlConnection& db) {
  const std::string sql =
      db.Dialect() == "mysql"
          ? "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
            "AND table_type = 'BASE TABLE'"
          : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
  ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
  std::vector<std::string> tables;
  while (true) {
    ASSIGN_OR_RETURN(bool more, stmt->Step());
    if (!more) break;
    std::string name = stmt->Text(0).value_or("");
    if (!Skipped().count(name)) tables.push_back(std::move(name));
  }
  std::sort(tables.begin(), tables.end());
  return tables;
}

Status DumpStore(SqlConnection& db, int schema_version,
                 const std::function<Status(std::string_view)>& out, DumpSummary* summary) {
  summary->dialect = db.Dialect();
  summary->schema_version = schema_version;
  summary->created_at = NowUtc();
  std::string buf = "H";
  PutStr(&buf, kFormat);
  PutStr(&buf, summary->dialect);
  PutStr(&buf, std::to_string(schema_version));
  PutStr(&buf, summary->created_at);
  ASSIGN_OR_RETURN(std::vector<std::string> tables, DumpedTables(db));
  for (const std::string& table : tables) {
    ASSIGN_OR_RETURN(std::vector<std::string> cols, db.Columns(table));
    buf.push_back('T');
    PutStr(&buf, table);
    PutU32(&buf, static_cast<uint32_t>(cols.size()));
    std::string select;
    for (const std::string& c : cols) {
      PutStr(&buf, c);
      select += (select.empty() ? "" : ", ") + QuoteIdentifier(db, c);
    }
    ASSIGN_OR_RETURN(auto stmt,
                     db.Prepare("SELECT " + select + " FROM " + QuoteIdentifier(db, table)));
    int64_t rows = 0;
    while (true) {
      ASSIGN_OR_RETURN(bool more, stmt->Step());
      if (!more) break;
      buf.push_back('R');
      for (size_t i = 0; i < cols.size(); ++i) {
        std::optional<std::string> v = stmt->Text(static_cast<int>(i));
        buf.push_back(v ? 1 : 0);
        if (v) PutStr(&buf, *v);
      }
      ++rows;
      if (buf.size() >= (1 << 16)) {
        RETURN_IF_ERROR(out(buf));
        buf.clear();
      }
    }
    buf.push_back('E');
    PutU64(&buf, static_cast<uint64_t>(rows));
    summary->rows[table] = rows;
  }
  buf.push_back('Z');
  PutU32(&buf, static_cast<uint32_t>(tables.size()));
  return out(buf);
}

Status ReadDumpHeader(const DumpReader& read, DumpSummary* summary) {
  Decoder d(read);
  ASSIGN_OR_RETURN(char tag, d.Tag());
  if (tag != 'H') return Corrupt("缺少文件头");
  ASSIGN_OR_RETURN(std::string format, d.Str());
  if (format != kFormat) return Corrupt("不认识的格式 " + format);
  ASSIGN_OR_RETURN(summary->dialect, d.Str());
  ASSIGN_OR_RETURN(std::string version, d.Str());
  summary->schema_version = std::atoi(version.c_str());
  ASSIGN_OR_RETURN(summary->created_at, d.Str());
  return Status::Ok();
}

Status LoadDump(const DumpReader& read, SqlConnection& db,
                const std::vector<std::string>& seeded_tables, DumpSummary* summary) {
  for (const std::string& t : seeded_tables) {
    RETURN_IF_ERROR(db.Exec("DELETE FROM " + QuoteIdentifier(db, t)));
  }
  Decoder d(read);
  uint64_t tables = 0;
  while (true) {
    ASSIGN_OR_RETURN(char tag, d.Tag());
    if (tag == 'Z') {
      ASSIGN_OR_RETURN(uint64_t n, d.U32());
      if (n != tables) return Corrupt("表的数目不符");
      return Status::Ok();
    }
    if (tag != 'T') return Corrupt("意外的记录类型");
    ASSIGN_OR_RETURN(std::string table, d.Str());
    ASSIGN_OR_RETURN(uint64_t ncols, d.U32());
    std::vector<std::string> cols;
    for (uint64_t i = 0; i < ncols; ++i) {
      ASSIGN_OR_RETURN(std::string c, d.Str());
      cols.push_back(std::move(c));
    }
    ASSIGN_OR_RETURN(std::vector<std::string> have, db.Columns(table));
    if (have.empty()) return Status::Invalid("目标登记库没有表 " + table + "（结构版本不符？）");
    std::string names, marks;
    for (const std::string& c : cols) {
      if (std::find(have.begin(), have.end(), c) == have.end()) {
        return Status::Invalid("目标登记库的表 " + table + " 没有列 " + c);
      }
      names += (names.empty() ? "" : ", ") + QuoteIdentifier(db, c);
      marks += marks.empty() ? "?" : ", ?";
    }
    ASSIGN_OR_RETURN(auto insert, db.Prepare("INSERT INTO " + QuoteIdentifier(db, table) + " (" +
                                             names + ") VALUES (" + marks + ")"));
    int64_t rows = 0;
    while (true) {
      ASSIGN_OR_RETURN(char row_tag, d.Tag());
      if (row_tag == 'E') break;
      if (row_tag != 'R') return Corrupt("表 " + table + " 的行无效");
      insert->Reset();
      for (size_t i = 0; i < cols.size(); ++i) {
        ASSIGN_OR_RETURN(char present, d.Tag());
        if (present == 0) {
          insert->BindNull(static_cast<int>(i + 1));
        } else {
          ASSIGN_OR_RETURN(std::string v, d.Str());
          insert->BindText(static_cast<int>(i + 1), v);
        }
      }
      Result<int64_t> done = insert->Execute();
      if (!done.ok()) {
        return done.status().Wrap("恢复表 " + table + " 第 " + std::to_string(rows + 1) + " 行失败");
      }
      ++rows;
    }
    ASSIGN_OR_RETURN(uint64_t expected, d.U64());
    if (static_cast<int64_t>(expected) != rows) return Corrupt("表 " + table + " 的行数不符");
    summary->rows[table] = rows;
    ++tables;
  }
}

Result<std::vector<std::string>> NonEmptyTables(SqlConnection& db) {
  ASSIGN_OR_RETURN(std::vector<std::string> tables, DumpedTables(db));
  std::vector<std::string> out;
  for (const std::string& t : tables) {
    ASSIGN_OR_RETURN(int64_t n, CountRows(db, t));
    if (n == 0) continue;
    if (std::find(SeededTables().begin(), SeededTables().end(), t) != SeededTables().end()) {
      // audit_chain's seed: head and anchor at seq 0 with no MAC.
      ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT COUNT(*) FROM audit_chain WHERE seq <> 0"));
      ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row || stmt->Int(0) == 0) continue;
    }
    out.push_back(t + "：" + std::to_string(n) + " 行");
  }
  return out;
}

}  // namespace onetable

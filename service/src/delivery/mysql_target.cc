// The mysql delivery target: a department's MySQL/MariaDB table, through the store's own MySQL
// driver (store/sql_connection.h), so connection settings (utf8mb4, timeouts) are the same.
// Identifiers (table, columns) are checked by the spec parser and quoted with backticks here;
// values are always bound.
#include <memory>
#include <optional>

#include "delivery/batch_content.h"
#include "delivery/delivery_target.h"
#include "onetable/mysql_url.h"
#include "onetable/text.h"
#include "store/sql_connection.h"

namespace onetable {
namespace {

std::string Quote(const std::string& identifier) {
  std::string out = "`";
  for (char c : identifier) {
    if (c == '`') out += '`';
    out += c;
  }
  return out + "`";
}

class MysqlTarget : public DeliveryTarget {
 public:
  MysqlTarget(DeliveryTargetSpec spec, MysqlUrl url, std::string key)
      : spec_(std::move(spec)), url_(std::move(url)), key_(std::move(key)) {}

  SendResult Send(const std::string&, const DeliveryBatch& batch) override {
    SendResult r;
    const std::string where = "部门数据库表 " + spec_.table;
    Result<ParsedBatch> parsed = ParseBatchBody(batch.body);
    if (!parsed.ok()) {
      r.kind = SendResult::kRefused;
      r.message = parsed.status().message();
      return r;
    }
    if (!db_) {
      Result<std::unique_ptr<SqlConnection>> db = OpenMysql(url_);
      if (!db.ok()) {
        r.message = "无法连接" + where + "所在的数据库：" + db.status().message();
        return r;
      }
      db_ = std::move(*db);
    }
    Status st = Apply(*parsed);
    if (st.ok()) {
      r.kind = SendResult::kAcked;
      r.message = where + " 已写入（一个事务）";
      return r;
    }
    if (st.code() == StatusCode::kUnavailable || st.code() == StatusCode::kAborted) {
      db_.reset();  // reconnect on the next attempt
      r.message = "写入" + where + "失败，将重试：" + st.message();
    } else {
      r.kind = SendResult::kRefused;
      r.message = "写入" + where + "失败：" + st.message();
    }
    return r;
  }

 private:
  std::string Column(const std::string& header) const {
    auto it = spec_.columns.find(header);
    return Quote(it == spec_.columns.end() ? header : it->second);
  }

  Status Apply(const ParsedBatch& batch) {
    const std::vector<std::string>& headers = batch.header.columns;
    std::string key_header;
    std::vector<std::string> cols, updates, marks;
    for (const std::string& h : headers) {
      cols.push_back(Column(h));
      marks.push_back("?");
      updates.push_back(Column(h) + " = VALUES(" + Column(h) + ")");
    }
    const std::string table = Quote(spec_.table);
    const std::string upsert = "INSERT INTO " + table + " (" + Join(cols, ", ") + ") VALUES (" +
                               Join(marks, ", ") + ") ON DUPLICATE KEY UPDATE " +
                               Join(updates, ", ");
    const std::string del = "DELETE FROM " + table + " WHERE " + Column(key_) + " = ?";
    RETURN_IF_ERROR(db_->Begin());
    Status st = [&]() -> Status {
      ASSIGN_OR_RETURN(std::unique_ptr<SqlStatement> up, db_->Prepare(upsert));
      ASSIGN_OR_RETURN(std::unique_ptr<SqlStatement> rm, db_->Prepare(del));
      for (const Change& c : batch.changes) {
        if (c.upsert) {
          up->Reset();
          for (size_t i = 0; i < c.cells.size(); ++i)
            up->BindText(static_cast<int>(i + 1), c.cells[i]);
          RETURN_IF_ERROR(up->Execute().status());
        } else {
          rm->Reset();
          rm->BindText(1, c.key);
          RETURN_IF_ERROR(rm->Execute().status());
        }
      }
      return Status::Ok();
    }();
    if (!st.ok()) {
      db_->Rollback().IgnoreError();
      return st;
    }
    return db_->Commit();
  }

  DeliveryTargetSpec spec_;
  MysqlUrl url_;
  std::string key_;  // the key column's header
  std::unique_ptr<SqlConnection> db_;
};

}  // namespace

Result<std::unique_ptr<DeliveryTarget>> OpenMysqlTarget(const DeliveryTargetSpec& target,
                                                        const std::string& key) {
  MysqlUrl url;
  if (std::optional<std::string> why = ParseMysqlUrl(target.url, &url)) {
    const std::string at = target.where.count("url") ? target.where.at("url") + ": " : "";
    return Status::Invalid(at + "target.url 不是有效的 MySQL 地址（" + *why +
                           "），应为 mysql://用户:密码@主机:端口/库名");
  }
  return std::unique_ptr<DeliveryTarget>(new MysqlTarget(target, url, key));
}

}  // namespace onetable

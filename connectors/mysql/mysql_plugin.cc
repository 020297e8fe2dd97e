// The `mysql` connector plugin: a departmental MySQL/MariaDB table or SELECT, read through
// MySQL Connector/C++ 1.1 (legacy API), incrementally by a watermark column plus the primary key
// with an overlap window (see mysql_source.h for how positions and the overlap work).
//
// Options: url (SECRET), table or query (one of them), key, watermark, overlap, fetch_size,
// timeout. The connection is read-only (SET SESSION TRANSACTION READ ONLY): a connector reads a
// source and never writes, not even through a query it was given.
//
// Records: one per row; fields are the result's column labels -> text (NULL stays NULL; DOUBLE
// columns are printed with 15 significant digits, not Connector/C++'s "%f"). The record key is
// the key columns' values; the location "<table> <key>=<value>". A row holding text that is not
// UTF-8 (a latin1 or GBK column read as bytes) or a NULL key is rejected to quarantine.
//
// Failures: a server that cannot be reached (refused, unknown host, timed out, gone away) is
// OT_BATCH_UNREACHABLE or open's unreachable flag, with a Chinese message naming host:port and
// database; wrong credentials, an unknown table or column are bad options. The password never
// appears in a message (it is scrubbed should the server echo it).
//
// Built twice: as the plugin onetable_connector_mysql.so (exporting onetable_connector_v1) and
// statically, where it is reached as onetable_mysql_connector().
#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/sdk_buffer.h"
#include "mysql/mysql_source.h"
#include "onetable/connector.h"
#include "onetable/utf8.h"

namespace onetable::connectors {
namespace {

const OtOptionDecl kOptions[] = {
    {"url", OT_OPTION_SECRET, nullptr,
     "数据库地址：mysql://用户:密码@主机:端口/数据库（或 ?socket=套接字路径）；可写 ${环境变量}"},
    {"table", OT_OPTION_STRING, "", "要读取的表（可写 库名.表名）；与 query 二选一"},
    {"query", OT_OPTION_STRING, "", "要读取的一条 SELECT 查询；与 table 二选一"},
    {"key", OT_OPTION_STRING, nullptr, "主键列，多个列用逗号分隔（作为记录的来源主键）"},
    {"watermark", OT_OPTION_STRING, "",
     "增量列（如 updated_at，随每次修改而增大）；留空则每次全量读取"},
    {"overlap", OT_OPTION_INT, "300",
     "重读窗口：每次从上次位置往前这么多（时间列为秒，数值列为数值单位）开始读，防止漏掉晚提交的"
     "行"},
    {"fetch_size", OT_OPTION_INT, "1000", "每次查询最多读取的行数"},
    {"timeout", OT_OPTION_INT, "30", "连接和读取的超时（秒）"},
};


// get_mysql_driver_instance() initialises the client library and is not safe to race.
sql::mysql::MySQL_Driver* Driver() {
  static std::once_flag once;
  static sql::mysql::MySQL_Driver* driver = nullptr;
  std::call_once(once, [] { driver = sql::mysql::get_mysql_driver_instance(); });
  return driver;
}

ColumnClass ClassOf(int type) {
  switch (type) {
    case sql::DataType::BIT:
    case sql::DataType::TINYINT:
    case sql::DataType::SMALLINT:
    case sql::DataType::MEDIUMINT:
    case sql::DataType::INTEGER:
    case sql::DataType::BIGINT:
    case sql::DataType::YEAR:
      return ColumnClass::kInteger;
    case sql::DataType::REAL:
    case sql::DataType::DOUBLE:
    case sql::DataType::DECIMAL:
    case sql::DataType::NUMERIC:
      return ColumnClass::kNumber;
    case sql::DataType::TIMESTAMP:  // DATETIME and TIMESTAMP
    case sql::DataType::DATE:
      return ColumnClass::kTemporal;
    default:
      return ColumnClass::kText;
  }
}

struct Handle {
  MysqlSourceUrl url;
  std::unique_ptr<sql::Connection> connection;
  MysqlReadPlan plan;
  MysqlCursor cursor;
  std::string label;        // "表 t" or "查询", in messages
  std::string source_name;  // "t" or "查询结果", in record locations
  int64_t overlap = 0;
  int64_t fetch_size = 1000;
  bool first_batch = true;
  bool done = false;
  int64_t delivered = 0;

  std::string Scrub(std::string text) const {
    const std::string& secret = url.password;
    if (secret.size() < 3) return text;
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
      text.replace(at, secret.size(), "***");
    }
    return text;
  }
  std::string Where() const {
    return "MySQL 服务器 " + url.where + "（数据库 " + url.database + "）";
  }
  std::string Why(const sql::SQLException& e) const {
    return Scrub(e.what()) + "（错误 " + std::to_string(e.getErrorCode()) + "）";
  }
};

std::string Option(const OtKeyValue* options, size_t count, const char* key) {
  for (size_t i = 0; i < count; ++i) {
    if (std::strcmp(options[i].key, key) == 0) return options[i].value ? options[i].value : "";
  }
  return "";
}

// Connects; false with `*message` and `*unreachable`.
bool Connect(Handle* h, int64_t timeout, std::string* message, int* unreachable) {
  try {
    sql::ConnectOptionsMap options;
    const bool ipv6 = h->url.host.find(':') != std::string::npos;
    const std::string host = ipv6 ? "[" + h->url.host + "]" : h->url.host;
    options["hostName"] =
        sql::SQLString(h->url.socket.empty() ? "tcp://" + host + ":" + std::to_string(h->url.port)
                                             : "unix://" + h->url.socket);
    options["userName"] = sql::SQLString(h->url.user);
    options["password"] = sql::SQLString(h->url.password);
    options["schema"] = sql::SQLString(h->url.database);
    options["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
    options["OPT_RECONNECT"] = false;
    options["OPT_CONNECT_TIMEOUT"] = static_cast<int>(timeout);
    options["OPT_READ_TIMEOUT"] = static_cast<int>(timeout);
    options["OPT_WRITE_TIMEOUT"] = static_cast<int>(timeout);
    h->connection.reset(Driver()->connect(options));
    if (!h->connection) {
      *unreachable = 1;
      *message = "无法连接 " + h->Where();
      return false;
    }
    std::unique_ptr<sql::Statement> stmt(h->connection->createStatement());
    stmt->execute("SET SESSION TRANSACTION READ ONLY");
    return true;
  } catch (const sql::SQLException& e) {
    const int code = e.getErrorCode();
    if (IsUnreachableError(code)) {
      *unreachable = 1;
      *message = "无法连接 " + h->Where() + "：" + h->Why(e) +
                 (h->url.socket.empty() ? "。请确认服务器已启动、地址和端口正确"
                                        : "。请确认服务器已启动、套接字路径正确");
    } else if (code == 1045) {
      *message = h->Where() + " 拒绝了用户 " + h->url.user + " 的登录：" + h->Why(e) +
                 "。请检查选项 url 中的用户名和密码";
    } else if (code == 1044 || code == 1049) {
      *message = "用户 " + h->url.user + " 无法访问 " + h->Where() + "：" + h->Why(e) +
                 "。请确认数据库名正确并已授权";
    } else {
      *message = "连接 " + h->Where() + " 失败：" + h->Why(e);
    }
    return false;
  } catch (const std::exception& e) {
    *unreachable = 1;
    *message = "无法连接 " + h->Where() + "：" + h->Scrub(e.what());
    return false;
  }
}

// Checks the watermark and key columns exist and learns how they compare.
bool Probe(Handle* h, std::string* message, int* unreachable) {
  try {
    std::unique_ptr<sql::PreparedStatement> stmt(
        h->connection->prepareStatement(ProbeSql(h->plan)));
    std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
    sql::ResultSetMetaData* meta = rs->getMetaData();
    unsigned int col = 1;
    if (!h->plan.watermark.empty()) h->plan.watermark_class = ClassOf(meta->getColumnType(col++));
    h->plan.key_classes.clear();
    for (size_t i = 0; i < h->plan.keys.size(); ++i) {
      h->plan.key_classes.push_back(ClassOf(meta->getColumnType(col++)));
    }
    return true;
  } catch (const sql::SQLException& e) {
    const int code = e.getErrorCode();
    if (IsUnreachableError(code)) {
      *unreachable = 1;
      *message = "读取 " + h->Where() + " 时连接中断：" + h->Why(e);
    } else if (code == 1146) {
      *message = h->Where() + " 中没有表 " + h->label + "：" + h->Why(e) + "。请检查选项 table";
    } else if (code == 1054) {
      *message = h->label + " 中没有选项 key 或 watermark 所写的列：" + h->Why(e);
    } else {
      *message = "检查 " + h->label + "（" + h->Where() + "）失败：" + h->Why(e) +
                 "。请检查选项 table 或 query";
    }
    return false;
  }
}

void* Open(const OtKeyValue* options, size_t option_count, const char* cursor, const char* base_dir,
           int* unreachable, char* err, size_t err_len) {
  try {
    auto h = std::make_unique<Handle>();
    auto url = ParseMysqlSourceUrl(Option(options, option_count, "url"));
    if (!url.ok()) {
      CopyOut(url.status().message(), err, err_len);
      return nullptr;
    }
    h->url = *url;
    const std::string table = Option(options, option_count, "table");
    auto from = SourceFrom(table, Option(options, option_count, "query"));
    if (!from.ok()) {
      CopyOut(from.status().message(), err, err_len);
      return nullptr;
    }
    h->plan.from = *from;
    h->label = table.empty() ? "查询" : "表 " + table;
    h->source_name = table.empty() ? "查询结果" : table;
    auto keys = ParseColumnList(Option(options, option_count, "key"), "key");
    if (!keys.ok()) {
      CopyOut(keys.status().message(), err, err_len);
      return nullptr;
    }
    for (const std::string& k : *keys) h->plan.keys.push_back("`" + k + "`");
    const std::string watermark = Option(options, option_count, "watermark");
    if (!watermark.empty()) {
      auto quoted = QuoteIdentifier(watermark, "watermark");
      if (!quoted.ok()) {
        CopyOut(quoted.status().message(), err, err_len);
        return nullptr;
      }
      h->plan.watermark = *quoted;
    }
    h->overlap = std::atoll(Option(options, option_count, "overlap").c_str());
    h->fetch_size = std::atoll(Option(options, option_count, "fetch_size").c_str());
    int64_t timeout = std::atoll(Option(options, option_count, "timeout").c_str());
    if (h->overlap < 0) {
      CopyOut("选项 overlap 不能为负数", err, err_len);
      return nullptr;
    }
    if (h->fetch_size < 1 || h->fetch_size > 1000000) {
      CopyOut("选项 fetch_size 应为 1–1000000", err, err_len);
      return nullptr;
    }
    if (timeout < 1 || timeout > 3600) {
      CopyOut("选项 timeout 应为 1–3600 秒", err, err_len);
      return nullptr;
    }
    // A saved position from another key layout is not ours: start over (always safe).
    // A position saved with the watermark added or dropped since means another order: start
    // over too.
    auto saved = DecodeMysqlCursor(cursor ? cursor : "", h->plan.keys.size());
    if (saved && (saved->phase != MysqlCursor::Phase::kValue ||
                  saved->watermark.empty() == h->plan.watermark.empty())) {
      h->cursor = *saved;
    }

    std::string message;
    if (!Connect(h.get(), timeout, &message, unreachable) ||
        !Probe(h.get(), &message, unreachable)) {
      CopyOut(message, err, err_len);
      return nullptr;
    }
    if (!h->plan.watermark.empty() && h->plan.watermark_class == ColumnClass::kText &&
        h->overlap > 0) {
      CopyOut("增量列 " + watermark +
                  " 不是日期时间或数值类型，无法往前重读：请把 overlap 设为 0，" +
                  "或改用日期时间、数值类型的列",
              err, err_len);
      return nullptr;
    }
    return h.release();
  } catch (const std::exception& e) {
    CopyOut(std::string("打开 MySQL 来源时出错：") + e.what(), err, err_len);
    return nullptr;
  }
}

std::string FormatDouble(double value) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.15g", value);
  return buf;
}

int NextBatch(void* handle, size_t max_records, const OtBatchSink* sink, char* cursor_out,
              size_t cursor_len, char* err, size_t err_len) {
  auto* h = static_cast<Handle*>(handle);
  try {
    const int64_t limit =
        std::max<int64_t>(1, std::min<int64_t>(h->fetch_size, static_cast<int64_t>(max_records)));
    const MysqlCursor before = h->cursor;
    // Only the first batch of a run re-enters the overlap; every later one reads strictly after
    // the last row, so its position must move.
    const int64_t overlap = h->first_batch ? h->overlap : 0;
    const bool strict = overlap == 0 || h->cursor.phase != MysqlCursor::Phase::kValue;
    int64_t rows = 0;
    bool stopped = false;
    if (!h->done) {
      BoundSql q = BatchSql(h->plan, h->cursor, overlap, limit);
      std::unique_ptr<sql::PreparedStatement> stmt(h->connection->prepareStatement(q.sql));
      for (size_t i = 0; i < q.params.size(); ++i) {
        const unsigned int index = static_cast<unsigned int>(i + 1);
        if (q.params[i].is_int) {
          stmt->setInt64(index, q.params[i].number);
        } else {
          stmt->setString(index, q.params[i].text);
        }
      }
      std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery());
      sql::ResultSetMetaData* meta = rs->getMetaData();
      const unsigned int total = meta->getColumnCount();
      const unsigned int extras = static_cast<unsigned int>(ExtraColumns(h->plan));
      const unsigned int own = total - extras;
      std::vector<std::string> names;
      std::vector<bool> doubles;
      for (unsigned int i = 1; i <= own; ++i) {
        names.push_back(meta->getColumnLabel(i).asStdString());
        const int type = meta->getColumnType(i);
        doubles.push_back(type == sql::DataType::DOUBLE || type == sql::DataType::REAL);
      }
      const bool has_wm = !h->plan.watermark.empty();
      while (!stopped && rs->next()) {
        ++rows;
        MysqlCursor at;
        unsigned int col = own + 1;
        bool null_wm = false;
        if (has_wm) {
          null_wm = rs->isNull(col);
          if (!null_wm) at.watermark = rs->getString(col).asStdString();
          ++col;
        }
        at.phase = null_wm ? MysqlCursor::Phase::kNullWatermark : MysqlCursor::Phase::kValue;
        bool null_key = false;
        for (; col <= total; ++col) {
          null_key = null_key || rs->isNull(col);
          at.keys.push_back(rs->getString(col).asStdString());
        }
        std::string key = JoinKey(at.keys);
        std::string location = h->source_name;
        for (size_t i = 0; i < h->plan.keys.size(); ++i) {
          const std::string& k = h->plan.keys[i];  // quoted: `name`
          location += (i ? "," : " ") + k.substr(1, k.size() - 2) + "=" + at.keys[i];
        }
        if (null_key) {
          OtRejectedRow r{location.c_str(), 0, nullptr, "主键列为空（NULL），无法作为来源记录导入",
                          nullptr};
          if (sink->reject(sink->ctx, &r) != 0) stopped = true;
          continue;  // a NULL key cannot be a position: the cursor stays
        }
        std::vector<std::string> values(own);
        std::vector<bool> nulls(own);
        std::string bad_column;
        const char* bad_why = nullptr;
        for (unsigned int i = 1; i <= own; ++i) {
          nulls[i - 1] = rs->isNull(i);
          if (nulls[i - 1]) continue;
          values[i - 1] = doubles[i - 1] ? FormatDouble(static_cast<double>(rs->getDouble(i)))
                                         : rs->getString(i).asStdString();
          if (!bad_column.empty()) continue;
          if (!utf8::IsValid(values[i - 1])) {
            bad_column = names[i - 1];
            bad_why = "该列的值不是 UTF-8 文本（请检查来源表的字符集）";
          } else if (values[i - 1].find('\0') != std::string::npos) {
            // Values cross the plugin ABI as C strings: a NUL would cut "ID\0GARBAGE" to a
            // valid-looking "ID".
            bad_column = names[i - 1];
            bad_why = "该列的值含有控制字符（NUL），请检查来源数据";
          }
        }
        h->cursor = at;
        ++h->delivered;
        if (!bad_column.empty()) {
          OtRejectedRow r{location.c_str(), 0, bad_column.c_str(), bad_why, nullptr};
          if (sink->reject(sink->ctx, &r) != 0) stopped = true;
          continue;
        }
        std::vector<OtKeyValue> fields(own);
        for (unsigned int i = 0; i < own; ++i) {
          fields[i] = {names[i].c_str(), nulls[i] ? nullptr : values[i].c_str()};
        }
        OtRecord rec{key.c_str(), location.c_str(), 0, fields.data(), fields.size()};
        if (sink->record(sink->ctx, &rec) != 0) stopped = true;
      }
      h->first_batch = false;
      if (!stopped && rows < limit) h->done = true;
      if (strict && !h->done && !stopped && h->cursor == before) {
        CopyOut("读取 " + h->label + " 时位置没有前进（" + h->Where() +
                    "）：请确认选项 key 所写的列能唯一标识一行",
                err, err_len);
        return OT_BATCH_ERROR;
      }
    }
    if (sink->progress) sink->progress(sink->ctx, h->delivered, 0);
    // Without a watermark every run reads everything again: a drained source saves no position.
    std::string out = h->done && h->plan.watermark.empty() ? "" : EncodeMysqlCursor(h->cursor);
    if (out.size() + 1 > cursor_len) {
      CopyOut("读取位置信息过长（主键值过长）", err, err_len);
      return OT_BATCH_ERROR;
    }
    CopyOut(out, cursor_out, cursor_len);
    return h->done ? OT_BATCH_DONE : OT_BATCH_MORE;
  } catch (const sql::SQLException& e) {
    const int code = e.getErrorCode();
    if (IsUnreachableError(code)) {
      CopyOut("读取 " + h->label + " 时与 " + h->Where() + " 的连接中断：" + h->Why(e), err,
              err_len);
      return OT_BATCH_UNREACHABLE;
    }
    CopyOut("读取 " + h->label + "（" + h->Where() + "）失败：" + h->Why(e), err, err_len);
    return OT_BATCH_ERROR;
  } catch (const std::exception& e) {
    CopyOut("读取 " + h->label + "（" + h->Where() + "）时出错：" + h->Scrub(e.what()), err,
            err_len);
    return OT_BATCH_ERROR;
  }
}

void Close(void* handle) {
  auto* h = static_cast<Handle*>(handle);
  try {
    if (h->connection) h->connection->close();
  } catch (const std::exception&) {
    // Closing a connection the server already dropped.
  }
  delete h;
}

const OtConnectorV1 kMysqlConnector = {ONETABLE_CONNECTOR_ABI_VERSION,
                                       "mysql",
                                       "MySQL 数据库（部门业务库的表或查询）",
                                       kOptions,
                                       sizeof kOptions / sizeof kOptions[0],
                                       Open,
                                       NextBatch,
                                       Close};

}  // namespace
}  // namespace onetable::connectors

extern "C" const OtConnectorV1* onetable_mysql_connector(void) {
  return &onetable::connectors::kMysqlConnector;
}

#ifdef ONETABLE_PLUGIN_MODULE
extern "C" __attribute__((visibility("default"))) const OtConnectorV1* onetable_connector_v1(void) {
  return onetable_mysql_connector();
}
#endif

// MySQL/MariaDB driver for the SQL store, over MySQL Connector/C++ 1.1 (legacy API).
//
// The session is made to read the SQL that SQLite reads and to compare strings as SQLite does:
// utf8mb4 with binary collation (4-byte characters such as 𠈌 round-trip and stay distinct),
// strict mode (a value that does not fit is an error, not silently cut), ANSI_QUOTES and
// PIPES_AS_CONCAT (standard "identifiers" and ||), NO_BACKSLASH_ESCAPES (a backslash in a literal
// is a backslash), and CLIENT_FOUND_ROWS (an UPDATE reports the rows it matched, as SQLite does,
// so a compare-and-set that writes unchanged values still counts as done).
//
// Every sql::SQLException is caught here and mapped onto a Status; none escapes.
#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/parameter_metadata.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "store/sql_connection.h"

namespace onetable {
namespace {

constexpr int kConnectTimeoutSeconds = 5;
constexpr char kSqlMode[] =
    "STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,ANSI_QUOTES,PIPES_AS_CONCAT,NO_BACKSLASH_ESCAPES";

// Server and client error numbers (mysqld_error.h, errmsg.h) that decide the Status code.
enum MysqlError {
  kAccessDeniedToDatabase = 1044,
  kAccessDenied = 1045,
  kUnknownDatabase = 1049,
  kServerShutdown = 1053,
  kDuplicateEntry = 1062,
  kLockWaitTimeout = 1205,
  kDeadlock = 1213,
  kNoReferencedRowOld = 1216,
  kRowIsReferencedOld = 1217,
  kOutOfRange = 1264,
  kIncorrectString = 1366,
  kDataTooLong = 1406,
  kRowIsReferenced = 1451,
  kNoReferencedRow = 1452,
  kDuplicateEntryWithKeyName = 1586,
  kConnectionKilled = 1927,  // MariaDB
  kIdleDisconnect = 4031,    // MySQL 8
  kSocketConnect = 2002,
  kTcpConnect = 2003,
  kUnknownHost = 2005,
  kServerGone = 2006,
  kServerLost = 2013,
  kServerLostExtended = 2055,
  // TiDB's optimistic-transaction answers that mean "another transaction won; run it again".
  kTidbTxnRetryFailed = 8022,
  kTidbSchemaChanged = 8028,
  kTidbWriteConflict = 9007,
};

bool IsConnectionLoss(int code) {
  switch (code) {
    case kServerShutdown:
    case kConnectionKilled:
    case kIdleDisconnect:
    case kSocketConnect:
    case kTcpConnect:
    case kUnknownHost:
    case kServerGone:
    case kServerLost:
    case kServerLostExtended:
      return true;
    default:
      return false;
  }
}

// get_mysql_driver_instance() initialises the client library and is not safe to race.
sql::mysql::MySQL_Driver* Driver() {
  static std::once_flag once;
  static sql::mysql::MySQL_Driver* driver = nullptr;
  std::call_once(once, [] { driver = sql::mysql::get_mysql_driver_instance(); });
  return driver;
}

std::string Abbreviate(const std::string& sql) {
  constexpr size_t kMax = 200;
  return sql.size() <= kMax ? sql : sql.substr(0, kMax) + "…";
}

// Who we talk to, for messages: never the password, which is scrubbed should a server echo it.
struct Endpoint {
  std::string where;  // "127.0.0.1:3306" or "套接字 /run/mysqld/mysqld.sock"
  std::string database, user, password;
  bool via_socket = false;

  std::string Scrub(std::string text) const {
    if (password.size() < 3) return text;
    for (size_t at = text.find(password); at != std::string::npos;
         at = text.find(password, at + 3)) {
      text.replace(at, password.size(), "***");
    }
    return text;
  }
};

Status ConnectError(const Endpoint& e, const sql::SQLException& ex) {
  const std::string why = e.Scrub(ex.what());
  const std::string code = "（错误 " + std::to_string(ex.getErrorCode()) + "）";
  switch (ex.getErrorCode()) {
    case kAccessDenied:
      return Status::Unavailable("MySQL 服务器 " + e.where + " 拒绝了用户 " + e.user +
                                 " 的登录（数据库 " + e.database + "）：" + why + code +
                                 "。请检查存储 URL 中的用户名和密码，以及该用户是否允许从本机连接");
    case kAccessDeniedToDatabase:
      // Also what a user without global privileges gets for a database that does not exist.
      return Status::Unavailable("用户 " + e.user + " 无法访问 MySQL 服务器 " + e.where +
                                 " 上的数据库 " + e.database + "：" + why + code +
                                 "。请确认该数据库已创建，并已授权给该用户");
    case kUnknownDatabase:
      return Status::Unavailable("MySQL 服务器 " + e.where + " 上没有数据库 " + e.database + "：" +
                                 why + code + "。请先创建它：CREATE DATABASE " + e.database +
                                 " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
    default:
      return Status::Unavailable("无法连接 MySQL 服务器 " + e.where + "（数据库 " + e.database +
                                 "）：" + why + code +
                                 (e.via_socket ? "。请确认服务器已启动、套接字路径正确"
                                               : "。请确认服务器已启动、地址和端口正确"));
  }
}

// SQLite's text for a REAL ("%!.15g"): 15 significant digits, and always a decimal point in the
// mantissa (120 → "120.0", 1e20 → "1.0e+20").
std::string SqliteRealText(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Inf" : "-Inf";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.15g", value);
  std::string text = buf;
  const size_t exponent = text.find('e');
  const std::string mantissa = text.substr(0, exponent);
  if (mantissa.find('.') == std::string::npos) {
    text.insert(exponent == std::string::npos ? text.size() : exponent, ".0");
  }
  return text;
}

class MysqlConnection;

class MysqlStatement : public SqlStatement {
 public:
  // `connection` must outlive the statement.
  MysqlStatement(MysqlConnection* connection, std::unique_ptr<sql::PreparedStatement> stmt,
                 std::string sql, int parameter_count)
      : connection_(connection),
        stmt_(std::move(stmt)),
        sql_(std::move(sql)),
        bound_(static_cast<size_t>(parameter_count) + 1, false) {}

  void BindText(int index, const std::string& value) override {
    Bind(index, [&] { stmt_->setString(index, value); });
  }
  void BindInt(int index, int64_t value) override {
    Bind(index, [&] { stmt_->setInt64(index, value); });
  }
  void BindNull(int index) override {
    Bind(index, [&] { stmt_->setNull(index, sql::DataType::SQLNULL); });
  }

  Result<int64_t> Execute() override;
  Result<bool> Step() override;

  std::optional<std::string> Text(int column) override {
    if (!results_) return std::nullopt;
    try {
      const uint32_t index = static_cast<uint32_t>(column) + 1;
      if (results_->isNull(index)) return std::nullopt;
      if (static_cast<size_t>(column) < real_columns_.size() && real_columns_[column]) {
        return SqliteRealText(static_cast<double>(results_->getDouble(index)));
      }
      return results_->getString(index).asStdString();
    } catch (const std::exception&) {
      return std::nullopt;  // a column index out of range: the caller's bug, read as NULL
    }
  }

  int64_t Int(int column) override {
    if (!results_) return 0;
    try {
      return results_->getInt64(static_cast<uint32_t>(column) + 1);
    } catch (const std::exception&) {
      return 0;
    }
  }

  void Reset() override {
    try {
      results_.reset();
      stmt_->clearParameters();
    } catch (const std::exception&) {
      // Nothing to undo: the next Execute or Step reports a broken connection.
    }
    std::fill(bound_.begin(), bound_.end(), false);
    stepped_ = false;
  }

 private:
  template <typename SetFn>
  void Bind(int index, SetFn set) {
    try {
      set();
      if (index > 0 && static_cast<size_t>(index) < bound_.size()) bound_[index] = true;
    } catch (const std::exception&) {
      // An index out of range; Execute or Step then fails on the missing parameter.
    }
  }

  // Unbound parameters are NULL, as in SQLite; Connector/C++ would refuse to execute.
  void BindMissingAsNull() {
    for (size_t i = 1; i < bound_.size(); ++i) {
      if (!bound_[i]) stmt_->setNull(static_cast<unsigned int>(i), sql::DataType::SQLNULL);
    }
  }

  // Connector/C++ prints a DOUBLE with "%f" (0.1 → "0.100000", 1e-7 → "0.000000"). Columns that
  // SQLite would hold as REAL are read as doubles and printed as SQLite prints them instead.
  void FindRealColumns() {
    real_columns_.clear();
    if (!results_) return;
    sql::ResultSetMetaData* meta = results_->getMetaData();
    const unsigned int count = meta->getColumnCount();
    real_columns_.assign(count, false);
    for (unsigned int i = 1; i <= count; ++i) {
      const int type = meta->getColumnType(i);
      // DECIMAL comes only from expressions (AVG, SUM): with a scale it is SQLite's REAL,
      // without one SQLite's INTEGER, which getString already prints alike.
      const bool decimal = type == sql::DataType::DECIMAL || type == sql::DataType::NUMERIC;
      real_columns_[i - 1] = type == sql::DataType::DOUBLE || type == sql::DataType::REAL ||
                             (decimal && meta->getScale(i) > 0);
    }
  }

  MysqlConnection* connection_;
  std::unique_ptr<sql::PreparedStatement> stmt_;
  std::string sql_;
  std::vector<bool> bound_;  // 1-based
  std::unique_ptr<sql::ResultSet> results_;
  std::vector<bool> real_columns_;  // 0-based, for the current result set
  bool stepped_ = false;
};

class MysqlConnection : public SqlConnection {
 public:
  MysqlConnection(std::unique_ptr<sql::Connection> connection, Endpoint endpoint)
      : connection_(std::move(connection)), endpoint_(std::move(endpoint)) {}

  ~MysqlConnection() override {
    try {
      // A destructor has no one to report to; the server rolls back on close anyway.
      if (in_transaction_) Run("ROLLBACK").IgnoreError();
      connection_->close();
    } catch (const std::exception&) {
      // Closing a connection the server already dropped.
    }
  }

  std::string Dialect() const override { return "mysql"; }
  std::string Target() const override {
    return "mysql:" + endpoint_.where + "/" + endpoint_.database;
  }

  bool in_transaction() const { return in_transaction_; }

  Result<std::unique_ptr<SqlStatement>> Prepare(const std::string& sql) override {
    try {
      std::unique_ptr<sql::PreparedStatement> stmt(connection_->prepareStatement(sql));
      const int count = stmt->getParameterMetaData()->getParameterCount();
      return std::unique_ptr<SqlStatement>(new MysqlStatement(this, std::move(stmt), sql, count));
    } catch (const sql::SQLException& e) {
      return Error(e, sql);
    } catch (const std::exception& e) {
      return Status::Internal(std::string("MySQL 预处理语句失败：") + e.what());
    }
  }

  Status Exec(const std::string& sql) override {
    // Transaction control goes through Begin/Commit/Rollback so that in_transaction_ stays true;
    // MySQL would otherwise silently commit on a nested START TRANSACTION.
    std::string word;
    for (char c : sql) {
      if (c == ';') break;
      if (!std::isspace(static_cast<unsigned char>(c))) {
        word.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
      }
    }
    if (word == "BEGIN" || word == "BEGINTRANSACTION" || word == "STARTTRANSACTION") return Begin();
    if (word == "COMMIT" || word == "END" || word == "ENDTRANSACTION") return Commit();
    if (word == "ROLLBACK") return Rollback();
    return Run(sql);
  }

  // On a Galera node a transaction is framed so that a brute-force abort cannot go unnoticed.
  // A node aborts a local transaction whose locks a replicated write from another node needs;
  // the client is meant to get the deadlock error on its next statement, but with prepared
  // statements it sometimes never comes (the connector's statement reset swallows it). The
  // session would then be back in autocommit, the rest of the "transaction" would commit
  // statement by statement, and COMMIT would succeed on nothing. So on Galera a transaction runs
  // with autocommit off (what follows an abort stays uncommitted) and begins by writing a row
  // into a temporary InnoDB table of this session; Commit commits only while that row is still
  // there, and otherwise rolls back and reports the abort.
  Status Begin() override {
    if (in_transaction_) return Status::Internal("MySQL：事务已经开始，不能嵌套开始新事务");
    if (galera_) {
      RETURN_IF_ERROR(Run("SET autocommit = 0"));
      Status marked = Run("INSERT INTO onetable_tx_marker VALUES (1)");
      if (!marked.ok()) {
        Run("ROLLBACK").IgnoreError();
        Run("SET autocommit = 1").IgnoreError();
        return marked;
      }
    } else {
      RETURN_IF_ERROR(Run("START TRANSACTION"));
    }
    in_transaction_ = true;
    return Status::Ok();
  }

  Status Commit() override {
    if (!in_transaction_) return Status::Internal("MySQL：没有进行中的事务，无法提交");
    in_transaction_ = false;  // after COMMIT, even a failed one, the transaction is over
    if (!galera_) return Run("COMMIT");
    Result<bool> intact = MarkerPresent();
    Status st = intact.ok() && *intact ? Run("DELETE FROM onetable_tx_marker") : intact.status();
    if (st.ok() && !*intact) {
      st = Status::Aborted(
          "MySQL 事务被 Galera 集群中止（另一节点先提交了冲突的修改），未提交。请重试");
    }
    if (st.ok()) {
      st = Run("COMMIT");
    } else {
      Run("ROLLBACK").IgnoreError();
    }
    Run("SET autocommit = 1").IgnoreError();
    return st;
  }

  // Whether this is a Galera node (wsrep_on); if so, makes the session's transaction marker
  // table (see Begin).
  Status DetectGalera() {
    try {
      std::unique_ptr<sql::Statement> stmt(connection_->createStatement());
      std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery("SELECT @@wsrep_on"));
      galera_ = rs->next() && rs->getInt(1) == 1;
    } catch (const sql::SQLException&) {
      galera_ = false;  // MySQL without wsrep has no such variable
    }
    if (!galera_) return Status::Ok();
    return Run("CREATE TEMPORARY TABLE IF NOT EXISTS onetable_tx_marker (x INT) ENGINE=InnoDB");
  }

  // A no-op without a transaction, so cleanup after a failed Commit or a deadlock (which the
  // server has already rolled back) cannot fail.
  Status Rollback() override {
    if (!in_transaction_) return Status::Ok();
    in_transaction_ = false;
    Status st = Run("ROLLBACK");
    if (galera_) Run("SET autocommit = 1").IgnoreError();
    return st;
  }

  // Prepared once per connection (every inserted row asks: preparing each time was a round
  // trip of its own); dropped when it fails, so the next call prepares it again.
  Result<int64_t> LastInsertId() override {
    if (last_insert_id_ == nullptr) {
      ASSIGN_OR_RETURN(last_insert_id_, Prepare("SELECT LAST_INSERT_ID()"));
    }
    last_insert_id_->Reset();
    Result<bool> row = last_insert_id_->Step();
    if (!row.ok()) {
      last_insert_id_.reset();
      return row.status();
    }
    if (!*row) return Status::Internal("MySQL：SELECT LAST_INSERT_ID() 没有返回结果");
    const int64_t id = last_insert_id_->Int(0);
    last_insert_id_->Reset();
    return id;
  }

  bool TransactionalDdl() const override { return false; }

  // Empty for a table that does not exist (as SQLite's pragma_table_info).
  Result<std::vector<std::string>> Columns(const std::string& table) override {
    ASSIGN_OR_RETURN(auto stmt, Prepare("SELECT column_name FROM information_schema.columns "
                                        "WHERE table_schema = DATABASE() AND table_name = ? "
                                        "ORDER BY ordinal_position"));
    stmt->BindText(1, table);
    std::vector<std::string> columns;
    while (true) {
      ASSIGN_OR_RETURN(bool more, stmt->Step());
      if (!more) break;
      columns.push_back(stmt->Text(0).value_or(""));
    }
    return columns;
  }

  // Maps a driver error onto a Status; `sql` is the statement that failed.
  Status Error(const sql::SQLException& e, const std::string& sql) {
    const int code = e.getErrorCode();
    const std::string why = endpoint_.Scrub(e.what()) + "（错误 " + std::to_string(code) + "）";
    if (IsConnectionLoss(code)) {
      in_transaction_ = false;  // the server rolled it back when the session ended
      return Status::Unavailable("与 MySQL 服务器 " + endpoint_.where + "（数据库 " +
                                 endpoint_.database + "）的连接已断开：" + why +
                                 "。请确认服务器仍在运行，然后重试");
    }
    switch (code) {
      case kDuplicateEntry:
      case kDuplicateEntryWithKeyName:
        return Status::Exists("唯一键冲突：" + why);
      case kRowIsReferenced:
      case kRowIsReferencedOld:
      case kNoReferencedRow:
      case kNoReferencedRowOld:
        return Status::Precondition("外键约束不满足（引用的记录不存在，或记录仍被引用）：" + why);
      case kDataTooLong:
      case kOutOfRange:
      case kIncorrectString:
        return Status::Invalid("值不符合数据库列的定义（过长、超出范围或含无效字符）：" + why);
      case kTidbTxnRetryFailed:
      case kTidbSchemaChanged:
      case kTidbWriteConflict:
        // TiDB rolled the transaction back (write conflict at commit): as a deadlock.
        return Status::Aborted("TiDB 事务因写冲突被回滚：" + why + "。请重试");
      case kDeadlock:
        // InnoDB (and Galera, for a certification failure or a brute-force abort) has rolled
        // the whole transaction back; in_transaction_ stays set so that the caller's Rollback
        // still sends ROLLBACK, which is harmless then and, should any part of the transaction
        // have survived, keeps the next START TRANSACTION from committing it implicitly.
        return Status::Aborted("MySQL 事务因死锁被回滚：" + why + "。请重试");
      case kLockWaitTimeout:
        return Status::Unavailable("MySQL 等待行锁超时：" + why + "。请稍后重试");
      default:
        return Status::Internal("MySQL 执行失败：" + why + "（SQLSTATE " + e.getSQLState() +
                                "）；SQL：" + Abbreviate(sql));
    }
  }

 private:
  Status Run(const std::string& sql) {
    try {
      std::unique_ptr<sql::Statement> stmt(connection_->createStatement());
      stmt->execute(sql);
      return Status::Ok();
    } catch (const sql::SQLException& e) {
      return Error(e, sql);
    } catch (const std::exception& e) {
      return Status::Internal(std::string("MySQL 执行失败：") + e.what() + "；SQL：" +
                              Abbreviate(sql));
    }
  }

  Result<bool> MarkerPresent() {
    constexpr char kSql[] = "SELECT COUNT(*) FROM onetable_tx_marker";
    try {
      std::unique_ptr<sql::Statement> stmt(connection_->createStatement());
      std::unique_ptr<sql::ResultSet> rs(stmt->executeQuery(kSql));
      return rs->next() && rs->getInt(1) == 1;
    } catch (const sql::SQLException& e) {
      return Error(e, kSql);
    }
  }

  std::unique_ptr<sql::Connection> connection_;
  Endpoint endpoint_;
  bool in_transaction_ = false;
  bool galera_ = false;
  std::unique_ptr<SqlStatement> last_insert_id_;  // destroyed before connection_
};

// A statement run on its own (autocommit) that loses a deadlock, or on Galera fails
// certification because another node committed a change to the same row first, was rolled back
// whole and changed nothing: running it again is safe, and it then sees the winner's row (a
// compare-and-set then matches no row, as it would have on one server). Inside a transaction
// the whole transaction is gone and only the caller can run it again (kAborted).
constexpr int kAutocommitAttempts = 4;

Result<int64_t> MysqlStatement::Execute() {
  for (int attempt = 1;; ++attempt) {
    try {
      results_.reset();
      BindMissingAsNull();
      return static_cast<int64_t>(stmt_->executeUpdate());
    } catch (const sql::SQLException& e) {
      const bool autocommit = !connection_->in_transaction();
      Status st = connection_->Error(e, sql_);
      if (st.code() == StatusCode::kAborted && autocommit && attempt < kAutocommitAttempts) {
        continue;
      }
      return st;
    } catch (const std::exception& e) {
      return Status::Internal(std::string("MySQL 执行失败：") + e.what() + "；SQL：" +
                              Abbreviate(sql_));
    }
  }
}

Result<bool> MysqlStatement::Step() {
  try {
    if (!stepped_) {
      BindMissingAsNull();
      results_.reset(stmt_->executeQuery());
      stepped_ = true;
      FindRealColumns();
    }
    if (!results_) return false;
    return results_->next();
  } catch (const sql::SQLException& e) {
    results_.reset();
    return connection_->Error(e, sql_);
  } catch (const std::exception& e) {
    results_.reset();
    return Status::Internal(std::string("MySQL 查询失败：") + e.what() + "；SQL：" +
                            Abbreviate(sql_));
  }
}

}  // namespace

Result<std::unique_ptr<SqlConnection>> OpenMysql(const MysqlParams& params) {
  Endpoint endpoint;
  endpoint.via_socket = !params.socket.empty();
  const bool ipv6 = params.host.find(':') != std::string::npos;
  const std::string host = ipv6 ? "[" + params.host + "]" : params.host;
  endpoint.where =
      endpoint.via_socket ? "套接字 " + params.socket : host + ":" + std::to_string(params.port);
  endpoint.database = params.database;
  endpoint.user = params.user;
  endpoint.password = params.password;

  std::unique_ptr<sql::Connection> connection;
  try {
    sql::ConnectOptionsMap options;
    options["hostName"] =
        sql::SQLString(endpoint.via_socket ? "unix://" + params.socket : "tcp://" + endpoint.where);
    options["userName"] = sql::SQLString(params.user);
    options["password"] = sql::SQLString(params.password);
    options["schema"] = sql::SQLString(params.database);
    options["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
    // A silent reconnect would drop the session settings below and any open transaction.
    options["OPT_RECONNECT"] = false;
    options["OPT_CONNECT_TIMEOUT"] = kConnectTimeoutSeconds;
    options["CLIENT_FOUND_ROWS"] = true;
    connection.reset(Driver()->connect(options));
  } catch (const sql::SQLException& e) {
    return ConnectError(endpoint, e);
  } catch (const std::exception& e) {
    return Status::Unavailable("无法连接 MySQL 服务器 " + endpoint.where + "（数据库 " +
                               params.database + "）：" + endpoint.Scrub(e.what()));
  }
  if (!connection) {
    return Status::Unavailable("无法连接 MySQL 服务器 " + endpoint.where + "（数据库 " +
                               params.database + "）");
  }

  auto db = std::make_unique<MysqlConnection>(std::move(connection), endpoint);
  if (Status galera = db->DetectGalera(); !galera.ok()) {
    return Status(galera.code(), "无法准备 Galera 会话（" + endpoint.where + "）：" + galera.message());
  }
  // READ COMMITTED, as SQLite effectively gives: compare-and-set versions carry the
  // consistency, and InnoDB's REPEATABLE READ gap locks would otherwise deadlock concurrent
  // writers that insert history and provenance rows for different persons.
  for (const std::string& setting :
       {std::string("SET NAMES utf8mb4 COLLATE utf8mb4_bin"),
        std::string("SET SESSION sql_mode = '") + kSqlMode + "'",
        std::string("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")}) {
    Status st = db->Exec(setting);
    if (!st.ok()) {
      return Status(st.code(), "无法设置 MySQL 会话（" + endpoint.where + "，数据库 " +
                                   params.database + "）：" + st.message());
    }
  }
  return std::unique_ptr<SqlConnection>(std::move(db));
}

}  // namespace onetable

#include "store/durability.h"

#include <memory>

#include "store/sql_connection.h"
#include "store/store_url.h"

namespace onetable {

const char* const kDurabilityVariables[] = {"innodb_flush_log_at_trx_commit",
                                            "log_bin",
                                            "sync_binlog",
                                            "wsrep_on",
                                            "wsrep_sync_wait",
                                            nullptr};

namespace {

std::string Get(const std::map<std::string, std::string>& v, const std::string& name) {
  auto it = v.find(name);
  return it == v.end() ? "" : it->second;
}

bool IsOn(const std::string& value) { return value == "ON" || value == "1" || value == "on"; }

// A non-negative integer, or -1 when `value` is not one.
long long AsCount(const std::string& value) {
  if (value.empty() || value.size() > 18) return -1;
  long long n = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

}  // namespace

std::vector<std::string> DurabilityProblems(const std::map<std::string, std::string>& variables) {
  std::vector<std::string> problems;
  const std::string flush = Get(variables, "innodb_flush_log_at_trx_commit");
  if (flush != "1") {
    problems.push_back(
        "innodb_flush_log_at_trx_commit = " + (flush.empty() ? "（未知）" : flush) +
        "，应为 1：否则提交时重做日志不落盘，服务器断电或崩溃会丢失最近已确认的修改");
  }
  if (IsOn(Get(variables, "log_bin"))) {
    const std::string sync = Get(variables, "sync_binlog");
    if (sync != "1") {
      problems.push_back(
          "已开启二进制日志，但 sync_binlog = " + (sync.empty() ? "（未知）" : sync) +
          "，应为 1：否则崩溃后二进制日志可能缺少已确认的事务，副本与按时间点恢复会丢数据");
    }
  }
  if (IsOn(Get(variables, "wsrep_on"))) {
    const long long wait = AsCount(Get(variables, "wsrep_sync_wait"));
    if (wait < 0 || (wait & 1) == 0) {
      problems.push_back(
          "这是 Galera 集群节点，但 wsrep_sync_wait = " + Get(variables, "wsrep_sync_wait") +
          "，应包含 1（读前等待复制追平）：否则连到不同节点的服务实例会读到旧数据，"
          "刚登录的会话在另一实例上无效、刚保存的版本被当作不存在");
    }
  }
  return problems;
}

Status CheckStoreDurability(const std::string& url) {
  ASSIGN_OR_RETURN(StoreUrl parsed, ParseStoreUrl(url));
  if (parsed.scheme != "mysql") return Status::Ok();
  ASSIGN_OR_RETURN(std::unique_ptr<SqlConnection> db, OpenMysql(parsed.mysql));
  {
    // TiDB keeps each commit in its storage layer's Raft log (replicated, synced before it
    // answers); its InnoDB and binlog variables are there for compatibility only.
    ASSIGN_OR_RETURN(auto version, db->Prepare("SELECT VERSION()"));
    ASSIGN_OR_RETURN(bool row, version->Step());
    if (row && version->Text(0).value_or("").find("TiDB") != std::string::npos) {
      return Status::Ok();
    }
  }
  std::string names;
  for (const char* const* n = kDurabilityVariables; *n != nullptr; ++n) {
    names += std::string(names.empty() ? "" : ", ") + "'" + *n + "'";
  }
  ASSIGN_OR_RETURN(auto stmt,
                   db->Prepare("SHOW GLOBAL VARIABLES WHERE Variable_name IN (" + names + ")"));
  std::map<std::string, std::string> variables;
  while (true) {
    ASSIGN_OR_RETURN(bool more, stmt->Step());
    if (!more) break;
    std::string name = stmt->Text(0).value_or("");
    for (char& c : name) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    variables[name] = stmt->Text(1).value_or("");
  }
  std::vector<std::string> problems = DurabilityProblems(variables);
  if (problems.empty()) return Status::Ok();
  std::string message =
      "登记库所在的 MySQL/MariaDB 服务器设置不安全，已确认的修改可能丢失，拒绝使用：\n";
  for (const std::string& p : problems) message += "  - " + p + "\n";
  message +=
      "请在服务器配置（my.cnf 的 [mysqld] 段）中改正后重启数据库。"
      "仅当这是可随时丢弃的测试库时，才可在 onetable.yaml 中设 throwaway_store: true"
      "（或使用 --throwaway-store 选项）跳过此检查。";
  return Status::Precondition(message);
}

}  // namespace onetable

#include "cli/verbs.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "access/access.h"
#include "app/context.h"
#include "app/store_open.h"
#include "audit/audit_key.h"
#include "audit/audit_log.h"
#include "auth/password.h"
#include "auth/users.h"
#include "cli/audit_verbs.h"
#include "cli/backup_verbs.h"
#include "cli/deliver_verbs.h"
#include "cli/import_verbs.h"
#include "cli/key_verbs.h"
#include "cli/table_verbs.h"
#include "cli/user_verbs.h"
#include "crypto/process_cipher.h"
#include "demo/demo_city.h"
#include "ingest/connector_spec.h"
#include "ingest/linkage/chinese_names.h"
#include "model/catalog.h"
#include "model/divisions.h"
#include "store/store.h"
#include "store/store_url.h"

namespace onetable {
namespace fs = std::filesystem;

namespace {

const char kUsage[] =
    "用法：onetable [--config FILE] [--store URL] 命令 [参数]\n"
    "\n"
    "命令：\n"
    "  init [--demo] [--persons N]  创建或升级登记库；--demo 载入演示社区数据\n"
    "  serve [--listen HOST:PORT]   启动 HTTP 服务（API 与网页）\n"
    "  check                        检查字段目录、代码表、行政区划、报表映射、连接器与推送配置\n"
    "  import 连接器.yaml [--plugins 目录] [--batch 条数]  立即运行一个连接器，导入部门数据\n"
    "  sync [--plugins 目录] [--batch 条数]   运行连接器目录中的全部连接器\n"
    "  table 映射ID [--scope 代码] [--as-of 日期] [--format xlsx|csv|json] [-o 文件]\n"
    "        [--preview N] [--savings]   按映射生成部门报表（如 minzheng/gaoling-jintie）\n"
    "  mapping draft 模板.xlsx|.csv [--title 标题] [-o 文件]   由部门空白模板生成映射草稿\n"
    "  deliver [推送ID] [--list] [--pause|--resume|--retry 推送ID]\n"
    "                               把报表的新增、变更、删除推送到部门系统（不带 ID：全部到期的）\n"
    "  user add 用户名 --role 角色 [--scope 代码 ...] [--grant 映射ID ...] [--password-stdin]\n"
    "                               新建用户（终端中输入两次密码）\n"
    "  audit verify|export|purge    校验审计日志的完整性、导出审计日志、按保留期存档后清理\n"
    "  backup 文件                  备份整个登记库（一致快照，SM4 加密，HMAC-SM3 校验）\n"
    "  restore 文件                 把备份恢复到配置的空登记库\n"
    "  purge [--dry-run] [--days N] 清除超过保留期的原始行（--dry-run 只统计）\n"
    "  key rotate [--batch 条数]     追加新的数据密钥，并把登记库中加密的值改用新密钥（可断点续做）\n"
    "\n"
    "全局选项：\n"
    "  --config FILE  配置文件（默认 onetable.yaml）\n"
    "  --store URL    登记库地址，覆盖配置：sqlite:PATH 或 mysql://用户:密码@主机:端口/库名\n"
    "  --throwaway-store  登记库是可丢弃的测试库：init 与 serve 不检查 MySQL 的持久性设置\n"
    "                 （也可在配置中设 throwaway_store: true，或设环境变量 "
    "ONETABLE_THROWAWAY_STORE=1）\n";

int Fail(int code, const std::string& message) {
  std::cerr << message << "\n";
  return code;
}

int ExitFor(const Status& st) {
  return st.code() == StatusCode::kUnavailable ? kExitUnavailable : kExitInvalid;
}

// Removes a SQLite database file this run created, so a failed init leaves nothing behind.
void RemoveSqliteFiles(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix);
}

// A database made by an older version (or copied in) may be 0644: the register's files are its
// owner's alone (main.cc sets the umask for what onetable creates).
void TightenSqliteModes(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::error_code ec;
    if (fs::exists(path + suffix, ec)) {
      fs::permissions(path + suffix, fs::perms::owner_read | fs::perms::owner_write, ec);
    }
  }
}

// The first account of one role in a new store, created like every account (auth/users.h):
// the password from the environment variable `env`, or a random one printed once.
Status CreateFirstAccount(Store* store, const Config& config, const Catalog& catalog, Role role,
                          const std::string& name, const std::string& display_name,
                          const char* env_name) {
  ASSIGN_OR_RETURN(auto users, store->ListUsers());
  for (const User& u : users) {
    if (u.role == RoleName(role)) return Status::Ok();
  }
  std::string password;
  const char* env = std::getenv(env_name);
  bool printed = false;
  if (env && *env) {
    password = env;
    const std::string weak = PasswordWeakness(password, name);
    if (!weak.empty()) return Status::Invalid(std::string(env_name) + " 不符合要求：" + weak);
  } else {
    ASSIGN_OR_RETURN(password, AcceptedRandomPassword(name));
    printed = true;
  }
  const AccessPolicy policy(catalog);
  const UserAccounts accounts(AppContext{catalog, policy, SettingsOf(config)});
  UserChange account;
  account.role = RoleName(role);
  account.display_name = display_name;
  account.password = password;
  RETURN_IF_ERROR(accounts.Create(*store, CliActor(), name, account).status);
  const std::string label = role == Role::kAdmin ? "管理员" : RoleLabel(role);
  std::cout << label << "账号：" << name << "\n";
  if (printed) {
    std::cout << label << "密码：" << password << "（只显示这一次，请妥善保存）\n";
  } else {
    std::cout << label << "密码：取自环境变量 " << env_name << "\n";
  }
  return Status::Ok();
}

// Three accounts for three separated duties (access.h): system configuration, accounts, audit.
Status CreateFirstAccounts(Store* store, const Config& config, const Catalog& catalog) {
  RETURN_IF_ERROR(CreateFirstAccount(store, config, catalog, Role::kAdmin, "admin", "系统管理员",
                                     "ONETABLE_ADMIN_PASSWORD"));
  RETURN_IF_ERROR(CreateFirstAccount(store, config, catalog, Role::kSecurityAdmin, "secadmin",
                                     "安全管理员", "ONETABLE_SECADMIN_PASSWORD"));
  return CreateFirstAccount(store, config, catalog, Role::kAuditor, "auditor", "审计员",
                            "ONETABLE_AUDITOR_PASSWORD");
}

}  // namespace

int RunInit(const Config& config, const std::vector<std::string>& args) {
  bool demo = false;
  DemoOptions demo_options;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--demo") {
      demo = true;
    } else if (args[i] == "--persons" && i + 1 < args.size()) {
      demo_options.persons = std::atoi(args[++i].c_str());
      if (demo_options.persons < 1 || demo_options.persons > 2000000) {
        return Fail(kExitUsage, "--persons 应为 1–2000000 的整数");
      }
    } else {
      return Fail(kExitUsage, "init 不认识参数 " + args[i] + "\n\n" + kUsage);
    }
  }
  auto catalog = Catalog::Load(config.schema_dir);
  if (!catalog.ok()) return Fail(kExitInvalid, catalog.status().message());
  auto url = ParseStoreUrl(config.store_url);
  if (!url.ok()) return Fail(kExitUsage, url.status().message());

  bool fresh_sqlite = false;
  if (url->scheme == "sqlite") {
    fresh_sqlite = !fs::exists(url->sqlite_path);
    fs::path parent = fs::path(url->sqlite_path).parent_path();
    std::error_code ec;
    if (!parent.empty()) fs::create_directories(parent, ec);
  }
  // A data key file this run created is removed again when init stops before the store has
  // accepted it (CheckDataKeys): a refused init leaves no key behind that belongs to nothing.
  bool new_keys = false;
  bool keys_accepted = false;
  auto fail = [&](const Status& st) {
    if (fresh_sqlite) RemoveSqliteFiles(url->sqlite_path);
    if (new_keys && !keys_accepted) {
      std::error_code ec;
      fs::remove(DataKeyFileOf(config), ec);
    }
    return Fail(ExitFor(st), st.message());
  };

  Status durable = GuardStoreDurability(config.store_url, config.throwaway_store);
  if (!durable.ok()) {
    return durable.code() == StatusCode::kFailedPrecondition ? Fail(kExitUsage, durable.message())
                                                             : fail(durable);
  }
  if (Status keys = InstallDataKeys(config, true, &new_keys); !keys.ok()) return fail(keys);
  auto store = OpenStore(config.store_url, *catalog);
  if (!store.ok()) return fail(store.status());
  if (url->scheme == "sqlite") TightenSqliteModes(url->sqlite_path);
  auto before = (*store)->SchemaVersion();
  if (!before.ok()) return fail(before.status());
  Status st = (*store)->Migrate();
  if (!st.ok()) return fail(st);
  auto after = (*store)->SchemaVersion();
  if (!after.ok()) return fail(after.status());
  if (*after != *before) {
    std::cout << "登记库 " << url->redacted << " 结构已升级到版本 " << *after << "\n";
  } else {
    std::cout << "登记库 " << url->redacted << " 结构已是最新（版本 " << *after << "）\n";
  }

  // Keys of another store, or none for an encrypted one, stop here, before anything is written.
  if (Status keys = (*store)->CheckDataKeys(); !keys.ok()) return fail(keys);
  keys_accepted = true;
  if (new_keys) {
    std::cout << "数据密钥：" << DataKeyFileOf(config)
              << "（SM4 加密个人敏感信息；请与登记库分开备份，丢失后已加密的数据无法读取）\n";
  }
  // A store written in clear (before encryption at rest, or with `encryption: false`) is
  // converted in place, in batches; a run killed half-way resumes at the next init.
  if (ProcessCipher() != nullptr) {
    int64_t sealed = 0;
    while (true) {
      auto n = (*store)->ReencryptBatch(1000);
      if (!n.ok()) return fail(n.status().Wrap("加密登记库中原有的明文数据失败"));
      if (*n == 0) break;
      sealed += *n;
    }
    if (sealed > 0) {
      if (Status scrub = (*store)->ScrubFreedSpace(); !scrub.ok()) return fail(scrub);
      std::cout << "已加密登记库中原有的 " << sealed << " 个明文值\n";
    }
  }

  // The key that seals the audit chain: created with the store, kept outside it.
  const std::string key_file = AuditKeyFileOf(config);
  const bool had_key = fs::exists(key_file);
  auto audit_key = OpenAuditKey(key_file, **store);
  if (!audit_key.ok()) return fail(audit_key.status());
  (*store)->SetAuditSealer(audit_key->get());
  if (!had_key) {
    std::cout << "审计密钥：" << key_file << "（" << (*audit_key)->algorithm()
              << "；请与登记库分开备份，丢失后已有审计记录无法校验）\n";
  }

  if (demo) {
    ListQuery all;
    auto persons = (*store)->Count(EntityKind::kPerson, all);
    if (!persons.ok()) return fail(persons.status());
    if (*persons > 0) {
      return Fail(kExitInvalid, "登记库中已有 " + std::to_string(*persons) +
                                    " 名人员，演示数据只能载入空库（换一个库地址，或删除后重建）");
    }
    auto divisions = Divisions::Load(config.schema_dir + "/divisions");
    if (!divisions.ok()) return fail(divisions.status());
    // One transaction: a demo that fails half-way leaves the register as it was.
    Result<DemoSummary> summary = Status::Internal("未运行");
    st = (*store)->InTransaction([&]() -> Status {
      summary = GenerateDemo(store->get(), *catalog, *divisions, demo_options,
                             [](const std::string& step) { std::cerr << step << "\n"; });
      return summary.status();
    });
    if (!st.ok()) return fail(st.Wrap("生成演示数据失败"));
    std::cout << "演示数据：" << summary->communities << " 个社区，" << summary->grids
              << " 个网格，" << summary->buildings << " 栋楼，" << summary->households << " 户，"
              << summary->persons << " 人，" << summary->tags << " 个专项标签\n";
  }
  st = CreateFirstAccounts(store->get(), config, *catalog);
  if (!st.ok()) return fail(st);
  return kExitOk;
}

int RunCheck(const Config& config, const std::vector<std::string>& args) {
  if (!args.empty()) return Fail(kExitUsage, "check 不接受参数\n\n" + std::string(kUsage));
  int problems = 0;
  auto catalog = Catalog::Load(config.schema_dir);
  if (!catalog.ok()) {
    std::cout << catalog.status().message() << "\n";
    ++problems;
  } else {
    std::cerr << "字段目录无误：" << catalog->fields().size() << " 个字段，"
              << catalog->tags().size() << " 类专项标签，" << catalog->code_tables().size()
              << " 个代码表\n";
  }
  auto divisions = Divisions::Load(config.schema_dir + "/divisions");
  if (!divisions.ok()) {
    std::cout << divisions.status().message() << "\n";
    ++problems;
  }
  if (catalog.ok()) {
    int mappings = 0;
    int bad = CheckMappings(*catalog, config.mappings_dir, std::cout, &mappings);
    if (bad == 0) std::cerr << "映射无误：" << mappings << " 张部门报表\n";
    problems += bad;
  }
  if (catalog.ok()) {
    int connectors = 0;
    std::vector<std::string> bad = CheckConnectorDir(config.connectors_dir, *catalog, &connectors);
    for (const std::string& message : bad) std::cout << message << "\n";
    if (bad.empty()) std::cerr << "连接器无误：" << connectors << " 个\n";
    problems += static_cast<int>(bad.size());
    if (config.review_fields) {
      Status st = CheckReviewFields(*config.review_fields, *catalog, config.review_fields_where);
      if (!st.ok()) {
        std::cout << st.message() << "\n";
        ++problems;
      }
    }
  }
  // 繁简 matching off is a degraded deployment, not a broken one: said, not counted.
  if (std::string w = linkage::MissingConverterWarning(); !w.empty()) std::cerr << w << "\n";
  if (catalog.ok()) {
    int deliveries = 0;
    int bad = CheckDeliveryDir(config, *catalog, std::cout, &deliveries);
    if (bad == 0) std::cerr << "推送配置无误：" << deliveries << " 个\n";
    problems += bad;
  }
  return problems ? kExitInvalid : kExitOk;
}

int RunCommandLine(const std::vector<std::string>& argv, const Verb& serve) {
  std::string config_path = "onetable.yaml";
  bool explicit_config = false;
  std::string store_override;
  // The tests' throwaway databases (ops/mariadb, ops/galera) are marked by the environment, so
  // every test that runs the binary against them need not pass the flag.
  const char* throwaway_env = std::getenv("ONETABLE_THROWAWAY_STORE");
  bool throwaway = throwaway_env != nullptr && std::string(throwaway_env) == "1";
  size_t i = 0;
  for (; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "--config" && i + 1 < argv.size()) {
      config_path = argv[++i];
      explicit_config = true;
    } else if (a == "--store" && i + 1 < argv.size()) {
      store_override = argv[++i];
    } else if (a == "--throwaway-store") {
      throwaway = true;
    } else if (a == "--help" || a == "-h" || a == "help") {
      std::cout << kUsage;
      return kExitOk;
    } else if (a.rfind("--", 0) == 0) {
      return Fail(kExitUsage, "不认识的选项 " + a + "\n\n" + kUsage);
    } else {
      break;
    }
  }
  if (i == argv.size()) return Fail(kExitUsage, kUsage);
  auto config = LoadConfig(config_path, explicit_config);
  if (!config.ok()) return Fail(kExitUsage, config.status().message());
  if (!store_override.empty()) config->store_url = store_override;
  if (throwaway) config->throwaway_store = true;
  std::string verb = argv[i];
  std::vector<std::string> rest(argv.begin() + static_cast<long>(i) + 1, argv.end());
  if (verb == "init") return RunInit(*config, rest);
  if (verb == "check") return RunCheck(*config, rest);
  // The store's values are sealed with the data keys; a verb that opens the store without
  // them gets the reason (OpenStore), one that never opens it is not stopped.
  if (Status keys = InstallDataKeys(*config, false, nullptr); !keys.ok()) {
    SetProcessCipherError(keys);
  }
  if (verb == "key") return RunKey(*config, rest);
  if (verb == "serve") return serve(*config, rest);
  if (verb == "user") return RunUser(*config, rest);
  if (verb == "audit") return RunAudit(*config, rest);
  if (verb == "backup") return RunBackup(*config, rest);
  if (verb == "restore") return RunRestore(*config, rest);
  if (verb == "purge") return RunPurge(*config, rest);
  if (verb == "import") return RunImport(*config, rest);
  if (verb == "sync") return RunSync(*config, rest);
  if (verb == "deliver") return RunDeliver(*config, rest);
  if (verb == "table") return RunTable(*config, rest);
  if (verb == "mapping") return RunMapping(*config, rest);
  return Fail(kExitUsage, "不认识的命令 " + verb + "\n\n" + kUsage);
}

}  // namespace onetable

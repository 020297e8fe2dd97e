// `onetable user add` as an operator runs it (the real binary, both stores), and a user it
// creates signing in to the real `onetable serve`.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "app/config.h"
#include "auth/login_throttle.h"
#include "auth/password.h"
#include "auth/secret_key.h"
#include "cli_runner.h"
#include "model/catalog.h"
#include "store/store.h"

namespace onetable::testing {
namespace {

class AuthCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    url_ = TestStoreUrl(dir_);
    CliResult init =
        RunCli({"--store", url_, "init"}, "", {{"ONETABLE_ADMIN_PASSWORD", "Admin-password-1"}});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    Result<Catalog> catalog = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    ASSERT_TRUE(catalog.ok());
    catalog_ = std::make_unique<Catalog>(std::move(*catalog));
    auto store = OpenStore(url_, *catalog_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    const int64_t district =
        Add(EntityKind::kDistrict, 0, {{"code", "420581"}, {"name", "宜都市"}});
    const int64_t street =
        Add(EntityKind::kStreet, district, {{"code", "420581001"}, {"name", "陆城街道"}});
    const int64_t a =
        Add(EntityKind::kCommunity, street, {{"code", "420581001001"}, {"name", "东风社区"}});
    const int64_t b =
        Add(EntityKind::kCommunity, street, {{"code", "420581001002"}, {"name", "西湖社区"}});
    Add(EntityKind::kGrid, a, {{"code", "01"}, {"name", "东风第一网格"}});
    Add(EntityKind::kGrid, b, {{"code", "01"}, {"name", "西湖第一网格"}});
  }

  void TearDown() override {
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  int64_t Add(EntityKind kind, int64_t parent, std::map<std::string, std::string> values) {
    Row row;
    row.parent_id = parent;
    row.values = std::move(values);
    Result<int64_t> id = store_->Insert(kind, row);
    EXPECT_TRUE(id.ok()) << id.status().message();
    return id.ok() ? *id : 0;
  }

  CliResult UserAdd(std::vector<std::string> args, const std::string& input) {
    std::vector<std::string> all = {"--store", url_, "user", "add"};
    all.insert(all.end(), args.begin(), args.end());
    return RunCli(all, "", {}, input);
  }

  std::string dir_, url_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<Store> store_;
};

TEST_F(AuthCli, UserAddRefusesWhatTheRulesRefuse) {
  const std::string good = "Good-password-1\n";
  struct Case {
    std::vector<std::string> args;
    std::string input;
    int exit_code;
    std::string message;  // part of stderr
  } cases[] = {
      {{"zhang", "--role", "grid_worker", "--scope", "420581001001/01", "--password-stdin"},
       "short1\n",
       1,
       "密码"},
      {{"zhang", "--role", "boss", "--password-stdin"}, good, 1, "角色 boss 无效"},
      {{"zhang", "--role", "grid_worker", "--scope", "01", "--password-stdin"}, good, 1, "不唯一"},
      {{"zhang", "--role", "community_admin", "--scope", "999999999999", "--password-stdin"},
       good,
       1,
       "不存在"},
      {{"zhang", "--role", "grid_worker", "--password-stdin"}, good, 1, "至少需要一个管辖范围"},
      {{"mz", "--role", "department", "--grant", "minzheng/no-such", "--password-stdin"},
       good,
       1,
       "minzheng/no-such"},
      {{"bad name", "--role", "admin", "--password-stdin"}, good, 1, "用户名"},
      {{"admin", "--role", "admin", "--password-stdin"}, good, 1, "已存在"},
      {{"zhang", "--role", "grid_worker", "--scope", "420581001001/01"},
       good,
       1,
       "--password-stdin"},  // stdin is not a terminal
      {{"zhang", "--role", "grid_worker", "--scope", "420581001001/01", "--password-stdin"},
       "",
       1,
       "没有密码"},
      {{"--role", "admin", "--password-stdin"}, good, 2, "缺少用户名"},
      {{"zhang", "--password-stdin"}, good, 2, "缺少 --role"},
      {{"zhang", "--role", "admin", "--frobnicate"}, good, 2, "--frobnicate"},
  };
  for (const Case& c : cases) {
    std::string trace;
    for (const std::string& a : c.args) trace += a + " ";
    SCOPED_TRACE(trace);
    CliResult r = UserAdd(c.args, c.input);
    EXPECT_EQ(r.exit_code, c.exit_code) << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
  }
  EXPECT_EQ(store_->GetUser("zhang").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(RunCli({"--store", url_, "user"}).exit_code, 2);
  EXPECT_EQ(RunCli({"--store", url_, "user", "remove", "x"}).exit_code, 2);
  EXPECT_EQ(RunCli({"--store", "sqlite:" + dir_ + "/empty.db", "user", "add", "xy", "--role",
                    "admin", "--password-stdin"},
                   "", {}, "Good-password-1\n")
                .exit_code,
            2);
}

TEST_F(AuthCli, UserAddCreatesAnAuditedAccountThatSignsInToServe) {
  CliResult r = UserAdd({"zhang", "--role", "grid_worker", "--scope", "420581001001/01",
                         "--display-name", "张网格员", "--password-stdin"},
                        "Good-password-1\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("已创建用户 zhang（网格员）"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Good-password-1"), std::string::npos);
  CliResult dept = UserAdd({"mz", "--role", "department", "--grant", "minzheng/dibao",
                            "minzheng/gaoling-jintie", "--password-stdin"},
                           "Dept-password-2\r\n");
  ASSERT_EQ(dept.exit_code, 0) << dept.err;

  Result<User> user = store_->GetUser("zhang");
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->role, "grid_worker");
  EXPECT_EQ(user->display_name, "张网格员");
  EXPECT_EQ(user->scopes, std::vector<std::string>{"420581001001/01"});
  EXPECT_TRUE(VerifyPassword("Good-password-1", user->password_hash));
  EXPECT_NE(user->password_hash.find("pbkdf2-sha256$600000$"), std::string::npos);
  Result<User> mz = store_->GetUser("mz");
  ASSERT_TRUE(mz.ok());
  EXPECT_EQ(mz->grants, (std::vector<std::string>{"minzheng/dibao", "minzheng/gaoling-jintie"}));
  EXPECT_TRUE(VerifyPassword("Dept-password-2", mz->password_hash));
  AuditQuery query;
  query.action = "user_change";
  Result<std::vector<AuditEntry>> audit = store_->ListAudit(query);
  ASSERT_TRUE(audit.ok());
  // init's three first accounts (separated duties), then the two added here: every account
  // change is a user_change.
  ASSERT_EQ(audit->size(), 5u);
  EXPECT_EQ((*audit)[0].object, "user/admin");
  EXPECT_EQ((*audit)[1].object, "user/secadmin");
  EXPECT_EQ((*audit)[2].object, "user/auditor");
  EXPECT_EQ((*audit)[3].user.rfind("cli:", 0), 0u) << (*audit)[3].user;
  EXPECT_EQ((*audit)[3].role, "operator");
  EXPECT_EQ((*audit)[3].object, "user/zhang");
  EXPECT_EQ((*audit)[3].detail.find("Good-password"), std::string::npos);
  EXPECT_EQ((*audit)[4].object, "user/mz");

  // The new account signs in to the real server and sees its grid.
  const int port = FreePort();
  pid_t pid = StartCli({"--store", url_, "serve", "--listen", "127.0.0.1:" + std::to_string(port)},
                       dir_ + "/serve.log");
  int status = 0;
  std::string body;
  const auto call = [&](const std::string& method, const std::string& path,
                        const std::string& payload, const std::string& token) {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!token.empty()) req.set("Authorization", "Bearer " + token);
    if (!payload.empty()) {
      req.setContentType("application/json");
      req.setContentLength64(static_cast<Poco::Int64>(payload.size()));
    }
    session.sendRequest(req) << payload;
    Poco::Net::HTTPResponse resp;
    body.clear();
    Poco::StreamCopier::copyToString(session.receiveResponse(resp), body);
    status = resp.getStatus();
  };
  for (int i = 0; i < 100; ++i) {  // wait for the listener, at most 10 s
    try {
      call("GET", "/healthz", "", "");
      break;
    } catch (const Poco::Exception&) {
      usleep(100 * 1000);
    }
  }
  ASSERT_EQ(status, 200) << ReadFile(dir_ + "/serve.log.err");
  call("POST", "/api/v1/login", R"({"name":"zhang","password":"Good-password-1"})", "");
  ASSERT_EQ(status, 200) << body;
  const size_t start = body.find("\"token\":\"") + 9;
  const std::string token = body.substr(start, body.find('"', start) - start);
  call("GET", "/api/v1/tree", "", token);
  EXPECT_EQ(status, 200);
  EXPECT_NE(body.find("东风第一网格"), std::string::npos) << body;
  EXPECT_EQ(body.find("西湖"), std::string::npos) << body;
  call("GET", "/api/v1/users", "", token);
  EXPECT_EQ(status, 403);
  call("GET", "/metrics", "", "");
  EXPECT_EQ(status, 200);
  EXPECT_NE(body.find("onetable_http_requests_total{method=\"GET\",route=\"/api/v1/tree\","
                      "status=\"200\"} 1"),
            std::string::npos)
      << body;
  call("GET", "/api/v1/openapi.json", "", "");
  EXPECT_EQ(status, 200);
  EXPECT_NE(body.find("\"/api/v1/users/{name}/tokens/{id}\""), std::string::npos);
  kill(pid, SIGTERM);
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);
  const std::string log = ReadFile(dir_ + "/serve.log") + ReadFile(dir_ + "/serve.log.err");
  EXPECT_EQ(log.find(token), std::string::npos);
  EXPECT_EQ(log.find("Good-password-1"), std::string::npos);
  EXPECT_NE(log.find(" user=zhang"), std::string::npos) << log;
}

// `user unlock` clears the login wait of an account name or a client address, with the same
// keyed hashes as the server (the secret key file beside a SQLite store, var/secret.key in the
// working directory otherwise), and audits it.
TEST_F(AuthCli, UserUnlockEndsTheLoginWaitOfANameOrAnAddress) {
  Config config;
  config.store_url = url_;
  std::string key_path = SecretKeyPathOf(config);
  if (key_path.front() != '/') key_path = dir_ + "/" + key_path;
  Result<std::string> secret = LoadOrCreateSecretKey(key_path);
  ASSERT_TRUE(secret.ok()) << secret.status().message();
  const LoginThrottler throttle(*secret);
  const int64_t now = 1767225600;
  for (int i = 0; i < 12; ++i) {
    ASSERT_TRUE(throttle.RecordFailure(*store_, "admin", "198.51.100.7", now).ok());
  }
  ASSERT_GT(*throttle.WaitSeconds(*store_, "admin", "", now), 0);
  ASSERT_GT(*throttle.WaitSeconds(*store_, "other", "198.51.100.7", now), 0);

  CliResult unlocked = RunCli({"--store", url_, "user", "unlock", "admin"}, dir_);
  ASSERT_EQ(unlocked.exit_code, 0) << unlocked.err;
  EXPECT_NE(unlocked.out.find("已解除账号 admin 的登录等待"), std::string::npos) << unlocked.out;
  EXPECT_EQ(*throttle.WaitSeconds(*store_, "admin", "", now), 0);
  EXPECT_GT(*throttle.WaitSeconds(*store_, "other", "198.51.100.7", now), 0);
  unlocked = RunCli({"--store", url_, "user", "unlock", "--address", "198.51.100.7"}, dir_);
  ASSERT_EQ(unlocked.exit_code, 0) << unlocked.err;
  EXPECT_EQ(*throttle.WaitSeconds(*store_, "other", "198.51.100.7", now), 0);

  AuditQuery query;
  query.action = "user_change";
  Result<std::vector<AuditEntry>> rows = store_->ListAudit(query);
  ASSERT_TRUE(rows.ok());
  int cleared = 0;
  for (const AuditEntry& e : *rows) cleared += e.detail == "login throttle cleared" ? 1 : 0;
  EXPECT_EQ(cleared, 2);
  EXPECT_EQ(RunCli({"--store", url_, "user", "unlock"}, dir_).exit_code, 2);
}

// Reads from a pty's master side until `text` has appeared, the child closed its side, or
// `seconds` passed (generous: under load the child may take long to start and to hash); returns
// all read. The deadline is wall-clock time, not a count of reads.
std::string ReadUntil(int master, const std::string& text, std::string* seen, int seconds = 120) {
  char buffer[256];
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (seen->find(text) == std::string::npos && std::chrono::steady_clock::now() < until) {
    pollfd fd{master, POLLIN, 0};
    if (poll(&fd, 1, 100) <= 0) continue;
    const ssize_t n = read(master, buffer, sizeof buffer);
    if (n <= 0) break;  // EIO: the child has closed the terminal
    seen->append(buffer, static_cast<size_t>(n));
  }
  return *seen;
}

// Without --password-stdin, on a terminal: asks twice with echo off, and the account works.
// Both answers are typed ahead, in one go, as soon as the first prompt shows: echo is already
// off then (it goes off before the prompt is printed), and the second line must survive the
// second prompt's terminal change (TCSANOW, not TCSAFLUSH). Nothing here depends on timing: the
// test waits for the prompt, then for the child to finish.
TEST_F(AuthCli, UserAddAsksForThePasswordTwiceOnATerminal) {
  int master = -1;
  const pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::string bin = ONETABLE_BINARY;
    execl(bin.c_str(), bin.c_str(), "--store", url_.c_str(), "user", "add", "tty_user", "--role",
          "admin", static_cast<char*>(nullptr));
    _exit(127);
  }
  std::string seen;
  ReadUntil(master, "密码：", &seen);
  ASSERT_NE(seen.find("密码："), std::string::npos) << seen;
  const std::string typed = "Typed-password-3\nTyped-password-3\n";
  ASSERT_EQ(write(master, typed.data(), typed.size()), static_cast<ssize_t>(typed.size()));
  ReadUntil(master, "已创建用户 tty_user", &seen);
  int status = 0;
  waitpid(pid, &status, 0);
  // What the child wrote after the last read (it has exited: reads end at EIO).
  ReadUntil(master, "\x01never\x01", &seen, 5);
  close(master);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << seen;
  EXPECT_NE(seen.find("再次输入密码："), std::string::npos) << seen;
  EXPECT_NE(seen.find("已创建用户 tty_user"), std::string::npos) << seen;
  EXPECT_EQ(seen.find("Typed-password-3"), std::string::npos) << "echo must be off: " << seen;
  Result<User> user = store_->GetUser("tty_user");
  ASSERT_TRUE(user.ok()) << seen;
  EXPECT_TRUE(VerifyPassword("Typed-password-3", user->password_hash));
}

}  // namespace
}  // namespace onetable::testing

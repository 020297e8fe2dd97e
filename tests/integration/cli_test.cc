// The `onetable` binary as an operator uses it: init, check, serve, and their failures.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <filesystem>

#include "cli_runner.h"
#include "store/sql_connection.h"

namespace onetable::testing {
namespace {
namespace fs = std::filesystem;

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    url_ = TestStoreUrl(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_, url_;
};

TEST_F(Cli, InitCreatesStoreAndAdminOnce) {
  CliResult first = RunCli({"--store", url_, "init"}, "", {{"ONETABLE_ADMIN_PASSWORD", ""}});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("结构已升级到版本"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("管理员账号：admin"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("管理员密码："), std::string::npos);
  CliResult second = RunCli({"--store", url_, "init"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find("已是最新"), std::string::npos) << second.out;
  EXPECT_EQ(second.out.find("管理员密码"), std::string::npos) << "admin created twice";
}

TEST_F(Cli, AdminPasswordFromEnvironmentIsNotPrinted) {
  CliResult r = RunCli({"--store", url_, "init"}, "",
                       {{"ONETABLE_ADMIN_PASSWORD", "Secret-pass-2026"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("Secret-pass-2026"), std::string::npos);
  EXPECT_NE(r.out.find("ONETABLE_ADMIN_PASSWORD"), std::string::npos);
  CliResult weak = RunCli({"--store", "sqlite:" + dir_ + "/weak.db", "init"}, "",
                          {{"ONETABLE_ADMIN_PASSWORD", "short"}});
  EXPECT_EQ(weak.exit_code, 1);
  EXPECT_NE(weak.err.find("至少需要 10 个字符"), std::string::npos) << weak.err;
  EXPECT_FALSE(fs::exists(dir_ + "/weak.db")) << "a failed init left a database behind";
}

TEST_F(Cli, InitDemoLoadsSampleCommunityOnlyIntoEmptyStore) {
  CliResult r = RunCli({"--store", url_, "init", "--demo", "--persons", "600"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("演示数据："), std::string::npos) << r.out;
  CliResult again = RunCli({"--store", url_, "init", "--demo"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("只能载入空库"), std::string::npos) << again.err;
}

TEST_F(Cli, BadStoreUrlsAreExplained) {
  CliResult scheme = RunCli({"--store", "postgres://u:p@h/db", "init"});
  EXPECT_EQ(scheme.exit_code, 2);
  EXPECT_NE(scheme.err.find("postgres://"), std::string::npos) << scheme.err;
  // Nothing listens on port 1: unreachable, exit 3, and the password is not echoed.
  CliResult down = RunCli({"--store", "mysql://onetable:Hunter2secret@127.0.0.1:1/onetable",
                           "init"});
  EXPECT_EQ(down.exit_code, 3) << down.err;
  EXPECT_NE(down.err.find("127.0.0.1:1"), std::string::npos) << down.err;
  EXPECT_EQ(down.err.find("Hunter2secret"), std::string::npos) << down.err;
  CliResult unwritable = RunCli({"--store", "sqlite:/proc/onetable/x.db", "init"});
  EXPECT_EQ(unwritable.exit_code, 3) << unwritable.err;
  EXPECT_NE(unwritable.err.find("/proc/onetable/x.db"), std::string::npos) << unwritable.err;
}

TEST_F(Cli, DatabaseNewerThanBinaryIsRefusedUntouched) {
  std::string url = "sqlite:" + dir_ + "/newer.db";
  ASSERT_EQ(RunCli({"--store", url, "init"}).exit_code, 0);
  {
    auto db = OpenSqlite(dir_ + "/newer.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("INSERT INTO schema_migrations VALUES (999, '0999_future', "
                            "'2030-01-01 00:00:00')")
                    .ok());
  }
  CliResult r = RunCli({"--store", url, "init"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("999"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("更新版本的 onetable"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::exists(dir_ + "/newer.db"));
}

TEST_F(Cli, CheckPointsAtTheBrokenLine) {
  fs::copy(ONETABLE_SOURCE_DIR "/schema", dir_ + "/schema", fs::copy_options::recursive);
  CliResult good = RunCli({"--config", dir_ + "/onetable.yaml", "check"}, "", {});
  // No config file yet: an explicit --config that does not exist is a usage error.
  EXPECT_EQ(good.exit_code, 2);
  WriteFile(dir_ + "/onetable.yaml", "schema: schema\n");
  good = RunCli({"--config", dir_ + "/onetable.yaml", "check"});
  EXPECT_EQ(good.exit_code, 0) << good.out << good.err;
  // Break one field: an unknown type on a known line.
  std::string yaml = ReadFile(dir_ + "/schema/fields.yaml");
  size_t at = yaml.find("type: phone");
  ASSERT_NE(at, std::string::npos);
  yaml.replace(at, 11, "type: telephone");
  int line = 1 + static_cast<int>(std::count(yaml.begin(), yaml.begin() + at, '\n'));
  WriteFile(dir_ + "/schema/fields.yaml", yaml);
  CliResult bad = RunCli({"--config", dir_ + "/onetable.yaml", "check"});
  EXPECT_EQ(bad.exit_code, 1);
  std::string where = dir_ + "/schema/fields.yaml:" + std::to_string(line) + ":";
  EXPECT_NE(bad.out.find(where), std::string::npos) << "want " << where << " in:\n" << bad.out;
  EXPECT_NE(bad.out.find("telephone"), std::string::npos) << bad.out;
  // A broken catalog stops init before any database is created.
  CliResult init = RunCli({"--config", dir_ + "/onetable.yaml", "--store",
                           "sqlite:" + dir_ + "/never.db", "init"});
  EXPECT_EQ(init.exit_code, 1);
  EXPECT_FALSE(fs::exists(dir_ + "/never.db"));
}

TEST_F(Cli, CheckPointsAtABrokenConnectorRule) {
  fs::copy(ONETABLE_SOURCE_DIR "/schema", dir_ + "/schema", fs::copy_options::recursive);
  fs::create_directories(dir_ + "/conn");
  WriteFile(dir_ + "/onetable.yaml", "schema: schema\nconnectors: conn\n");
  const std::string head =
      "id: dibao\ntype: csv\noptions: {path: x.csv}\nfields: {id_number: 身份证号}\n";
  WriteFile(
      dir_ + "/conn/dibao.yaml",
      head + "tags:\n  - {tag: dibao, when: '救助类型 in (\"城市低保\") and 保障金额 > 0'}\n");
  CliResult good = RunCli({"--config", dir_ + "/onetable.yaml", "check"});
  EXPECT_EQ(good.exit_code, 0) << good.out << good.err;
  EXPECT_NE(good.err.find("连接器无误：1 个"), std::string::npos) << good.err;
  // The old "=" of tag rules: the column counts the four characters of 救助类型, not 12 bytes.
  WriteFile(dir_ + "/conn/dibao.yaml",
            head + "tags:\n  - {tag: dibao, when: '救助类型 = \"城市低保\"'}\n");
  CliResult bad = RunCli({"--config", dir_ + "/onetable.yaml", "check"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find(dir_ + "/conn/dibao.yaml:6:30: when 条件有误：请用 == 表示相等"),
            std::string::npos)
      << bad.out;
}

TEST_F(Cli, UnknownConfigKeyNamesFileAndLine) {
  WriteFile(dir_ + "/onetable.yaml", "store: sqlite:x.db\nlisten: 127.0.0.1:8080\nthreds: 4\n");
  CliResult r = RunCli({"--config", dir_ + "/onetable.yaml", "check"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(dir_ + "/onetable.yaml:3:1: 未知的配置项 threds"), std::string::npos)
      << r.err;
  // Columns count characters on a line with Chinese before the mistake (目录 is two, not six).
  WriteFile(dir_ + "/onetable.yaml", "{schema: 目录, threds: 4}\n");
  r = RunCli({"--config", dir_ + "/onetable.yaml", "check"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(dir_ + "/onetable.yaml:1:14: 未知的配置项 threds"), std::string::npos)
      << r.err;
  WriteFile(dir_ + "/onetable.yaml", "store: sqlite:x.db\nsecure_cookie: yes\n");
  r = RunCli({"--config", dir_ + "/onetable.yaml", "check"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(dir_ + "/onetable.yaml:2:16: secure_cookie 应为 true 或 false"),
            std::string::npos)
      << r.err;
}

std::string HttpGet(int port, const std::string& path, int* status,
                    const std::string& token = "") {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
  Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_GET, path);
  if (!token.empty()) req.set("Authorization", "Bearer " + token);
  session.sendRequest(req);
  Poco::Net::HTTPResponse resp;
  std::istream& body = session.receiveResponse(resp);
  std::string out;
  Poco::StreamCopier::copyToString(body, out);
  *status = resp.getStatus();
  return out;
}

// POST /api/v1/login; the session token, or "" on failure. `cookie` receives Set-Cookie.
std::string HttpLogin(int port, const std::string& name, const std::string& password,
                      std::string* cookie = nullptr) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
  Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST, "/api/v1/login");
  const std::string body = "{\"name\":\"" + name + "\",\"password\":\"" + password + "\"}";
  req.setContentType("application/json");
  req.setContentLength64(static_cast<Poco::Int64>(body.size()));
  session.sendRequest(req) << body;
  Poco::Net::HTTPResponse resp;
  std::string out;
  Poco::StreamCopier::copyToString(session.receiveResponse(resp), out);
  if (cookie != nullptr) *cookie = resp.get("Set-Cookie", "");
  const size_t start = out.find("\"token\":\"");
  if (resp.getStatus() != 200 || start == std::string::npos) return "";
  return out.substr(start + 9, out.find('"', start + 9) - start - 9);
}

TEST_F(Cli, ServeAnswersHealthAndTreeThenStopsOnSigterm) {
  ASSERT_EQ(RunCli({"--store", url_, "init", "--demo", "--persons", "300"}, "",
                   {{"ONETABLE_ADMIN_PASSWORD", "Admin-password-1"}})
                .exit_code,
            0);
  int port = FreePort();
  // Served over HTTPS behind a proxy, as the configuration says: the cookie is Secure.
  WriteFile(dir_ + "/onetable.yaml", "secure_cookie: true\n");
  pid_t pid = StartCli({"--config", dir_ + "/onetable.yaml", "--store", url_, "serve", "--listen",
                        "127.0.0.1:" + std::to_string(port)},
                       dir_ + "/serve.log");
  int status = 0;
  std::string body;
  for (int i = 0; i < 100; ++i) {  // wait for the listener, at most 10 s
    try {
      body = HttpGet(port, "/healthz", &status);
      break;
    } catch (const Poco::Exception&) {
      usleep(100 * 1000);
    }
  }
  EXPECT_EQ(status, 200);
  EXPECT_NE(body.find("\"status\":\"ok\""), std::string::npos) << body;
  body = HttpGet(port, "/api/v1/tree", &status);
  EXPECT_EQ(status, 401) << "the register needs a signed-in caller";
  std::string cookie;
  const std::string token = HttpLogin(port, "admin", "Admin-password-1", &cookie);
  ASSERT_FALSE(token.empty());
  EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
  body = HttpGet(port, "/api/v1/tree", &status, token);
  EXPECT_EQ(status, 200);
  EXPECT_NE(body.find("陆城街道"), std::string::npos) << body.substr(0, 500);
  kill(pid, SIGTERM);
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  EXPECT_TRUE(WIFEXITED(wstatus)) << "serve did not exit on SIGTERM";
  EXPECT_EQ(WEXITSTATUS(wstatus), 0);
}

TEST_F(Cli, ServeRefusesAnUninitialisedStore) {
  CliResult r = RunCli({"--store", "sqlite:" + dir_ + "/empty.db", "serve", "--listen",
                        "127.0.0.1:" + std::to_string(FreePort())});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("onetable init"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace onetable::testing

// Store URLs: the forms the config accepts, and the errors a mistyped one gets.
#include "store/store_url.h"

#include <gtest/gtest.h>

#include <string>

namespace onetable {
namespace {

TEST(StoreUrl, SqlitePaths) {
  struct Case {
    std::string url, path;
  } cases[] = {
      {"sqlite:var/onetable.db", "var/onetable.db"},
      {"sqlite:/srv/onetable/onetable.db", "/srv/onetable/onetable.db"},
      {"sqlite:./数据/一张表.db", "./数据/一张表.db"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.url);
    Result<StoreUrl> parsed = ParseStoreUrl(c.url);
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    EXPECT_EQ(parsed->scheme, "sqlite");
    EXPECT_EQ(parsed->sqlite_path, c.path);
    EXPECT_EQ(parsed->redacted, c.url);
  }
}

TEST(StoreUrl, MysqlForms) {
  struct Case {
    std::string url, user, password, host, database, socket;
    int port;
    std::string redacted;
  } cases[] = {
      {"mysql://onetable:secret@127.0.0.1:33306/onetable_test", "onetable", "secret", "127.0.0.1",
       "onetable_test", "", 33306, "mysql://onetable:***@127.0.0.1:33306/onetable_test"},
      {"mysql://app:pw@db.example.cn/register", "app", "pw", "db.example.cn", "register", "", 3306,
       "mysql://app:***@db.example.cn/register"},
      // Reserved characters in a password, percent-encoded and raw.
      {"mysql://a%40b:p%40ss%3Aw%2Fd@host:3307/db", "a@b", "p@ss:w/d", "host", "db", "", 3307,
       "mysql://a%40b:***@host:3307/db"},
      {"mysql://u:p@ss:w/rd@host/db", "u", "p@ss:w/rd", "host", "db", "", 3306,
       "mysql://u:***@host/db"},
      {"mysql://root@localhost/db", "root", "", "localhost", "db", "", 3306,
       "mysql://root@localhost/db"},
      {"mysql://u:p@localhost/db?socket=/run/mysqld/mysqld.sock", "u", "p", "localhost", "db",
       "/run/mysqld/mysqld.sock", 3306,
       "mysql://u:***@localhost/db?socket=/run/mysqld/mysqld.sock"},
      {"mysql://u:p@/db?socket=/tmp/my.sock", "u", "p", "localhost", "db", "/tmp/my.sock", 3306,
       "mysql://u:***@/db?socket=/tmp/my.sock"},
      {"mysql://u:p@[::1]:3310/db", "u", "p", "::1", "db", "", 3310, "mysql://u:***@[::1]:3310/db"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.url);
    Result<StoreUrl> parsed = ParseStoreUrl(c.url);
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    EXPECT_EQ(parsed->scheme, "mysql");
    EXPECT_EQ(parsed->mysql.user, c.user);
    EXPECT_EQ(parsed->mysql.password, c.password);
    EXPECT_EQ(parsed->mysql.host, c.host);
    EXPECT_EQ(parsed->mysql.port, c.port);
    EXPECT_EQ(parsed->mysql.database, c.database);
    EXPECT_EQ(parsed->mysql.socket, c.socket);
    EXPECT_EQ(parsed->redacted, c.redacted);
  }
}

TEST(StoreUrl, BadUrlsAreRefusedWithoutShowingThePassword) {
  struct Case {
    std::string url, says;
  } cases[] = {
      {"", "URL 为空"},
      {"postgres://u:hunter2@host/db", "不支持的存储类型"},
      {"onetable.db", "不支持的存储类型"},
      {"sqlite:", "缺少数据库文件路径"},
      {"sqlite://var/onetable.db", "不要写 //"},
      {"mysql://host/db", "缺少用户名"},
      {"mysql://:hunter2@host/db", "缺少用户名"},
      {"mysql://u:hunter2@host:33o6/db", "端口“33o6”不是"},
      {"mysql://u:hunter2@host:70000/db", "端口“70000”不是"},
      {"mysql://u:hunter2@host:/db", "端口为空"},
      {"mysql://u:hunter2@host:3306", "缺少数据库名"},
      {"mysql://u:hunter2@host:3306/", "缺少数据库名"},
      {"mysql://u:hunter2@/db", "缺少主机名"},
      {"mysql://u:hunter2@host/a/b", "数据库名中不能有 /"},
      {"mysql://u:hunter2@host/db?ssl=1", "只支持 ?socket="},
      {"mysql://u:hunter2@host/db?socket=", "缺少套接字路径"},
      {"mysql://u:hunter2%4@host/db", "密码中的 % 转义不完整"},
      {"mysql://u%zz:hunter2@host/db", "用户名中的 % 转义不完整"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.url);
    Result<StoreUrl> parsed = ParseStoreUrl(c.url);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    const std::string& message = parsed.status().message();
    EXPECT_NE(message.find(c.says), std::string::npos) << message;
    EXPECT_NE(message.find("mysql://用户:密码@主机:端口/数据库"), std::string::npos) << message;
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace onetable

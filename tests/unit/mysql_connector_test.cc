// The pure parts of the mysql connector: its URL, identifier checks (nothing from the YAML is
// ever written into SQL unchecked), the cursor and the SQL of each batch.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mysql/mysql_source.h"

namespace onetable::connectors {
namespace {

TEST(ConnectorMysqlSourceUrl, ParsesTcpSocketAndEscapedPasswords) {
  auto tcp = ParseMysqlSourceUrl("mysql://ga_read:p%40ss:w@rd@10.1.2.3:3307/gongan");
  ASSERT_TRUE(tcp.ok()) << tcp.status().message();
  EXPECT_EQ(tcp->user, "ga_read");
  EXPECT_EQ(tcp->password, "p@ss:w@rd");
  EXPECT_EQ(tcp->host, "10.1.2.3");
  EXPECT_EQ(tcp->port, 3307);
  EXPECT_EQ(tcp->database, "gongan");
  EXPECT_EQ(tcp->where, "10.1.2.3:3307");

  auto socket = ParseMysqlSourceUrl("mysql://u:p@/db?socket=/run/mysqld/mysqld.sock");
  ASSERT_TRUE(socket.ok()) << socket.status().message();
  EXPECT_EQ(socket->socket, "/run/mysqld/mysqld.sock");
  EXPECT_EQ(socket->where, "套接字 /run/mysqld/mysqld.sock");

  auto v6 = ParseMysqlSourceUrl("mysql://u:p@[::1]/db");
  ASSERT_TRUE(v6.ok()) << v6.status().message();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 3306);
  EXPECT_EQ(v6->where, "[::1]:3306");

  // A raw '?' in the password is not the start of the query (it used to hide the '@').
  auto question = ParseMysqlSourceUrl("mysql://u:pa?ss@h/db?socket=/tmp/s.sock");
  ASSERT_TRUE(question.ok()) << question.status().message();
  EXPECT_EQ(question->password, "pa?ss");
  EXPECT_EQ(question->socket, "/tmp/s.sock");
}

TEST(ConnectorMysqlSourceUrl, RejectsBadUrlsWithoutShowingThePassword) {
  const std::vector<std::string> bad = {
      "postgres://u:secret123@h/db",    "mysql://h/db",          "mysql://u:secret123@h:0/db",
      "mysql://u:secret123@h:99999/db", "mysql://u:secret123@h", "mysql://u:secret123@h/db?ssl=1",
      "mysql://u:secret%4@h/db",
  };
  for (const std::string& url : bad) {
    auto parsed = ParseMysqlSourceUrl(url);
    ASSERT_FALSE(parsed.ok()) << url;
    EXPECT_EQ(parsed.status().message().find("secret123"), std::string::npos)
        << parsed.status().message();
    EXPECT_NE(parsed.status().message().find("url"), std::string::npos);
  }
}

TEST(ConnectorMysqlIdentifier, AcceptsOnlyPlainIdentifiers) {
  struct Case {
    std::string name;
    bool ok;
  };
  const Case cases[] = {
      {"id", true},
      {"gxsj", true},
      {"updated_at", true},
      {"$col2", true},
      {"身份证号", true},
      {"流动人口_2024", true},
      {"", false},
      {"123", false},
      {"a b", false},
      {"a`b", false},
      {"x;drop", false},
      {"a'b", false},
      {"a\"b", false},
      {"t.c", false},
      {"a-b", false},
      {std::string(65, 'a'), false},
      {std::string(64, 'a'), true},
      {"\xF0\x9F\x98\x80", false},  // outside the BMP
      {"\xC3\x28", false},          // not UTF-8
  };
  for (const Case& c : cases) EXPECT_EQ(IsPlainIdentifier(c.name), c.ok) << c.name;
}

TEST(ConnectorMysqlIdentifier, QuotesTablesColumnsAndKeyLists) {
  EXPECT_EQ(*QuoteIdentifier("gongan_liudong", "table"), "`gongan_liudong`");
  EXPECT_EQ(*QuoteIdentifier("gongan.liudong", "table", true), "`gongan`.`liudong`");
  auto no_schema = QuoteIdentifier("gongan.liudong", "watermark");
  ASSERT_FALSE(no_schema.ok());
  EXPECT_NE(no_schema.status().message().find("watermark"), std::string::npos);
  EXPECT_FALSE(QuoteIdentifier("x`; DROP TABLE t; --", "table", true).ok());

  auto keys = ParseColumnList(" area_code , serial ", "key");
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(*keys, (std::vector<std::string>{"area_code", "serial"}));
  for (const char* bad : {"", "a,,b", "a,", "a,b`", "a b"}) {
    auto parsed = ParseColumnList(bad, "key");
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.status().message().find("key"), std::string::npos);
  }
}

TEST(ConnectorMysqlCursor, RoundTripsEveryPhaseAndAwkwardValues) {
  MysqlCursor start;
  MysqlCursor null_wm{MysqlCursor::Phase::kNullWatermark, "", {"17"}};
  MysqlCursor value{MysqlCursor::Phase::kValue, "2024-06-01 09:12:00.250000", {"a\tb", "c\\n\nd"}};
  for (const MysqlCursor& c : {start, null_wm, value}) {
    const std::string text = EncodeMysqlCursor(c);
    EXPECT_EQ(text.find('\n'), std::string::npos) << text;
    auto back = DecodeMysqlCursor(text, c.phase == MysqlCursor::Phase::kStart ? 0 : c.keys.size());
    ASSERT_TRUE(back.has_value()) << text;
    EXPECT_TRUE(*back == c) << text;
  }
  // Another connector's cursor, another key layout or garbage: start over.
  EXPECT_FALSE(DecodeMysqlCursor("", 1).has_value());
  EXPECT_FALSE(DecodeMysqlCursor("csv1\n10\t20", 1).has_value());
  EXPECT_FALSE(DecodeMysqlCursor(EncodeMysqlCursor(value), 1).has_value());
  EXPECT_FALSE(DecodeMysqlCursor("mysql1\tvalue\tbad\\x\t1", 1).has_value());
  EXPECT_FALSE(DecodeMysqlCursor("mysql1\tsomething\t1", 1).has_value());
}

TEST(ConnectorMysqlSourceFrom, TableOrOneSelect) {
  EXPECT_EQ(*SourceFrom("gongan_liudong", ""), "`gongan_liudong` AS ot_src");
  EXPECT_EQ(*SourceFrom("", "  SELECT id, xm FROM t WHERE zt = 1 ;\n"),
            "(SELECT id, xm FROM t WHERE zt = 1) AS ot_src");
  EXPECT_EQ(*SourceFrom("", "with x as (select 1 id) select * from x"),
            "(with x as (select 1 id) select * from x) AS ot_src");
  struct Bad {
    std::string table, query, says;
  };
  const Bad bad[] = {
      {"", "", "table 和 query"},      {"t", "SELECT 1", "table 和 query"},
      {"", "DELETE FROM t", "SELECT"}, {"", "SELECT 1; DROP TABLE t", "分号"},
      {"t;drop", "", "table"},
  };
  for (const Bad& b : bad) {
    auto from = SourceFrom(b.table, b.query);
    ASSERT_FALSE(from.ok()) << b.table << b.query;
    EXPECT_NE(from.status().message().find(b.says), std::string::npos) << from.status().message();
  }
}

MysqlReadPlan Plan(std::vector<std::string> keys, std::vector<ColumnClass> classes,
                   std::string watermark, ColumnClass wm_class) {
  MysqlReadPlan p;
  p.from = "`t` AS ot_src";
  p.keys = std::move(keys);
  p.key_classes = std::move(classes);
  p.watermark = std::move(watermark);
  p.watermark_class = wm_class;
  return p;
}

TEST(ConnectorMysqlBatchSql, StartsOrdersAndLimits) {
  MysqlReadPlan p = Plan({"`id`"}, {ColumnClass::kInteger}, "`gxsj`", ColumnClass::kTemporal);
  BoundSql q = BatchSql(p, MysqlCursor(), 600, 50);
  EXPECT_EQ(
      q.sql,
      "SELECT ot_src.*, CAST(ot_src.`gxsj` AS CHAR) AS `ot_cursor_0`, CAST(ot_src.`id` AS "
      "CHAR) AS `ot_cursor_1` FROM `t` AS ot_src ORDER BY ot_src.`gxsj`, ot_src.`id` LIMIT 50");
  EXPECT_TRUE(q.params.empty());
  EXPECT_EQ(ExtraColumns(p), 2u);
  EXPECT_EQ(ProbeSql(p), "SELECT ot_src.`gxsj`, ot_src.`id` FROM `t` AS ot_src LIMIT 0");
}

TEST(ConnectorMysqlBatchSql, ReentersASavedCursorOverlapEarlier) {
  MysqlCursor c{MysqlCursor::Phase::kValue, "2024-06-04 17:00:00", {"7"}};
  MysqlReadPlan temporal =
      Plan({"`id`"}, {ColumnClass::kInteger}, "`gxsj`", ColumnClass::kTemporal);
  BoundSql q = BatchSql(temporal, c, 600, 10);
  EXPECT_NE(q.sql.find(" WHERE ot_src.`gxsj` >= CAST(? AS DATETIME(6)) - INTERVAL ? SECOND "
                       "ORDER BY"),
            std::string::npos)
      << q.sql;
  ASSERT_EQ(q.params.size(), 2u);
  EXPECT_EQ(q.params[0].text, "2024-06-04 17:00:00");
  EXPECT_FALSE(q.params[0].is_int);
  EXPECT_TRUE(q.params[1].is_int);
  EXPECT_EQ(q.params[1].number, 600);

  MysqlReadPlan numeric =
      Plan({"`id`"}, {ColumnClass::kInteger}, "`version`", ColumnClass::kInteger);
  c.watermark = "1200";
  q = BatchSql(numeric, c, 50, 10);
  EXPECT_NE(q.sql.find(" WHERE ot_src.`version` >= ? - ? ORDER BY"), std::string::npos) << q.sql;
  ASSERT_EQ(q.params.size(), 2u);
  EXPECT_TRUE(q.params[0].is_int);
  EXPECT_EQ(q.params[0].number, 1200);
}

TEST(ConnectorMysqlBatchSql, GoesOnStrictlyAfterTheLastRowByWatermarkThenKey) {
  MysqlReadPlan p = Plan({"`area`", "`serial`"}, {ColumnClass::kText, ColumnClass::kInteger},
                         "`gxsj`", ColumnClass::kTemporal);
  MysqlCursor c{MysqlCursor::Phase::kValue, "2024-06-01 10:00:00", {"东风", "12"}};
  BoundSql q = BatchSql(p, c, 0, 10);
  EXPECT_NE(q.sql.find(" WHERE (ot_src.`gxsj` > ? OR (ot_src.`gxsj` = ? AND (ot_src.`area` > ? "
                       "OR (ot_src.`area` = ? AND ot_src.`serial` > ?)))) ORDER BY ot_src.`gxsj`, "
                       "ot_src.`area`, ot_src.`serial` LIMIT 10"),
            std::string::npos)
      << q.sql;
  ASSERT_EQ(q.params.size(), 5u);
  EXPECT_EQ(q.params[0].text, "2024-06-01 10:00:00");
  EXPECT_EQ(q.params[2].text, "东风");
  EXPECT_FALSE(q.params[2].is_int);
  EXPECT_TRUE(q.params[4].is_int);  // integers compare exactly only when bound as integers
  EXPECT_EQ(q.params[4].number, 12);

  // Among NULL watermarks (they sort first), then on to every non-NULL one.
  MysqlCursor nulls{MysqlCursor::Phase::kNullWatermark, "", {"东风", "3"}};
  q = BatchSql(p, nulls, 600, 10);
  EXPECT_NE(q.sql.find(" WHERE (ot_src.`gxsj` IS NULL AND (ot_src.`area` > ? OR (ot_src.`area` "
                       "= ? AND ot_src.`serial` > ?))) OR ot_src.`gxsj` IS NOT NULL ORDER BY"),
            std::string::npos)
      << q.sql;
  EXPECT_EQ(q.params.size(), 3u);

  // Without a watermark: by key alone.
  MysqlReadPlan by_key = Plan({"`id`"}, {ColumnClass::kInteger}, "", ColumnClass::kText);
  q = BatchSql(by_key, MysqlCursor{MysqlCursor::Phase::kValue, "", {"99"}}, 600, 5);
  EXPECT_EQ(q.sql,
            "SELECT ot_src.*, CAST(ot_src.`id` AS CHAR) AS `ot_cursor_0` FROM `t` AS ot_src "
            "WHERE ot_src.`id` > ? ORDER BY ot_src.`id` LIMIT 5");
  EXPECT_EQ(ExtraColumns(by_key), 1u);
}

TEST(ConnectorMysqlRecordKey, JoinsCompositeKeysUnambiguously) {
  EXPECT_EQ(JoinKey({"17"}), "17");
  EXPECT_EQ(JoinKey({"a,b", "c"}), "a\\,b,c");
  EXPECT_EQ(JoinKey({"a", "b,c"}), "a,b\\,c");
  EXPECT_EQ(JoinKey({"x\\", "y"}), "x\\\\,y");
}

TEST(ConnectorMysqlErrors, ConnectionFailuresAreUnreachableOthersAreNot) {
  for (int code : {2002, 2003, 2005, 2006, 2013}) EXPECT_TRUE(IsUnreachableError(code)) << code;
  for (int code : {1045, 1044, 1049, 1054, 1146, 1064}) {
    EXPECT_FALSE(IsUnreachableError(code)) << code;
  }
}

}  // namespace
}  // namespace onetable::connectors

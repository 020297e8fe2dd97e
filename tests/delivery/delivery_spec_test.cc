// The pure parts of deliveries: the YAML spec (with its located errors), schedules, environment
// expansion, Retry-After, backoff with jitter, and batch content read back as it was built.
#include "delivery/delivery_spec.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "delivery/batch_content.h"
#include "delivery/delivery_target.h"

namespace onetable {
namespace {

const char kGood[] = R"(id: gongan-push
title: 推送
mapping: gongan/liudong-renkou
scope: "420581001001"
key: 证件号码
account: gongan01
target: {type: http, url: "${PUSH_URL_FOR_TEST:-http://127.0.0.1:9/x}", auth: {bearer: "${PUSH_TOKEN_FOR_TEST}"}, batch: 50, retry: {attempts: 3, delay_ms: 10}}
schedule: every 10m
)";

TEST(DeliverySpec, ParsesAndExpandsAtRunTime) {
  Result<DeliverySpec> spec = ParseDeliverySpec(kGood, "d.yaml");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  EXPECT_EQ(spec->id, "gongan-push");
  EXPECT_EQ(spec->every_seconds, 600);
  EXPECT_EQ(spec->target.batch, 50u);
  EXPECT_EQ(spec->target.retry.attempts, 3);
  EXPECT_EQ(spec->account, "gongan01");
  unsetenv("PUSH_TOKEN_FOR_TEST");
  Result<DeliveryTargetSpec> unset = ResolveTarget(*spec);
  ASSERT_FALSE(unset.ok());
  EXPECT_NE(unset.status().message().find("d.yaml:7:"), std::string::npos)
      << unset.status().message();
  EXPECT_NE(unset.status().message().find("PUSH_TOKEN_FOR_TEST"), std::string::npos);
  setenv("PUSH_TOKEN_FOR_TEST", "s3cret", 1);
  Result<DeliveryTargetSpec> t = ResolveTarget(*spec);
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->url, "http://127.0.0.1:9/x");
  EXPECT_EQ(t->bearer, "s3cret");
  unsetenv("PUSH_TOKEN_FOR_TEST");
}

TEST(DeliverySpec, ErrorsNameTheLine) {
  struct Case {
    const char* yaml;
    const char* expected;
  } cases[] = {
      {"title: t\nmapping: a/b\nkey: k\ntarget: {type: file, dir: x}\n", "缺少 id"},
      {"id: A B\ntitle: t\nmapping: a/b\nkey: k\ntarget: {type: file, dir: x}\n",
       "d.yaml:1:5: id 只能"},
      {"id: a\ntitle: t\nmapping: a/b\nkey: k\ntarget: {type: ftp}\n",
       "d.yaml:5:16: target.type 应为"},
      {"id: a\ntitle: t\nmapping: a/b\nkey: k\ntarget: {type: http}\n", "缺少 url"},
      {"id: a\ntitle: t\nmapping: a/b\nkey: k\ntarget: {type: http, url: ftp://x}\n",
       "应以 http://"},
      {"id: a\ntitle: t\nmapping: a/b\nkey: k\ntarget: {type: http, url: \"http://u:p@h/\"}\n",
       "不能含用户名"},
      {"id: a\ntitle: t\nmapping: a/b\nkey: k\ntarget: {type: file, dir: x, batch: 0}\n",
       "target.batch 应为 1–100000"},
      {"id: a\ntitle: t\nmapping: a/b\nkey: k\ntarget: {type: file, dir: x}\nschedule: hourly\n",
       "d.yaml:6:11: schedule 应为"},
      {"id: a\ntitle: t\nmapping: a/b\nkey: k\ntarget: {type: file, dir: x}\ncolour: red\n",
       "d.yaml:6:1: 未知的配置项 colour"},
      {"id: a\ntitle: t\nmapping: a/b\nkey: k\ntarget: {type: mysql, url: x, table: \"t; drop\"}\n",
       "target.table 应为表名"},
      {"id: a\ntitle: t\nmapping: a/b\nkey: k\ntarget: {type: file, dir: x, table: t}\n",
       "未知的配置项 target.table"},
      {"- a\n- b\n", "应为键值对"},
      {"id: [\n", "YAML 格式错误"},
  };
  for (const Case& c : cases) {
    Result<DeliverySpec> spec = ParseDeliverySpec(c.yaml, "d.yaml");
    ASSERT_FALSE(spec.ok()) << c.yaml;
    EXPECT_NE(spec.status().message().find(c.expected), std::string::npos)
        << c.yaml << "\n→ " << spec.status().message();
  }
}

TEST(DeliverySpec, Schedules) {
  EXPECT_EQ(*ParseSchedule("every 30s"), 30);
  EXPECT_EQ(*ParseSchedule("every 2h"), 7200);
  EXPECT_EQ(*ParseSchedule(" every 1d "), 86400);
  EXPECT_FALSE(ParseSchedule("every 0m").ok());
  EXPECT_FALSE(ParseSchedule("every m").ok());
  EXPECT_FALSE(ParseSchedule("10m").ok());
}

TEST(DeliveryRetry, RetryAfterAndBackoff) {
  EXPECT_EQ(ParseRetryAfter("3", 0), 3000);
  EXPECT_EQ(ParseRetryAfter(" 0 ", 0), 0);
  EXPECT_EQ(ParseRetryAfter("soon", 0), -1);
  EXPECT_EQ(ParseRetryAfter("", 0), -1);
  // An HTTP date 90 s after `now`.
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 - 90), 90000);
  RetrySpec r;
  r.delay_ms = 1000;
  r.max_delay_ms = 10000;
  EXPECT_EQ(RetryDelayMs(r, 1, -1, 0.0), 500);  // lower edge of the jitter
  EXPECT_EQ(RetryDelayMs(r, 1, -1, 0.999), 999);
  EXPECT_EQ(RetryDelayMs(r, 3, -1, 0.0), 2000);      // 4000, jittered
  EXPECT_EQ(RetryDelayMs(r, 10, -1, 0.999), 9995);   // capped at max
  EXPECT_EQ(RetryDelayMs(r, 1, 4000, 0.0), 4000);    // Retry-After longer: wins
  EXPECT_EQ(RetryDelayMs(r, 1, 60000, 0.0), 10000);  // but capped
}

TEST(BatchContent, ReadsBackWhatWasBuilt) {
  const std::vector<std::string> columns = {"证件号码", "姓名", "备注"};
  Change up{true, "42058119900101001X", {"42058119900101001X", "𠈌\"引号\"", "a\tb\nc"}};
  Change del{false, "420581198001010011", {}};
  BatchHeader header{"d", 7, "gongan/liudong-renkou", "2026-12-01T00:00:00Z", columns};
  const std::string body = BatchBody(header, {ChangeJson(columns, up), ChangeJson(columns, del)});
  Result<ParsedBatch> parsed = ParseBatchBody(body);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->header.seq, 7);
  EXPECT_EQ(parsed->header.columns, columns);
  ASSERT_EQ(parsed->changes.size(), 2u);
  EXPECT_EQ(parsed->changes[0].cells, up.cells);
  EXPECT_FALSE(parsed->changes[1].upsert);
  EXPECT_EQ(parsed->changes[1].key, del.key);

  const std::string kh = KeyHash(up.key), rh = RowHash(columns, up.cells);
  EXPECT_EQ(kh.size(), 32u);
  EXPECT_NE(RowHash({"a"}, up.cells), rh);  // the headers count
  std::vector<DeliveryKeyState> upserts;
  std::vector<std::string> deletes;
  ASSERT_TRUE(
      ParseBatchState(BatchState({StateJson(up, kh, rh), StateJson(del, KeyHash(del.key), "")}),
                      &upserts, &deletes)
          .ok());
  ASSERT_EQ(upserts.size(), 1u);
  EXPECT_EQ(upserts[0].key, up.key);
  EXPECT_EQ(upserts[0].row_hash, rh);
  ASSERT_EQ(deletes.size(), 1u);
  EXPECT_EQ(deletes[0], KeyHash(del.key));
  EXPECT_FALSE(ParseBatchBody("[]").ok());
}

}  // namespace
}  // namespace onetable

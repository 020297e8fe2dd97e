// The pure parts of the http connector: JSON with a depth limit, paths into a response, a
// record's fields as text, the cursor and page URLs.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http/http_source.h"

namespace onetable::connectors {
namespace {

TEST(ConnectorHttpJson, KeepsNumbersAsWrittenAndRefusesBadInput) {
  rapidjson::Document d;
  ASSERT_TRUE(ParseJsonLimited(R"({"phone": 13886001001, "amount": 650.50, "big": 1e3,
                                   "id": 42058119930612022})",
                               kMaxJsonDepth, &d)
                  .ok());
  EXPECT_EQ(*JsonText(d["phone"]), "13886001001");
  EXPECT_EQ(*JsonText(d["amount"]), "650.50");
  EXPECT_EQ(*JsonText(d["big"]), "1e3");
  EXPECT_EQ(*JsonText(d["id"]), "42058119930612022");

  struct Bad {
    std::string text, says;
  };
  const Bad bad[] = {
      {"", "为空"},
      {"{\"a\": 1} x", "多余"},
      {"{\"a\": \"\xC3\x28\"}", "UTF-8"},
      {"{\"a\": }", "不是有效的 JSON"},
      {std::string("{\"a\": 1}\0{", 10), "NUL"},
  };
  for (const Bad& b : bad) {
    rapidjson::Document doc;
    Status st = ParseJsonLimited(b.text, kMaxJsonDepth, &doc);
    ASSERT_FALSE(st.ok()) << b.text;
    EXPECT_NE(st.message().find(b.says), std::string::npos) << st.message();
  }
}

TEST(ConnectorHttpJson, LimitsNesting) {
  auto nested = [](int depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  rapidjson::Document ok;
  EXPECT_TRUE(ParseJsonLimited(nested(64), 64, &ok).ok());
  rapidjson::Document deep;
  Status st = ParseJsonLimited(nested(65), 64, &deep);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("64"), std::string::npos) << st.message();
  // Far deeper than any stack would take recursively.
  rapidjson::Document hostile;
  EXPECT_FALSE(ParseJsonLimited(nested(200000), 64, &hostile).ok());
}

TEST(ConnectorHttpJsonPath, FindsRecordArraysAndCursors) {
  rapidjson::Document d;
  ASSERT_TRUE(ParseJsonLimited(
                  R"({"data": {"items": [{"id": 1}, {"id": 2}], "next": "abc",
                      "pages": [{"cursor": "p2"}]}})",
                  kMaxJsonDepth, &d)
                  .ok());
  struct Case {
    std::string path;
    std::string found;  // JSON text, "" when not found
  };
  const Case cases[] = {
      {"data.items", R"([{"id":"1"},{"id":"2"}])"},
      {"data.next", "abc"},
      {"data.pages.0.cursor", "p2"},
      {"data.items.1.id", "2"},
      {"data.items.2.id", ""},
      {"data.missing", ""},
      {"data.next.deeper", ""},
      {"data.items.x", ""},
  };
  for (const Case& c : cases) {
    auto path = ParseJsonPath(c.path, "records_path");
    ASSERT_TRUE(path.ok()) << c.path;
    const rapidjson::Value* v = FindJsonPath(d, *path);
    if (c.found.empty()) {
      EXPECT_EQ(v, nullptr) << c.path;
    } else {
      ASSERT_NE(v, nullptr) << c.path;
      EXPECT_EQ(JsonText(*v).value_or("null"), c.found) << c.path;
    }
  }
  auto root = ParseJsonPath("", "records_path");
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(FindJsonPath(d, *root), &d);
  for (const char* bad : {"data..items", ".data", "data."}) {
    auto p = ParseJsonPath(bad, "records_path");
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_NE(p.status().message().find("records_path"), std::string::npos);
  }
}

TEST(ConnectorHttpRecord, FlattensObjectsAndKeepsNullsAndArrays) {
  rapidjson::Document d;
  ASSERT_TRUE(ParseJsonLimited(R"({"name": "黄晓燕", "address": {"community": "东风社区",
                                   "geo": {"lat": 30.38}}, "active": true, "note": null,
                                   "tags": ["低保", 2]})",
                               kMaxJsonDepth, &d)
                  .ok());
  auto fields = RecordFields(d);
  ASSERT_EQ(fields.size(), 6u);
  EXPECT_EQ(fields[0].first, "name");
  EXPECT_EQ(*fields[0].second, "黄晓燕");
  EXPECT_EQ(fields[1].first, "address.community");
  EXPECT_EQ(*fields[1].second, "东风社区");
  EXPECT_EQ(fields[2].first, "address.geo.lat");
  EXPECT_EQ(*fields[2].second, "30.38");
  EXPECT_EQ(fields[3].first, "active");
  EXPECT_EQ(*fields[3].second, "true");
  EXPECT_EQ(fields[4].first, "note");
  EXPECT_FALSE(fields[4].second.has_value());
  EXPECT_EQ(fields[5].first, "tags");
  EXPECT_EQ(*fields[5].second, R"(["低保","2"])");
}

TEST(ConnectorHttpWatermark, ComparesNumbersAsNumbersAndTimestampsAsText) {
  EXPECT_TRUE(IsLater("", "2024-06-01T08:30:00+08:00"));
  EXPECT_FALSE(IsLater("2024-06-01T08:30:00+08:00", ""));
  EXPECT_TRUE(IsLater("2024-06-01T08:30:00+08:00", "2024-06-04T16:20:00+08:00"));
  EXPECT_FALSE(IsLater("2024-06-04T16:20:00+08:00", "2024-06-01T08:30:00+08:00"));
  EXPECT_TRUE(IsLater("9", "10"));  // not as text
  EXPECT_TRUE(IsLater("1717200000", "1717200000.5"));
  EXPECT_FALSE(IsLater("10", "9"));
  EXPECT_FALSE(IsLater("10", "10"));
}

TEST(ConnectorHttpCursor, RoundTripsAndRejectsWhatIsNotOne) {
  HttpCursor c;
  c.in_run = true;
  c.since = "2024-06-01T00:00:00+08:00";
  c.page = 3;
  c.token = "eyJvZmZzZXQiOjQwfQ==\"\\";
  c.skip = 1;
  c.max_seen = "2024-06-02T09:00:00+08:00";
  auto back = DecodeHttpCursor(EncodeHttpCursor(c));
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(*back == c);
  for (const char* bad : {"", "csv1\n", "mysql1\tstart", "{}", R"({"v":2})",
                          R"({"v":1,"in_run":true,"since":"","page":1,"token":"","skip":-1,
                              "max_seen":""})"}) {
    EXPECT_FALSE(DecodeHttpCursor(bad).has_value()) << bad;
  }
}

TEST(ConnectorHttpUrl, AppendsEncodedParameters) {
  EXPECT_EQ(WithQuery("http://h/api", {{"page", "2"}, {"size", "100"}}),
            "http://h/api?page=2&size=100");
  EXPECT_EQ(WithQuery("http://h/api?org=420581", {{"page", "1"}}),
            "http://h/api?org=420581&page=1");
  EXPECT_EQ(WithQuery("http://h/api?", {{"page", "1"}}), "http://h/api?page=1");
  EXPECT_EQ(WithQuery("http://h/api#top", {{"page", "1"}}), "http://h/api?page=1");
  EXPECT_EQ(WithQuery("http://h/api", {{"updated_since", "2024-06-01T08:30:00+08:00"}}),
            "http://h/api?updated_since=2024-06-01T08%3A30%3A00%2B08%3A00");
  EXPECT_EQ(WithQuery("http://h/api", {{"cursor", "a&b=c"}, {"q", "东风"}}),
            "http://h/api?cursor=a%26b%3Dc&q=%E4%B8%9C%E9%A3%8E");
  EXPECT_EQ(WithQuery("http://h/api", {}), "http://h/api");
}

}  // namespace
}  // namespace onetable::connectors

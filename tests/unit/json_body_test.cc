// Reading JSON request bodies: the parser's limits and the typed accessors, as case tables that
// include the failures a hostile or careless client sends.
#include "http/json_body.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace onetable {
namespace {

HttpRequest Body(std::string body) {
  HttpRequest r;
  r.method = "POST";
  r.path = "/x";
  r.body = std::move(body);
  return r;
}

std::string Nested(int depth) {
  return "{\"a\":" + std::string(static_cast<size_t>(depth - 1), '[') + "1" +
         std::string(static_cast<size_t>(depth - 1), ']') + "}";
}

TEST(ParseJsonBody, AcceptsObjectsAndRejectsTheRestWithAReason) {
  struct Case {
    std::string body;
    bool ok;
    std::string message_part;  // a piece of the Chinese message
  } cases[] = {
      {R"({"name":"张三","n":1})", true, ""},
      {"  {}  \n", true, ""},
      {Nested(32), true, ""},
      {Nested(33), false, "嵌套层数超过上限 32"},
      {Nested(100000), false, "嵌套层数超过上限"},  // iterative parse: no stack overflow
      {"", false, "请求体为空"},
      {"   ", false, "请求体为空"},
      {"[1,2]", false, "必须是 JSON 对象"},
      {"\"text\"", false, "必须是 JSON 对象"},
      {"{\"a\":1", false, "不是有效的 JSON"},
      {"{\"a\":1}}", false, "多余的内容"},
      {"{\"a\":1} {\"b\":2}", false, "多余的内容"},
      {"{'a':1}", false, "不是有效的 JSON"},
      {"{\"a\":\"\xff\xfe\"}", false, "UTF-8"},
      {std::string("{\"a\":\"x\0y\"}", 11), false, "空字符"},
      {"{\"a\": NaN}", false, "不是有效的 JSON"},
      // Found by tests/fuzz (json_body): a UTF-8 sequence cut off by the end of the body was
      // validated by reading past it (under ASan: heap-buffer-overflow).
      {"{\"a\":\"\xf0", false, "UTF-8"},
      {"{\"a\":\"\xe4\xb8", false, "UTF-8"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body.substr(0, 40));
    rapidjson::Document doc;
    Status st = ParseJsonBody(Body(c.body), &doc);
    EXPECT_EQ(st.ok(), c.ok) << st.message();
    if (!c.ok) {
      EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
      EXPECT_NE(st.message().find(c.message_part), std::string::npos) << st.message();
      EXPECT_EQ(HttpStatusFor(st.code()), 400);
    } else {
      EXPECT_TRUE(doc.IsObject());
    }
  }
}

TEST(ParseJsonBody, ADeeperLimitCanBeAsked) {
  rapidjson::Document doc;
  EXPECT_TRUE(ParseJsonBody(Body(Nested(5)), &doc, 5).ok());
  EXPECT_FALSE(ParseJsonBody(Body(Nested(6)), &doc, 5).ok());
}

TEST(JsonAccessors, TypesAndUnknownKeys) {
  rapidjson::Document doc;
  ASSERT_TRUE(ParseJsonBody(Body(R"({"s":"v","e":"","b":true,"i":7,"f":1.5,"n":null,
                                     "l":["a","b"],"bad":["a",1],"o":{}})"),
                            &doc)
                  .ok());
  EXPECT_EQ(**OptionalString(doc, "s"), "v");
  EXPECT_FALSE(OptionalString(doc, "absent")->has_value());
  EXPECT_FALSE(OptionalString(doc, "i").ok());
  EXPECT_FALSE(OptionalString(doc, "n").ok());  // null is not a string
  EXPECT_NE(OptionalString(doc, "i").status().message().find("字段 i 应为字符串"),
            std::string::npos);
  EXPECT_EQ(**OptionalBool(doc, "b"), true);
  EXPECT_FALSE(OptionalBool(doc, "s").ok());
  EXPECT_EQ(**OptionalInt(doc, "i"), 7);
  EXPECT_FALSE(OptionalInt(doc, "f").ok());
  EXPECT_EQ(**OptionalStrings(doc, "l"), (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(OptionalStrings(doc, "bad").ok());
  EXPECT_FALSE(OptionalStrings(doc, "o").ok());
  EXPECT_EQ(*RequiredString(doc, "s"), "v");
  EXPECT_NE(RequiredString(doc, "e").status().message().find("不能为空"), std::string::npos);
  EXPECT_NE(RequiredString(doc, "absent").status().message().find("缺少字段 absent"),
            std::string::npos);

  EXPECT_TRUE(CheckKeys(doc, {"s", "e", "b", "i", "f", "n", "l", "bad", "o"}).ok());
  Status unknown = CheckKeys(doc, {"s"});
  EXPECT_EQ(unknown.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.message().find("未知字段"), std::string::npos);
}

}  // namespace
}  // namespace onetable

// Fuzz target: what the API does with a request body before any handler logic
// (service/src/http/json_body.h) and the register's request parsing (register_request.h): the
// If-Match header, the paging parameters and the "fields" object of a write, read against the
// shipped catalog's person fields.
//
// Input: one line "IF-MATCH<TAB>AFTER<TAB>LIMIT" (header and query values, any of them may be
// empty), then the body. Without a line break the whole input is the body.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_catalog.h"
#include "http/json_body.h"
#include "http/register_request.h"

namespace {

std::string_view Cut(std::string_view* rest, char sep) {
  const size_t at = rest->find(sep);
  const std::string_view head = rest->substr(0, at);
  *rest = at == std::string_view::npos ? std::string_view() : rest->substr(at + 1);
  return head;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace onetable;  // NOLINT: a test target
  std::string_view input(reinterpret_cast<const char*>(data), size);
  HttpRequest request;
  request.method = "PATCH";
  request.path = "/api/v1/persons/1";
  if (input.find('\n') != std::string_view::npos) {
    std::string_view line = Cut(&input, '\n');
    const std::string_view if_match = Cut(&line, '\t');
    const std::string_view after = Cut(&line, '\t');
    if (!if_match.empty()) request.headers["if-match"] = std::string(if_match);
    if (!after.empty()) request.query["after"] = std::string(after);
    if (!line.empty()) request.query["limit"] = std::string(line);
  }
  request.body = std::string(input);

  HttpResponse error;
  int64_t version = 0;
  (void)ReadIfMatch(request, &version, &error);
  Page page;
  (void)ReadPage(request, &page, &error);
  TextPage text_page;
  (void)ReadTextPage(request, &text_page, &error);
  (void)ReadTableParams(request);

  rapidjson::Document doc;
  if (!ParseJsonBody(request, &doc).ok()) return 0;
  (void)CheckKeys(doc, {"fields", "name", "enabled", "limit", "roles"});
  (void)OptionalString(doc, "name");
  (void)OptionalBool(doc, "enabled");
  (void)OptionalInt(doc, "limit");
  (void)OptionalStrings(doc, "roles");
  (void)RequiredString(doc, "name");
  auto fields = doc.FindMember("fields");
  if (fields != doc.MemberEnd()) {
    const Catalog& catalog = fuzz::ShippedCatalog();
    FieldInput input_values;
    (void)ReadFieldValues(
        fields->value,
        [&](const std::string& key) { return catalog.Find(EntityKind::kPerson, key); },
        &input_values, &error);
  }
  return 0;
}

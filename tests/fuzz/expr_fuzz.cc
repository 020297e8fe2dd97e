// Fuzz target: the expression language (service/src/expr) — lexer, parser, checker and
// evaluator — over any text an admin may write in a mapping column, a where clause or a
// connector's tag rule. The first byte picks the grain and role (and whether source columns are
// complete); the rest is the expression. Whatever parses is checked against the shipped catalog;
// whatever checks is evaluated over a made-up row whose values include the edge cases (zero,
// the int64 extremes, 29 February, non-numeric text) so division and overflow paths run.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "expr/check.h"
#include "expr/eval.h"
#include "expr/parser.h"
#include "expr/record_expr.h"
#include "fuzz_catalog.h"

namespace {

using namespace onetable;        // NOLINT: a test target
using namespace onetable::expr;  // NOLINT

const char* const kSamples[] = {"0",          "1",    "-9223372036854775808", "9223372036854775807",
                                "2024-02-29", "1.5",  "张三",                 "",
                                "1e308",      "-0.0", "420106195003151234",   "2"};
constexpr size_t kSampleCount = sizeof(kSamples) / sizeof(kSamples[0]);

size_t Pick(const std::string& key, uint8_t salt) {
  size_t h = salt;
  for (unsigned char c : key) h = h * 131 + c;
  return h % kSampleCount;
}

// A register row that answers every question with a value picked from the samples.
class SampleRow : public RowContext {
 public:
  SampleRow(const Catalog& catalog, uint8_t salt) : catalog_(catalog), salt_(salt) {}
  Value Field(const FieldPath& path) override {
    const FieldDef* def = catalog_.Find(path.entity, path.key);
    if (def == nullptr) return Value::Null();
    const std::string text = kSamples[Pick(path.ToString(), salt_)];
    return ValueFromCanonical(*def, text.empty() ? nullptr : &text);
  }
  bool HasTag(const std::string& tag) override { return Pick(tag, salt_) % 2 == 0; }
  Value TagAttr(const std::string& tag, const std::string& attr) override {
    const TagDef* def = catalog_.FindTag(tag);
    const FieldDef* field = def == nullptr ? nullptr : def->FindAttribute(attr);
    if (field == nullptr) return Value::Null();
    const std::string text = kSamples[Pick(tag + "." + attr, salt_)];
    return ValueFromCanonical(*field, &text);
  }
  int64_t RowNumber() override { return 7; }
  Result<Value> Aggregate(const AggregateCall& call, const Evaluator& eval) override {
    // One row below: the condition and value are evaluated over this same row.
    if (call.where != nullptr) {
      auto m = eval.Matches(*call.where, *this);
      if (!m.ok()) return m.status();
    }
    if (call.value != nullptr) return eval.Eval(*call.value, *this);
    return Value::Int(1);
  }

 private:
  const Catalog& catalog_;
  uint8_t salt_;
};

const EntityKind kGrains[] = {EntityKind::kPerson, EntityKind::kHousehold, EntityKind::kBuilding,
                              EntityKind::kGrid, EntityKind::kCommunity};
const ExprRole kRoles[] = {ExprRole::kColumn, ExprRole::kWhere, ExprRole::kOrderBy,
                           ExprRole::kSubtotal};

void OverRegister(std::string_view text, uint8_t mode, const Catalog& catalog) {
  TextLocator loc("fuzz", text);
  auto parsed = ParseExpr(text, loc);
  if (!parsed.ok()) return;
  (void)ToDebugString(**parsed);
  ExprPtr copy = CloneExpr(**parsed);
  int aggregates = 0;
  CheckEnv env{catalog, kGrains[mode % 5], kRoles[(mode / 5) % 4], &aggregates, nullptr};
  auto type = CheckExpr(parsed->get(), env, loc);
  if (env.role == ExprRole::kWhere) (void)CheckCondition(copy.get(), env, loc);
  if (!type.ok()) return;
  ExprPtr checked_copy = CloneExpr(**parsed);
  Evaluator eval(catalog, Date{2024, 6, 30});
  SampleRow row(catalog, mode);
  (void)eval.Eval(**parsed, row);
  (void)eval.Matches(*checked_copy, row);
}

void OverRecord(std::string_view text, uint8_t mode, const Catalog& catalog) {
  TextLocator loc("fuzz", text);
  SourceColumns columns;
  columns.known = {"姓名", "救助类型", "保障金额", "人数", "备注"};
  columns.complete = (mode & 0x80) != 0;
  auto value = RecordExpr::ParseValue(text, loc, catalog, columns);
  if (value.ok()) {
    std::vector<Value> slots;
    for (size_t i = 0; i < value->columns().size(); ++i) {
      slots.push_back(SourceValue(std::string(kSamples[(i + mode) % kSampleCount])));
    }
    (void)value->Eval(slots);
  }
  auto condition = RecordExpr::ParseCondition(text, loc, catalog, columns);
  if (condition.ok()) {
    (void)condition->Matches([&](const std::string& column) -> std::optional<std::string> {
      if (column.size() % 3 == 0) return std::nullopt;
      return std::string(kSamples[Pick(column, mode)]);
    });
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const Catalog& catalog = fuzz::ShippedCatalog();
  OverRegister(text, mode, catalog);
  {
    TextLocator loc("fuzz", text);
    (void)ParseOrderItem(text, loc);
  }
  OverRecord(text, mode, catalog);
  return 0;
}

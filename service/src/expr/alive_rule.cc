#include "expr/alive_rule.h"

#include "model/catalog_keys.h"

namespace onetable::expr {

namespace {

std::string IfDefined(const Catalog& catalog, const char* key) {
  const FieldDef* def = catalog.Find(EntityKind::kPerson, key);
  return def != nullptr && !def->derived ? std::string(key) : std::string();
}

}  // namespace

AliveFields AliveFieldsOf(const Catalog& catalog) {
  return AliveFields{IfDefined(catalog, keys::kBirthDate), IfDefined(catalog, keys::kMoveInDate),
                     IfDefined(catalog, keys::kMoveOutDate),
                     IfDefined(catalog, keys::kResidenceStatus)};
}

std::vector<std::string> AliveEndingCodes(const Catalog& catalog) {
  std::vector<std::string> codes;
  const FieldDef* def = catalog.Find(EntityKind::kPerson, keys::kResidenceStatus);
  if (def == nullptr || def->type != FieldType::kCode) return codes;
  const CodeTable* table = catalog.FindCodeTable(def->code_table);
  if (table == nullptr) return codes;
  for (const char* label : {"迁出", "死亡"}) {
    if (const std::string* code = table->CodeForLabel(label)) codes.push_back(*code);
  }
  return codes;
}

}  // namespace onetable::expr

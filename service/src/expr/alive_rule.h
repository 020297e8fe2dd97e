// `alive` at a reference date D — one definition, used by the evaluator (expr/eval.cc) and by the
// predicate the table generator pushes down to the store (op "alive_at", store/register_store.h):
//   a row other than a person: its status is active;
//   a person: born by D (or no birth date), moved in by D (no 入住日期, or one on or before D),
//   not dead by D (no death date, or one after D), and
//   either still on the register at D — status active and 居住状态 not one that ends residence
//   (迁出, 死亡) — or an end date after D (death date, 迁出 date) says the ending came later.
// Status, 居住状态 and 入住日期 (which belongs to the household the person was in) are read as the
// register held them at D (its history, when the table is for a past date); the other dates are
// facts about when something happened and are read as known now, so a death recorded late still
// ends `alive` from the day it happened.
//
// Thread-safety: pure functions over an immutable catalog.
#ifndef ONETABLE_EXPR_ALIVE_RULE_H_
#define ONETABLE_EXPR_ALIVE_RULE_H_

#include <string>
#include <vector>

#include "model/catalog.h"

namespace onetable::expr {

// The person fields the rule reads besides status and death_date, in this order; a key the
// catalog does not define is returned empty (the rule then does without it).
struct AliveFields {
  std::string birth_date;
  std::string move_in_date;
  std::string move_out_date;
  std::string residence_status;
};
AliveFields AliveFieldsOf(const Catalog& catalog);

// The 居住状态 codes that end residence: those whose label is 迁出 or 死亡 in the field's code
// table (empty when the catalog has no such field or codes).
std::vector<std::string> AliveEndingCodes(const Catalog& catalog);

}  // namespace onetable::expr

#endif  // ONETABLE_EXPR_ALIVE_RULE_H_

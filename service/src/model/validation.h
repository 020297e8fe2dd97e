// Validation of values against the catalog: one place that knows, for each field type, what a
// valid value is and what its canonical form is. Used by manual entry, connectors and the store's
// callers alike. Thread-safe (reads an immutable catalog).
#ifndef ONETABLE_MODEL_VALIDATION_H_
#define ONETABLE_MODEL_VALIDATION_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/catalog.h"
#include "model/divisions.h"
#include "model/problem.h"

namespace onetable {

struct FieldIssue {
  std::string field;    // catalog key
  std::string code;     // Problem::code
  std::string message;  // Chinese, names the field's label
};

class Validator {
 public:
  // Both must outlive the Validator. `divisions` may be null (division codes then only checked
  // for shape).
  Validator(const Catalog& catalog, const Divisions* divisions);

  // Checks `value` for `field` and rewrites it in canonical form. nullopt when valid.
  std::optional<Problem> NormalizeField(const FieldDef& field, std::string* value) const;

  // Validates and normalizes every value of a record of `entity` in place: unknown keys, values,
  // required fields (when `check_required`), and for persons the ID number's consistency with
  // birth date and gender, filling them from the ID number when they are empty.
  std::vector<FieldIssue> NormalizeRecord(EntityKind entity,
                                          std::map<std::string, std::string>* values,
                                          bool check_required) const;

  // The division codes given at construction (may be null).
  const Divisions* divisions() const { return divisions_; }

 private:
  const Catalog& catalog_;
  const Divisions* divisions_;
};

}  // namespace onetable

#endif  // ONETABLE_MODEL_VALIDATION_H_

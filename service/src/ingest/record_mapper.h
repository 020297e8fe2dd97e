// RecordMapper: turns one source record into canonical catalog values through a connector's
// field map, code maps and the model's Validator, and evaluates its tag rules (a `when` reads
// columns by name, blanks around header cells ignored, no aliases).
//
// Columns: a mapped column is looked up by name (blanks around header cells ignored); when the
// record has no such column, a column whose header the catalog matches to the same field (label
// or alias, Catalog::MatchHeader; for tag attributes, the attribute's label and aliases) is used
// instead — so 公民身份号码 / 身份证号码 / 身份证号 all feed id_number.
//
// A field mapped as `{value: "expr"}` takes the expression's value over the record (its columns
// read by name as a tag rule's `when` does); then the code map and the validator apply as to a
// column's text. A null result is a blank.
//
// Any problem makes the record unusable as a whole (it goes to quarantine): an invalid value
// (ID number, date, phone...), a value neither in the code map nor a valid code, a transform that
// cannot be evaluated (a date that does not fit its format), an ID number that disagrees with
// the birth date or gender given. Each problem names the source column and its kind (the run
// report counts rows per kind, runtime.h).
//
// Thread-safety: not thread-safe (caches the last header it saw); one per import.
#ifndef ONETABLE_INGEST_RECORD_MAPPER_H_
#define ONETABLE_INGEST_RECORD_MAPPER_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "ingest/connector_spec.h"
#include "ingest/plugin_loader.h"
#include "model/validation.h"

namespace onetable {

struct MappedTag {
  const TagDef* tag = nullptr;
  std::map<std::string, std::string> attrs;  // canonical
};

// Kinds of problem a mapped record can have (the run report's names, see runtime.h).
inline constexpr char kProblemInvalidValue[] = "invalid_value";
inline constexpr char kProblemUnknownCode[] = "unknown_code";
inline constexpr char kProblemTransformFailed[] = "transform_failed";
inline constexpr char kProblemInconsistent[] = "inconsistent_value";
inline constexpr char kProblemTagRuleFailed[] = "tag_rule_failed";

struct MappingIssue {
  std::string column;                       // source column (or a transform's text)
  std::string reason;                       // Chinese, names the field
  std::string kind = kProblemInvalidValue;  // one of the kProblem* names
};

struct MappedRecord {
  std::map<std::string, std::string> values;  // the spec entity's fields, canonical, no blanks
  // Fields in `values` the source did not give but its ID number implies (birth date, gender):
  // they fill blanks and help matching, never overturn a golden value.
  std::set<std::string> derived;
  std::map<std::string, std::string> parent;  // household.x / building.x hints, canonical
  std::vector<MappedTag> tags;                // rules whose `when` held
  std::vector<MappingIssue> issues;           // empty when the record is usable
  std::string identity_key;  // "id_number=..." etc. from the match keys; empty when blank
  // The record lacks a column the spec maps (not even by alias) or a transform reads: what it
  // would have given is unknown (the run counts it as missing_column).
  bool missing_columns = false;
};

class RecordMapper {
 public:
  // All must outlive the mapper.
  RecordMapper(const ConnectorSpec& spec, const Catalog& catalog, const Validator& validator);

  MappedRecord Map(const SourceRow& row);

  // Mapped columns that no record seen so far had (not even by alias), for the run's warnings.
  const std::set<std::string>& missing_columns() const { return missing_; }
  // Columns a tag rule's `when` reads that no record seen so far had (they read as null).
  const std::set<std::string>& missing_rule_columns() const { return missing_rule_; }
  // Columns a field's `value` transform reads that no record seen so far had (null there).
  const std::set<std::string>& missing_value_columns() const { return missing_value_; }

 private:
  // Where one ColumnRef's inputs are in the current header layout.
  struct RefColumns {
    int column = -1;         // a column ref: index in the row, -1 none
    std::vector<int> reads;  // a value ref: per column its expression reads, -1 none
  };
  struct Resolved {
    std::vector<RefColumns> field_columns;              // per spec.fields
    std::vector<std::vector<RefColumns>> attr_columns;  // per tag rule, per attr
    std::vector<std::vector<int>> when_columns;         // per tag rule, per column its `when` reads
    bool missing = false;                               // a mapped column is absent
  };
  const Resolved& ResolveColumns(const SourceRow& row);
  int FindColumn(const SourceRow& row, const std::string& name, EntityKind entity,
                 const FieldDef* field, bool attribute);
  RefColumns ResolveRef(const SourceRow& row, const ColumnRef& ref, EntityKind entity,
                        const FieldDef* field, bool attribute);
  // The raw text for `ref` in `row` (nullopt: blank or absent); false with `*issue` set when a
  // transform fails.
  bool RawValue(const SourceRow& row, const ColumnRef& ref, const RefColumns& cols,
                std::optional<std::string>* out, std::string* column, MappingIssue* issue) const;
  // Normalizes one value for `field` through `ref`'s code map and the validator; false with
  // `*reason` and `*kind` set when invalid.
  bool Normalize(const FieldDef& field, const ColumnRef& ref, std::string* value,
                 std::string* reason, std::string* kind) const;

  const ConnectorSpec& spec_;
  const Catalog& catalog_;
  const Validator& validator_;
  std::string header_signature_;
  Resolved resolved_;
  std::set<std::string> missing_;
  std::set<std::string> missing_rule_;
  std::set<std::string> missing_value_;
};

}  // namespace onetable

#endif  // ONETABLE_INGEST_RECORD_MAPPER_H_

// ConnectorSpec: one connector instance, read from its YAML file (DESIGN.md §5):
//
//   id: minzheng-dibao              # source id: [a-z0-9][a-z0-9_.-]*, unique; "manual" is taken
//   title: 民政低保系统导出
//   type: csv                       # the plugin: onetable_connector_<type>.so
//   trust: 60                       # 0–99; manual entry by a worker counts as 100
//   options: {path: dibao.csv, encoding: gbk}   # checked against the plugin's declarations
//   entity: person                  # person | household | building (default person)
//   match: {id_number: 身份证号}     # identity keys: field <- column (also mapped as fields)
//   fields:                         # catalog field <- source column, optional code map
//     name: 姓名
//     gender: {column: 性别, codes: {男: "1", 女: "2"}}
//     id_number: {value: "substr(残疾人证号, 1, 18)"}   # a transform: an expression over the
//                                   # source columns (record_expr.h), then codes and validation
//     community.code: 社区代码       # person imports: where each row lives (placement.h):
//     grid.name: 网格                #   community.code|name, grid.code|name,
//     building.address: 楼栋地址     #   building.building_code|address, household.room,
//     household.room: 房号           #   household.household_number|address
//     household.household_number: 户号
//   placement: {create_grids: false, community: "420581001001"}   # person imports: may missing
//                                   # grids be created (default true); the community of rows
//                                   # that name none
//   tags:                           # person imports only
//     - {tag: dibao, when: '救助类型 in ("城市低保", "农村低保")', attrs: {category: 救助类型}}
//                                   # `when`: an expression over the source columns (record_expr.h)
//   identity: {link: 0.99, review: 0.05}  # match probabilities for persons without an ID
//                                   # number (identity.h): link at or above `link`, propose
//                                   # the pair for review at or above `review`
//   conflict_threshold: 60          # two sources at least this trusted that disagree on a
//   review_fields: [id_number, name, birth_date, gender, household]   # field listed here:
//                                   # one review item per person and run (survivorship.h);
//                                   # other disagreements are settled by survivorship alone;
//                                   # without it, the deployment's (onetable.yaml's
//                                   # review_fields, app/config.h), else this default
//   place: {community: "420581001001", grid: "01"}  # household/building imports: where new
//                                                    # ones go
//   batch_size: 1000
//
// A column named in the map that a file lacks is matched through the catalog's labels and
// aliases instead (see RecordMapper). Parsing checks everything it can without the plugin and
// the store: unknown keys, catalog fields and tags, code maps against code tables, the `when`
// rules. Every problem is reported (not just the first), one "file:line:col: message" line each,
// in Chinese.
//
// Thread-safety: an immutable value once parsed. Holds pointers into the Catalog, which must
// outlive it.
#ifndef ONETABLE_INGEST_CONNECTOR_SPEC_H_
#define ONETABLE_INGEST_CONNECTOR_SPEC_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "expr/record_expr.h"
#include "model/catalog.h"
#include "onetable/connector.h"
#include "onetable/status.h"

namespace onetable {

inline constexpr char kManualSource[] = "manual";
inline constexpr int kManualTrust = 100;

// Defaults, documented in the README's connector section.
inline constexpr double kDefaultLinkScore = 0.99;
inline constexpr double kDefaultReviewScore = 0.05;
// review_fields' name for a person's household (not a catalog field: the membership).
inline constexpr char kReviewHousehold[] = "household";
inline const std::set<std::string>& DefaultReviewFields() {
  static const std::set<std::string> kFields = {"id_number", "name", "birth_date", "gender",
                                                kReviewHousehold};
  return kFields;
}
inline constexpr int kDefaultConflictThreshold = 60;
inline constexpr int kDefaultBatchSize = 1000;

// Where a mapped value comes from: one column, or an expression over the record's columns
// (`{value: "..."}`: column is then empty). The code map applies to either.
struct ColumnRef {
  std::string column;
  std::optional<expr::RecordExpr> value;
  std::map<std::string, std::string> codes;  // source value -> catalog value (canonical)
  SourceLocation where;

  // What the value is read from, for messages: the column, or the expression's text.
  std::string Describe() const { return value ? value->text() : column; }
};

struct FieldMapping {
  // The spec's entity, or a place above it (household.x; for persons also building.x, grid.x,
  // community.x: the row's placement).
  EntityKind entity = EntityKind::kPerson;
  const FieldDef* field = nullptr;
  ColumnRef source;
};

struct TagRule {
  const TagDef* tag = nullptr;
  // The condition over the source record, in the expression language (expr/record_expr.h);
  // unset: always.
  std::optional<expr::RecordExpr> when;
  std::vector<std::pair<const FieldDef*, ColumnRef>> attrs;
  SourceLocation where;
};

struct OptionValue {
  std::string key;
  std::string value;
  SourceLocation where;      // of the value
  SourceLocation key_where;  // of the key
};

struct ConnectorSpec {
  std::string path;         // the YAML file
  std::string base_dir;     // its directory (relative paths in options)
  std::string fingerprint;  // SHA-256 of the file: a changed spec re-applies every record
  std::string id, title, type;
  int trust = 50;
  EntityKind entity = EntityKind::kPerson;
  std::vector<OptionValue> options;
  SourceLocation options_where;
  std::vector<FieldMapping> match;   // identity keys (also in `fields`)
  std::vector<FieldMapping> fields;  // in file order; match keys first
  std::vector<TagRule> tags;
  double link_score = kDefaultLinkScore;
  double review_score = kDefaultReviewScore;
  int conflict_threshold = kDefaultConflictThreshold;
  std::set<std::string> review_fields = DefaultReviewFields();
  bool review_fields_set = false;  // the YAML says review_fields (a deployment default yields)
  bool create_grids = true;         // person imports: placement may create missing grids
  std::string placement_community;  // person imports: 12-digit code for rows naming none
  SourceLocation placement_where;
  std::string place_community;  // 12-digit code
  std::string place_grid;       // grid code within it
  SourceLocation place_where;
  int batch_size = kDefaultBatchSize;

  // The mapping of `field` of `entity`, or nullptr.
  const FieldMapping* FindField(EntityKind entity, const std::string& key) const;
};

// Parses the YAML text of a connector read from `path` (used in messages and for base_dir).
Result<ConnectorSpec> ParseConnectorSpec(const std::string& yaml_text, const std::string& path,
                                         const Catalog& catalog);
// Reads and parses `path`. A missing file is kNotFound; anything else wrong is kInvalidArgument.
Result<ConnectorSpec> LoadConnectorSpec(const std::string& path, const Catalog& catalog);

// Loads every *.yaml file directly in `dir` (the connectors `sync` runs) against `catalog`, for
// `onetable check`: one message per file that does not load (its "file:line:col: message"
// lines), in file name order. `*checked` is the number of files read; a missing directory has
// none.
std::vector<std::string> CheckConnectorDir(const std::string& dir, const Catalog& catalog,
                                           int* checked);

// Checks a deployment's review_fields (onetable.yaml) against `catalog`: each must be a field
// of persons, households or buildings, or "household". kInvalidArgument naming `where`
// ("file:line:col") and the unknown ones.
Status CheckReviewFields(const std::set<std::string>& fields, const Catalog& catalog,
                         const std::string& where);

// Checks the spec's `options` against what the plugin declares: unknown keys, wrong types and
// missing required options are errors (all reported, "file:line:col: message"); secrets are
// never echoed. Returns every declared option in declaration order with defaults filled in.
// A value written as ${NAME} is read from the environment variable NAME.
Result<std::vector<std::pair<std::string, std::string>>> ResolveConnectorOptions(
    const ConnectorSpec& spec, const OtConnectorV1& plugin);

}  // namespace onetable

#endif  // ONETABLE_INGEST_CONNECTOR_SPEC_H_

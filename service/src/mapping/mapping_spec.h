// MappingSpec: one department table, loaded from mappings/<department>/<table>.yaml and checked
// against the catalog before anything runs.
//
// Shape (DESIGN.md §6):
//   id: minzheng/gaoling-jintie            # required: lower-case letters, digits, - _ /
//   title: 高龄津贴发放花名册                 # required
//   department: 民政局                       # required
//   purpose: 高龄津贴资格核定与发放            # required: PIPL Art. 6, every table states why
//   legal_basis: 《…》第…条                  # optional: PIPL Art. 13(3)
//   grain: person                           # required: person|household|building|grid|community
//   as_of: "{year}-06-30"                   # optional: a date, or a template with {year},
//                                           #   {year-1}, {year+1}; absent: the day it runs
//   where: age >= 80 and alive              # optional condition on the grain rows
//   order_by: [grid.code, "age desc"]       # optional: expressions, each may end in asc/desc
//   columns:                                # required, at least one
//     - {header: 序号, value: row_number()}
//     - {header: 姓名, value: name, width: 10}   # width (optional): XLSX column width
//   subtotal_by: grid.name                  # optional: a subtotal row when this value changes
//   total: true                             # optional: a total row at the end
//   manual: [领取人签字, {header: 备注, width: 20}]   # optional: the real form's columns the
//                                           #   register cannot fill, after the others; printed
//                                           #   blank and counted by --savings as typed by hand
// At summary grains (not person), columns may aggregate the rows below:
//   count(person where age >= 60 and gender == "2"), sum(tag(dibao).amount where has_tag(dibao)),
//   list(name where alive) (a household's members, joined with 、),
//   first(label(tag(dibao).category) where has_tag(dibao)).
//
// Subtotal and total rows (built by the generator, table_generator.h): summable columns
// (numeric, not row_number()) are summed; the first column says 小计 / 合计; a column whose
// value is the subtotal_by expression itself shows the group's value in subtotal rows (in the
// first column: "<value> 小计"); other columns stay empty. A subtotal row follows each run of
// rows with the same subtotal_by value, so order_by should start with it.
//
// Errors: every problem in the file is reported, one "file:line:col: message" line each, in
// Chinese; lines and columns are 1-based, columns counted in characters; an error inside an
// expression points at the offending token within the YAML scalar. Unknown keys are errors.
//
// Thread-safety: a loaded MappingSpec is immutable and may be shared; it points into the Catalog
// it was checked against, which must outlive it.
#ifndef ONETABLE_MAPPING_MAPPING_SPEC_H_
#define ONETABLE_MAPPING_MAPPING_SPEC_H_

#include <string>
#include <string_view>
#include <vector>

#include "expr/ast.h"
#include "mapping/expr_names.h"
#include "model/catalog.h"
#include "model/date.h"
#include "onetable/status.h"

namespace onetable::mapping {

struct ColumnSpec {
  std::string header;
  std::string value_text;  // the expression as written
  ExprPtr value;           // checked
  ExprType type;
  double width = 0;       // 0: the writer estimates it
  bool summable = false;  // summed in subtotal and total rows
  bool manual = false;    // from `manual`: printed blank, filled in by hand (value is null)
  SourceLocation where;   // of the column entry
};

struct OrderSpec {
  std::string text;
  ExprPtr expr;  // checked
  bool descending = false;
  SourceLocation where;
};

struct MappingSpec {
  std::string file;
  std::string id;
  std::string title;
  std::string department;
  std::string purpose;
  std::string legal_basis;
  EntityKind grain = EntityKind::kPerson;
  std::string as_of;  // as written: "", "2024-06-30" or "{year}-06-30"
  SourceLocation as_of_location;
  std::string where_text;
  ExprPtr where;  // null when absent
  SourceLocation where_location;
  std::vector<OrderSpec> order_by;
  std::vector<ColumnSpec> columns;
  std::string subtotal_text;
  ExprPtr subtotal_by;  // null when absent
  SourceLocation subtotal_location;
  bool total = false;
  int aggregate_count = 0;  // aggregates are numbered 0..aggregate_count-1 (AggregateCall::id)

  std::vector<std::string> Headers() const;
};

// Parses and checks a mapping held in memory; `file` names it in messages.
Result<MappingSpec> ParseMappingSpec(std::string_view yaml_text, const std::string& file,
                                     const Catalog& catalog);

// Reads `path` and parses it.
Result<MappingSpec> LoadMappingSpec(const std::string& path, const Catalog& catalog);

// The reference date of one run: `override_text` when not empty (a date, or a bare year such as
// "2023" for a spec whose as_of is a {year} template), else the spec's as_of with {year} taken
// from `today`, else `today`. A bad override is kInvalidArgument naming the as_of parameter.
Result<Date> ResolveAsOf(const MappingSpec& spec, std::string_view override_text,
                         const Date& today);

// Expands an as_of template ({year}, {year-N}, {year+N}) for `year` and parses the date.
// Returns false when the text is not a date once expanded.
bool ExpandAsOf(const std::string& as_of, int year, Date* out);

}  // namespace onetable::mapping

#endif  // ONETABLE_MAPPING_MAPPING_SPEC_H_

// The draft mapping of a table request, and what it means for the department that asked: the
// YAML made from the template's headers (mapping/template_draft.h does the matching), how each
// column will be filled, and the YAML that approval publishes with only the approved columns.
//
// Column fill (ColumnFill), for the account that asked:
//   register   the register fills it (reads fields, tags, age … the account may see)
//   identifier the register fills it, but it reads an ID number or a phone: masked (***) in the
//              account's table unless the approval grants the column (access.h column grant
//              "<mapping id>:<header>")
//   sensitive  the register could fill it, but it reads sensitive data the account holds no
//              grant for: it stays masked (***) until that data is granted ("sensitive:<key>")
//   blank      the register cannot fill it: the column's value is '' — the table prints it
//              blank and the department types it by hand
//   number     filled by onetable without the register: row_number(), constants
// A header of the template that matches nothing in the catalog becomes a blank column (value
// ''), so the published table still has every column of the department's form.
//
// Thread-safety: pure functions over the catalog and policy given.
#ifndef ONETABLE_REQUESTS_REQUEST_DRAFT_H_
#define ONETABLE_REQUESTS_REQUEST_DRAFT_H_

#include <string>
#include <vector>

#include "access/access.h"
#include "app/context.h"
#include "mapping/mapping_spec.h"
#include "mapping/template_draft.h"
#include "onetable/status.h"
#include "requests/request_form.h"

namespace onetable::requests {

// The expression of a column left blank.
inline constexpr char kBlankValue[] = "''";

enum class ColumnFill { kRegister, kIdentifier, kSensitive, kBlank, kNumber };
// "register" | "identifier" | "sensitive" | "blank" | "number" (the API's words).
const char* ColumnFillName(ColumnFill fill);

struct ColumnPlan {
  std::string header;
  std::string value;  // the expression as written
  ColumnFill fill = ColumnFill::kBlank;
  std::vector<std::string> needs;  // kSensitive: labels of the sensitive data it reads
};

struct DraftPlan {
  std::vector<ColumnPlan> columns;
  // Sensitive data that chooses the rows (where, order_by, subtotal_by) and that the account
  // may not see: the whole table would be refused until it is granted (table_access.h).
  std::vector<std::string> row_selectors;
  int Count(ColumnFill fill) const;
  // Headers of the columns masked by default (kIdentifier and kSensitive), in column order: what
  // an approval may grant in full.
  std::vector<std::string> SensitiveHeaders() const;
};

// The request's draft YAML: `draft`'s columns (unmatched ones as blank columns), with the id,
// title, department, purpose, legal basis and reference date from the request.
std::string RequestDraftYaml(const mapping::MappingDraft& draft, const RequestForm& form,
                             const std::string& mapping_id, const std::string& department);

// The default id a request publishes under: "<account>/request-<id>" when the account name
// makes a valid department part (lower-cased, '.' as '-'), else "requests/request-<id>".
std::string DefaultMappingId(const std::string& account, int64_t request_id);

// How each column of `spec` is filled for `who` (see the top of this file).
DraftPlan PlanColumns(const AppContext& app, const Principal& who,
                      const mapping::MappingSpec& spec);

// The YAML that approval publishes: `yaml` with only the columns whose header is in `keep`
// (in the draft's order), a comment naming the request, and — when `scope` (community codes) is
// not empty — its where clause narrowed to rows of those communities
// ("(<where>) and community.code in (...)"); nothing else changed. Errors (kInvalidArgument):
// `keep` empty, naming a header the draft does not have, or the YAML has no column list.
Result<std::string> NarrowColumns(const std::string& yaml, const std::vector<std::string>& keep,
                                  const std::vector<std::string>& scope,
                                  const std::string& comment);

// The grants that show `unmasked` (headers of `spec`, the approved table) in full to `who`, the
// requesting account, and let it run the table: "<id>" or "<id>:<identifier headers>" (the
// column grant, access.h), plus "sensitive:<key>" for each sensitive field or tag those columns
// read that `who` may not yet see, and for each one that chooses, orders or groups the rows
// (where, order_by, subtotal_by: without it the whole table is refused). Note that "sensitive:<key>" is account-wide (access.h): it
// shows that data in every table of the account that reads it.
// kInvalidArgument (Chinese, naming the column) when a header is not a column of `spec`, is not
// masked for `who` by default (nothing to grant), contains a comma (a column grant cannot name
// it), or when the grants would also unmask a column not in `unmasked` (two columns reading the
// same sensitive data: choose both or neither; or a column reading data the rows are chosen by,
// which that grant shows in full: choose it too or drop it), so the account gets exactly these
// columns.
Result<std::vector<std::string>> GrantsFor(const AppContext& app, const Principal& who,
                                           const mapping::MappingSpec& spec,
                                           const std::vector<std::string>& unmasked);

// What each of `grants` (GrantsFor's answer, recorded on the request) gives, in Chinese, for the
// security administrator who confirms them: the table (and the columns shown in full), or a
// sensitive field or tag by its label — noting when `spec` (the approved table) chooses, orders
// or groups its rows by it. One label per grant, in order.
std::vector<std::string> GrantLabels(const AppContext& app, const mapping::MappingSpec& spec,
                                     const std::vector<std::string>& grants);

}  // namespace onetable::requests

#endif  // ONETABLE_REQUESTS_REQUEST_DRAFT_H_

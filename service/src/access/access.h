// Access control: the ONE enforcement point for who may do what to which rows, tables and fields.
// Every handler asks here; nothing else in the service decides access. The policy is tested as a
// matrix (tests/integration/authz_matrix.yaml: role × route × {own scope, other scope, missing}).
//
// Roles (User::role):
//   admin            everything, everywhere; sensitive fields only when granted (see below)
//   community_admin  the register of their communities (User::scopes: 12-digit community codes)
//   grid_worker      the register of their grids (User::scopes: grid codes; a grid's code is
//                    unique only within its community, so a scope is either
//                    "<community code>/<grid code>" or a bare grid code that names exactly one
//                    grid in the register; an ambiguous or unknown code grants nothing)
//   department       no row API; runs only the tables granted to it (User::grants: mapping ids),
//                    seeing only those tables' columns; the tables cover every community, or
//                    only those of User::scopes (community codes) when it has any
// Sensitive fields (catalog Sensitivity::kSensitive, and sensitive tags) are masked in every
// response and export unless the user holds the grant "sensitive" (all) or "sensitive:<key>"
// (one field or tag key).
//
// Out-of-scope rows answer kNotFound, not kPermissionDenied, so ids of other grids do not leak
// (the message is the same as for a row that does not exist). A row's scope is the grid and
// community it lies under; rows above a principal's level (a grid worker's community, a
// community admin's street) and rows outside the tree (a person in no household) are out of
// scope for everyone but admin. Permissions by role: admin all; community_admin and grid_worker
// kReadRegister, kWriteRegister, kReviewQueue, kRunTables (rows limited to their scope);
// department kRunTables only.
// Thread-safety: stateless; safe from any thread (the Store passed in is the caller's).
#ifndef ONETABLE_ACCESS_ACCESS_H_
#define ONETABLE_ACCESS_ACCESS_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/catalog.h"
#include "model/entity.h"
#include "onetable/status.h"

namespace onetable {

class Store;

// Who is asking: filled by authentication (session cookie/bearer token, or a department API
// token) before any handler runs.
struct Principal {
  int64_t user_id = 0;
  std::string user;
  std::string role;
  std::vector<std::string> scopes;
  std::vector<std::string> grants;
  std::string via;  // "session" | "token"
};

// What a masked value shows, in every answer and table.
inline constexpr char kMaskedValue[] = "***";

// The operator at a terminal (the CLI): an admin who sees every field, since whoever runs the
// command already holds the store's own rights. `user` names them in the audit log.
Principal OperatorPrincipal(const std::string& user);

// Whether rows outside the principal's scope exist for it only as 404s (every role but admin).
// The server audits such a caller's 404s on routes naming a row: they may be refusals.
bool IsScopeLimited(const Principal& who);

// Role-level permissions, checked before any row is touched.
enum class Permission {
  kReadRegister,      // tree, persons, households, tags, provenance
  kWriteRegister,     // create/update/move persons, households, buildings, tags
  kReviewQueue,       // list and settle review items
  kRunTables,         // list mappings the user may run, preview and download tables
  kManageConnectors,  // list connectors, run now, runs and quarantine
  kManageMappings,    // validate, preview drafts, save mappings
  kManageUsers,       // users, grants, API tokens
  kReadAudit,         // the audit log
};

// The rows a principal may see, for list and search queries: nullopt sets mean "all".
struct RowScope {
  std::optional<std::set<int64_t>> community_ids;
  std::optional<std::set<int64_t>> grid_ids;
};

class AccessPolicy {
 public:
  // `catalog` must outlive the policy.
  explicit AccessPolicy(const Catalog& catalog);

  // kPermissionDenied (Chinese message naming what is missing) unless the role has it.
  Status Require(const Principal& who, Permission permission) const;

  // The row (entity, id) is inside the principal's scope: walks up the tree to its grid and
  // community. kNotFound when it does not exist OR is out of scope.
  Status RequireRow(const Principal& who, Store& store, EntityKind entity, int64_t id) const;

  // A new row under `parent_id` (of kind ParentKind(entity)) would be inside the scope.
  Status RequireParent(const Principal& who, Store& store, EntityKind entity,
                       int64_t parent_id) const;

  // The rows a principal may list or search, or that its tables may hold. A row is visible when
  // its community is in community_ids (if set) and its grid in grid_ids (if set). Admin: all;
  // community_admin: its communities; grid_worker: its grids (and their communities);
  // department: all, or its scope communities (tables only: it has no kReadRegister).
  Result<RowScope> Visible(const Principal& who, Store& store) const;

  // May run the table `mapping_id` (departments: only granted ones).
  Status RequireTable(const Principal& who, const std::string& mapping_id) const;

  // Whether `field` (or a tag, by key) is shown unmasked to the principal.
  bool SeesField(const Principal& who, const FieldDef& field) const;
  bool SeesTag(const Principal& who, const TagDef& tag) const;

 private:
  const Catalog& catalog_;
};

}  // namespace onetable

#endif  // ONETABLE_ACCESS_ACCESS_H_

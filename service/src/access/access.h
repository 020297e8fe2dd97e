// Access control: the ONE enforcement point for who may do what to which rows, tables and fields.
// Every handler asks here; nothing else in the service decides access. The policy is tested as a
// matrix (tests/integration/authz_matrix.yaml: role × route × {own scope, other scope, missing}).
//
// Roles (User::role), with duties separated (三权分立, 等保 level 3):
//   admin            system configuration — connectors, mappings, catalog — and the register
//                    everywhere; NOT users or the audit log; sensitive fields only when granted
//   security_admin   users, roles, scopes, grants and API tokens; no row, table or audit log
//   auditor          reads and exports the audit log and checks its chain; nothing else
//   community_admin  the register of their communities (User::scopes: 12-digit community codes)
//   grid_worker      the register of their grids (User::scopes: grid codes; a grid's code is
//                    unique only within its community, so a scope is either
//                    "<community code>/<grid code>" or a bare grid code that names exactly one
//                    grid in the register; an ambiguous or unknown code grants nothing)
//   department       no row API; runs only the tables granted to it (User::grants: mapping ids),
//                    seeing only those tables' columns; the tables cover every community, or
//                    only those of User::scopes (community codes) when it has any
// No role can change or remove an audit record (there is no such operation; the chain of
// store/audit_store.h shows one done behind the service's back).
// Sensitive fields (catalog Sensitivity::kSensitive, and sensitive tags) are masked in every
// response and export unless the user holds the grant "sensitive" (all) or "sensitive:<key>"
// (one field or tag key).
// Identifiers — ID numbers and phones (catalog types id_number and phone) — are masked by
// default too: in UI lists and person pages (partially, "420***********1234"; a worker's "show in
// full" is audited), and in every table unless the account holds a column grant for that table:
// "<mapping id>:<column header>[,<column header>...]" (e.g. "minzheng/gaoling-jintie:公民身份号码"),
// which also lets a department run the table. A child under 14 (PIPL Art. 28: sensitive) is
// shown in full only to an account holding "sensitive" or "sensitive:minor": on the person page
// ("show in full" is refused), and in tables and deliveries, where a granted identifier column
// is "***" in the rows of persons under 14 at the table's reference date (SeesMinorsIdentifiers).
//
// Out-of-scope rows answer kNotFound, not kPermissionDenied, so ids of other grids do not leak
// (the message is the same as for a row that does not exist). A row's scope is the grid and
// community it lies under; rows above a principal's level (a grid worker's community, a
// community admin's street) and rows outside the tree (a person in no household) are out of
// scope for everyone but admin. Permissions by role: admin all but kManageUsers and kReadAudit;
// security_admin kManageUsers; auditor kReadAudit; community_admin and grid_worker
// kReadRegister, kWriteRegister, kReviewQueue, kRunTables (rows limited to their scope);
// department kRunTables only.
// Thread-safety: stateless; safe from any thread (the Store passed in is the caller's).
#ifndef ONETABLE_ACCESS_ACCESS_H_
#define ONETABLE_ACCESS_ACCESS_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "model/catalog.h"
#include "model/entity.h"
#include "onetable/status.h"

namespace onetable {

class Store;

// The roles, in the order shown to people. User::role stores RoleName.
enum class Role { kAdmin, kSecurityAdmin, kAuditor, kCommunityAdmin, kGridWorker, kDepartment };

const std::vector<Role>& AllRoles();
// The stored and API name: "admin", "security_admin", "auditor", "community_admin",
// "grid_worker", "department".
const char* RoleName(Role role);
// What people read: 系统管理员, 安全管理员, 审计员, 社区管理员, 网格员, 部门账号 (the web UI
// takes them from GET /me and GET /roles).
const char* RoleLabel(Role role);
// The role named `name`; nullopt for anything else.
std::optional<Role> ParseRole(std::string_view name);

// Who is asking: filled by authentication (session cookie/bearer token, or a department API
// token) before any handler runs.
struct Principal {
  int64_t user_id = 0;
  std::string user;
  Role role = Role::kDepartment;  // the least: no row at all
  std::vector<std::string> scopes;
  std::vector<std::string> grants;
  std::string via;  // "session" | "token" | "cli"
  bool all_columns = false;  // the operator at a terminal: identifiers unmasked in tables
};

// Whether `field` is an identifier masked by default (an ID number or a phone, by type).
bool IsIdentifier(const FieldDef& field);

// The grant that names a minor's data (see above).
inline constexpr char kMinorGrant[] = "sensitive:minor";
// Whether a person born on `birth_date` ("YYYY-MM-DD") is under 14 on `today` ("YYYY-MM-DD").
// False when either is not a date.
bool IsUnder14(const std::string& birth_date, const std::string& today);

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
  kReadAudit,         // the audit log: read, export, verify the chain
};

// The API's stable name of a permission ("read_register", "write_register", ...), as GET /me
// lists them for the web UI.
const char* PermissionName(Permission permission);

// The role-level permissions `who` holds, in the enum's order: exactly those for which
// AccessPolicy::Require answers OK.
std::vector<Permission> PermissionsOf(const Principal& who);

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

  // Whether the table column `header` of `mapping_id` shows identifiers unmasked to `who`.
  bool SeesIdentifierColumn(const Principal& who, const std::string& mapping_id,
                            const std::string& header) const;
  // Whether `who` may "show in full" the identifiers of a person (a minor: only with
  // kMinorGrant or "sensitive"). The caller has checked the row's scope.
  bool MayReveal(const Principal& who, bool minor) const;
  // Whether a table column of identifiers that `who` sees in full (SeesIdentifierColumn) shows
  // them in full in the rows of children under 14 at the table's reference date too: only with
  // kMinorGrant or "sensitive" (and for the operator at a terminal).
  bool SeesMinorsIdentifiers(const Principal& who) const;

 private:
  const Catalog& catalog_;
};

}  // namespace onetable

#endif  // ONETABLE_ACCESS_ACCESS_H_

// The access policy of access.h. Scope codes are resolved against the register on every call
// (a handful of indexed lookups), so a grid or community renamed or added takes effect at once
// and no cache can go stale.
#include "access/access.h"

#include <algorithm>
#include <utility>

#include "model/catalog_keys.h"
#include "store/store.h"

namespace onetable {

const std::vector<Role>& AllRoles() {
  static const auto* const kRoles =
      new std::vector<Role>{Role::kAdmin,          Role::kSecurityAdmin, Role::kAuditor,
                            Role::kCommunityAdmin, Role::kGridWorker,    Role::kDepartment};
  return *kRoles;
}

const char* RoleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kSecurityAdmin:
      return "security_admin";
    case Role::kAuditor:
      return "auditor";
    case Role::kCommunityAdmin:
      return "community_admin";
    case Role::kGridWorker:
      return "grid_worker";
    case Role::kDepartment:
      return "department";
  }
  return "";
}

const char* RoleLabel(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "系统管理员";
    case Role::kSecurityAdmin:
      return "安全管理员";
    case Role::kAuditor:
      return "审计员";
    case Role::kCommunityAdmin:
      return "社区管理员";
    case Role::kGridWorker:
      return "网格员";
    case Role::kDepartment:
      return "部门账号";
  }
  return "";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role role : AllRoles()) {
    if (name == RoleName(role)) return role;
  }
  return std::nullopt;
}

Principal OperatorPrincipal(const std::string& user) {
  Principal p;
  p.user = user;
  p.role = Role::kAdmin;
  p.grants = {"sensitive"};
  p.via = "cli";
  p.all_columns = true;
  return p;
}

bool IsIdentifier(const FieldDef& field) {
  return field.type == FieldType::kIdNumber || field.type == FieldType::kPhone;
}

bool IsUnder14(const std::string& birth, const std::string& today) {
  auto date = [](const std::string& d) {
    return d.size() >= 10 && d[4] == '-' && d[7] == '-' &&
           std::all_of(d.begin(), d.begin() + 4, [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!date(birth) || !date(today)) return false;
  const int by = std::stoi(birth.substr(0, 4)), ty = std::stoi(today.substr(0, 4));
  int age = ty - by;
  if (today.compare(5, 5, birth, 5, 5) < 0) --age;  // birthday not yet this year
  return age < 14;
}
namespace {

constexpr Role kAdmin = Role::kAdmin;
constexpr Role kCommunityAdmin = Role::kCommunityAdmin;
constexpr Role kGridWorker = Role::kGridWorker;
constexpr Role kDepartment = Role::kDepartment;

const char* PermissionLabel(Permission permission) {
  switch (permission) {
    case Permission::kReadRegister:
      return "查看登记信息";
    case Permission::kWriteRegister:
      return "修改登记信息";
    case Permission::kReviewQueue:
      return "处理待核实事项";
    case Permission::kRunTables:
      return "生成部门报表";
    case Permission::kManageConnectors:
      return "管理数据接入";
    case Permission::kManageMappings:
      return "管理报表映射";
    case Permission::kManageUsers:
      return "管理用户与授权";
    case Permission::kReadAudit:
      return "查看审计日志";
  }
  return "执行此操作";
}

// Every Permission, in the enum's order (a new one must be added here and to RoleHas).
constexpr Permission kPermissions[] = {Permission::kReadRegister,     Permission::kWriteRegister,
                                       Permission::kReviewQueue,      Permission::kRunTables,
                                       Permission::kManageConnectors, Permission::kManageMappings,
                                       Permission::kManageUsers,      Permission::kReadAudit};

// The one table of which role holds which permission (Require and PermissionsOf read it).
bool RoleHas(Role role, Permission permission) {
  // Separated duties: whoever configures the system neither manages accounts nor reads the
  // audit log, and neither of those two touches the register.
  if (role == kAdmin) {
    return permission != Permission::kManageUsers && permission != Permission::kReadAudit;
  }
  if (role == Role::kSecurityAdmin) return permission == Permission::kManageUsers;
  if (role == Role::kAuditor) return permission == Permission::kReadAudit;
  if (role == kCommunityAdmin || role == kGridWorker) {
    return permission == Permission::kReadRegister || permission == Permission::kWriteRegister ||
           permission == Permission::kReviewQueue || permission == Permission::kRunTables;
  }
  return permission == Permission::kRunTables;  // kDepartment
}

bool Has(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// The one answer for a row that is missing or out of scope: the same text either way.
Status Missing(EntityKind entity, int64_t id) {
  return Status::NotFound("未找到 id 为 " + std::to_string(id) + " 的" + EntityLabel(entity));
}

// Where a row sits: its grid and community (0 where the row is above that level, or is not
// attached to the tree, like a person outside any household).
struct Place {
  int64_t community_id = 0;
  int64_t grid_id = 0;
};

Result<Place> Locate(Store& store, EntityKind entity, int64_t id) {
  Place place;
  EntityKind kind = entity;
  int64_t current = id;
  while (true) {
    Result<Row> row = store.Get(kind, current);
    if (!row.ok()) {
      if (row.status().code() == StatusCode::kNotFound && current != id) return place;
      return row.status();
    }
    if (kind == EntityKind::kCommunity) {
      place.community_id = row->id;
      return place;
    }
    if (kind == EntityKind::kGrid) {
      place.grid_id = row->id;
      place.community_id = row->parent_id;
      return place;
    }
    if (kind < EntityKind::kCommunity || row->parent_id == 0) return place;
    kind = *ParentKind(kind);
    current = row->parent_id;
  }
}

// Community ids of a community_admin's scope codes. Unknown codes grant nothing.
Result<std::set<int64_t>> CommunitiesOf(const Principal& who, Store& store) {
  std::set<int64_t> ids;
  for (const std::string& code : who.scopes) {
    Result<Row> row = store.FindBy(EntityKind::kCommunity, keys::kCode, code);
    if (row.ok()) {
      ids.insert(row->id);
    } else if (row.status().code() != StatusCode::kNotFound) {
      return row.status();
    }
  }
  return ids;
}

// Grids matching one scope code: "<community code>/<grid code>", or a grid code alone when it
// names exactly one grid in the register (grid codes are unique only within a community, so an
// ambiguous bare code grants nothing rather than every grid that shares it).
Result<std::vector<Row>> GridsForCode(Store& store, const std::string& code) {
  ListQuery query;
  query.limit = 2;
  const size_t slash = code.find('/');
  if (slash != std::string::npos) {
    Result<Row> community =
        store.FindBy(EntityKind::kCommunity, keys::kCode, code.substr(0, slash));
    if (!community.ok()) {
      if (community.status().code() == StatusCode::kNotFound) return std::vector<Row>{};
      return community.status();
    }
    query.parent_id = community->id;
    query.equals[keys::kCode] = code.substr(slash + 1);
  } else {
    query.equals[keys::kCode] = code;
  }
  ASSIGN_OR_RETURN(std::vector<Row> grids, store.List(EntityKind::kGrid, query));
  if (grids.size() != 1) return std::vector<Row>{};
  return grids;
}

// Grid ids of a grid_worker's scope codes, and the communities they lie in.
Status GridsOf(const Principal& who, Store& store, std::set<int64_t>* grid_ids,
               std::set<int64_t>* community_ids) {
  for (const std::string& code : who.scopes) {
    ASSIGN_OR_RETURN(std::vector<Row> grids, GridsForCode(store, code));
    for (const Row& grid : grids) {
      grid_ids->insert(grid.id);
      community_ids->insert(grid.parent_id);
    }
  }
  return Status::Ok();
}

}  // namespace

bool IsScopeLimited(const Principal& who) { return who.role != kAdmin; }

const char* PermissionName(Permission permission) {
  switch (permission) {
    case Permission::kReadRegister:
      return "read_register";
    case Permission::kWriteRegister:
      return "write_register";
    case Permission::kReviewQueue:
      return "review_queue";
    case Permission::kRunTables:
      return "run_tables";
    case Permission::kManageConnectors:
      return "manage_connectors";
    case Permission::kManageMappings:
      return "manage_mappings";
    case Permission::kManageUsers:
      return "manage_users";
    case Permission::kReadAudit:
      return "read_audit";
  }
  return "";
}

std::vector<Permission> PermissionsOf(const Principal& who) {
  std::vector<Permission> held;
  for (Permission p : kPermissions) {
    if (RoleHas(who.role, p)) held.push_back(p);
  }
  return held;
}

AccessPolicy::AccessPolicy(const Catalog& catalog) : catalog_(catalog) {}

Status AccessPolicy::Require(const Principal& who, Permission permission) const {
  if (RoleHas(who.role, permission)) return Status::Ok();
  return Status::Denied(std::string("当前账号（") + RoleLabel(who.role) + "）无权" +
                        PermissionLabel(permission));
}

Status AccessPolicy::RequireRow(const Principal& who, Store& store, EntityKind entity,
                                int64_t id) const {
  if (id <= 0) return Missing(entity, id);
  if (who.role == kAdmin) {
    Result<Row> row = store.Get(entity, id);
    if (row.ok()) return Status::Ok();
    return row.status().code() == StatusCode::kNotFound ? Missing(entity, id) : row.status();
  }
  if (who.role != kCommunityAdmin && who.role != kGridWorker) return Missing(entity, id);
  Result<Place> place = Locate(store, entity, id);
  if (!place.ok()) {
    return place.status().code() == StatusCode::kNotFound ? Missing(entity, id) : place.status();
  }
  if (who.role == kCommunityAdmin) {
    if (place->community_id == 0) return Missing(entity, id);
    ASSIGN_OR_RETURN(std::set<int64_t> communities, CommunitiesOf(who, store));
    return communities.count(place->community_id) ? Status::Ok() : Missing(entity, id);
  }
  if (place->grid_id == 0) return Missing(entity, id);
  std::set<int64_t> grids, communities;
  RETURN_IF_ERROR(GridsOf(who, store, &grids, &communities));
  return grids.count(place->grid_id) ? Status::Ok() : Missing(entity, id);
}

Status AccessPolicy::RequireParent(const Principal& who, Store& store, EntityKind entity,
                                   int64_t parent_id) const {
  const std::optional<EntityKind> parent = ParentKind(entity);
  if (!parent.has_value()) {
    if (who.role == kAdmin) return Status::Ok();
    return Status::Denied(std::string("只有管理员可以新建") + EntityLabel(entity));
  }
  if (parent_id == 0) {
    // Rows outside the tree (a person in no household) belong to no one's scope.
    if (who.role == kAdmin) return Status::Ok();
    return Missing(*parent, parent_id);
  }
  return RequireRow(who, store, *parent, parent_id);
}

Result<RowScope> AccessPolicy::Visible(const Principal& who, Store& store) const {
  RowScope scope;
  if (who.role == kAdmin) return scope;
  // A department's tables cover every row unless its account is limited to communities.
  if (who.role == kDepartment && who.scopes.empty()) return scope;
  if (who.role == kCommunityAdmin || who.role == kDepartment) {
    ASSIGN_OR_RETURN(std::set<int64_t> communities, CommunitiesOf(who, store));
    scope.community_ids = std::move(communities);
    return scope;
  }
  if (who.role == kGridWorker) {
    std::set<int64_t> grids, communities;
    RETURN_IF_ERROR(GridsOf(who, store, &grids, &communities));
    scope.grid_ids = std::move(grids);
    scope.community_ids = std::move(communities);
    return scope;
  }
  scope.community_ids = std::set<int64_t>();
  scope.grid_ids = std::set<int64_t>();
  return scope;
}

Status AccessPolicy::RequireTable(const Principal& who, const std::string& mapping_id) const {
  if (who.role == kAdmin || who.role == kCommunityAdmin || who.role == kGridWorker) {
    return Status::Ok();
  }
  if (who.role == kDepartment) {
    for (const std::string& grant : who.grants) {
      if (grant == mapping_id || grant.rfind(mapping_id + ":", 0) == 0) return Status::Ok();
    }
  }
  return Status::Denied("当前账号未获授权使用报表 " + mapping_id);
}

bool AccessPolicy::SeesField(const Principal& who, const FieldDef& field) const {
  if (field.sensitivity != Sensitivity::kSensitive) return true;
  return Has(who.grants, "sensitive") || Has(who.grants, "sensitive:" + field.key);
}

bool AccessPolicy::SeesTag(const Principal& who, const TagDef& tag) const {
  if (tag.sensitivity != Sensitivity::kSensitive) return true;
  return Has(who.grants, "sensitive") || Has(who.grants, "sensitive:" + tag.key);
}

bool AccessPolicy::SeesIdentifierColumn(const Principal& who, const std::string& mapping_id,
                                        const std::string& header) const {
  if (who.all_columns) return true;
  const std::string prefix = mapping_id + ":";
  for (const std::string& grant : who.grants) {
    if (grant.rfind(prefix, 0) != 0) continue;
    const std::string columns = grant.substr(prefix.size());
    size_t start = 0;
    while (start <= columns.size()) {
      size_t comma = columns.find(',', start);
      if (comma == std::string::npos) comma = columns.size();
      if (columns.compare(start, comma - start, header) == 0) return true;
      start = comma + 1;
    }
  }
  return false;
}

bool AccessPolicy::MayReveal(const Principal& who, bool minor) const {
  if (!RoleHas(who.role, Permission::kReadRegister)) return false;
  return !minor || Has(who.grants, "sensitive") || Has(who.grants, kMinorGrant);
}

bool AccessPolicy::SeesMinorsIdentifiers(const Principal& who) const {
  return who.all_columns || Has(who.grants, "sensitive") || Has(who.grants, kMinorGrant);
}

}  // namespace onetable

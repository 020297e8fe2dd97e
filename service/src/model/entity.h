// The kinds of row in the register's tree, from district down to person, and their names as
// used in fields.yaml, SQL table names and the API.
#ifndef ONETABLE_MODEL_ENTITY_H_
#define ONETABLE_MODEL_ENTITY_H_

#include <optional>
#include <string>
#include <string_view>

namespace onetable {

// Order matters: each kind's parent is the kind before it.
enum class EntityKind { kDistrict, kStreet, kCommunity, kGrid, kBuilding, kHousehold, kPerson };

inline constexpr EntityKind kAllEntityKinds[] = {
    EntityKind::kDistrict, EntityKind::kStreet,    EntityKind::kCommunity, EntityKind::kGrid,
    EntityKind::kBuilding, EntityKind::kHousehold, EntityKind::kPerson};

// "district", "street", "community", "grid", "building", "household", "person".
const char* EntityName(EntityKind kind);
// Chinese name for messages: 区县, 街道, 社区, 网格, 楼栋, 户, 人员.
const char* EntityLabel(EntityKind kind);
std::optional<EntityKind> ParseEntityKind(std::string_view name);
// The parent kind; nullopt for district.
std::optional<EntityKind> ParentKind(EntityKind kind);

}  // namespace onetable

#endif  // ONETABLE_MODEL_ENTITY_H_

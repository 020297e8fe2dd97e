#include "model/entity.h"

namespace onetable {

const char* EntityName(EntityKind kind) {
  switch (kind) {
    case EntityKind::kDistrict:
      return "district";
    case EntityKind::kStreet:
      return "street";
    case EntityKind::kCommunity:
      return "community";
    case EntityKind::kGrid:
      return "grid";
    case EntityKind::kBuilding:
      return "building";
    case EntityKind::kHousehold:
      return "household";
    case EntityKind::kPerson:
      return "person";
  }
  return "unknown";
}

const char* EntityLabel(EntityKind kind) {
  switch (kind) {
    case EntityKind::kDistrict:
      return "区县";
    case EntityKind::kStreet:
      return "街道";
    case EntityKind::kCommunity:
      return "社区";
    case EntityKind::kGrid:
      return "网格";
    case EntityKind::kBuilding:
      return "楼栋";
    case EntityKind::kHousehold:
      return "户";
    case EntityKind::kPerson:
      return "人员";
  }
  return "未知";
}

std::optional<EntityKind> ParseEntityKind(std::string_view name) {
  for (EntityKind kind : kAllEntityKinds) {
    if (name == EntityName(kind)) return kind;
  }
  return std::nullopt;
}

std::optional<EntityKind> ParentKind(EntityKind kind) {
  if (kind == EntityKind::kDistrict) return std::nullopt;
  return static_cast<EntityKind>(static_cast<int>(kind) - 1);
}

}  // namespace onetable

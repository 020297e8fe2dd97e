// The catalog field keys the code relies on: identity resolution (ID number, then name + birth
// date + phone + address), the ID-number cross-checks, households and their members, the tree
// of places, age and the living/dead split of tables. Every other field is data the catalog
// defines and the code never names.
//
// The catalog must define each of these for the entity listed in kRequiredKeys: Catalog::Load
// fails, naming the key, when one is missing, so code may look these up without a null check
// standing in for a missing definition. Constants; thread-safe.
#ifndef ONETABLE_MODEL_CATALOG_KEYS_H_
#define ONETABLE_MODEL_CATALOG_KEYS_H_

#include "model/entity.h"

namespace onetable::keys {

// Places (district, street, community, grid) and buildings.
inline constexpr char kCode[] = "code";
inline constexpr char kName[] = "name";  // also a person's and a building's name
inline constexpr char kBuildingCode[] = "building_code";
inline constexpr char kAddress[] = "address";  // a building's and a household's

// Households.
inline constexpr char kHouseholdNumber[] = "household_number";
inline constexpr char kRoom[] = "room";
inline constexpr char kHeadPersonId[] = "head_person_id";
inline constexpr char kMemberCount[] = "member_count";  // derived: active members

// Persons.
inline constexpr char kIdNumber[] = "id_number";
inline constexpr char kBirthDate[] = "birth_date";
inline constexpr char kGender[] = "gender";
inline constexpr char kPhone[] = "phone";
inline constexpr char kCurrentAddress[] = "current_address";
inline constexpr char kRelationship[] = "relationship";  // to the household head
inline constexpr char kDeathDate[] = "death_date";
inline constexpr char kAge[] = "age";  // derived from birth_date (and death_date)
// Optional, derived: the head's (or the head's spouse's) children living in the household, by
// 与户主关系 (GB/T 4761: 20–39 sons and daughters, not 28 女婿 / 38 儿媳); NULL for anyone else.
inline constexpr char kChildrenInHousehold[] = "children_in_household";
// Optional (not in kRequiredKeys): `alive` at a date reads them when the catalog defines them
// (expr/alive_rule.h); ingest reads residence_status's 死亡 / 迁出 codes (by label) to end a
// person's `alive`.
inline constexpr char kMoveInDate[] = "move_in_date";
inline constexpr char kMoveOutDate[] = "move_out_date";
inline constexpr char kResidenceStatus[] = "residence_status";

struct RequiredKey {
  EntityKind entity;
  const char* key;
};

// Every (entity, key) above, as the catalog must define it.
inline constexpr RequiredKey kRequiredKeys[] = {
    {EntityKind::kDistrict, kCode},
    {EntityKind::kDistrict, kName},
    {EntityKind::kStreet, kCode},
    {EntityKind::kStreet, kName},
    {EntityKind::kCommunity, kCode},
    {EntityKind::kCommunity, kName},
    {EntityKind::kGrid, kCode},
    {EntityKind::kGrid, kName},
    {EntityKind::kBuilding, kBuildingCode},
    {EntityKind::kBuilding, kName},
    {EntityKind::kBuilding, kAddress},
    {EntityKind::kHousehold, kHouseholdNumber},
    {EntityKind::kHousehold, kAddress},
    {EntityKind::kHousehold, kRoom},
    {EntityKind::kHousehold, kHeadPersonId},
    {EntityKind::kHousehold, kMemberCount},
    {EntityKind::kPerson, kIdNumber},
    {EntityKind::kPerson, kName},
    {EntityKind::kPerson, kBirthDate},
    {EntityKind::kPerson, kGender},
    {EntityKind::kPerson, kPhone},
    {EntityKind::kPerson, kCurrentAddress},
    {EntityKind::kPerson, kRelationship},
    {EntityKind::kPerson, kDeathDate},
    {EntityKind::kPerson, kAge},
};

}  // namespace onetable::keys

#endif  // ONETABLE_MODEL_CATALOG_KEYS_H_

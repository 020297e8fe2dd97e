#include "http/household_head.h"

#include <string>
#include <vector>

#include "model/catalog_keys.h"

namespace onetable {
namespace {

constexpr char kHeadRelationship[] = "02";  // GB/T 4761: 户主

// The household's head: the person its head_person_id names, else an active member recorded as
// 户主 (data imported before the household named one). 0 when none.
Result<int64_t> CurrentHead(Store& store, const Row& household, std::string* name) {
  if (const std::string* head = household.Get(keys::kHeadPersonId)) {
    int64_t id = 0;
    try {
      id = std::stoll(*head);
    } catch (...) {
      id = 0;
    }
    if (id > 0) {
      Result<Row> row = store.Get(EntityKind::kPerson, id);
      if (row.ok() && row->parent_id == household.id && row->status == kStatusActive) {
        const std::string* n = row->Get(keys::kName);
        *name = n ? *n : "";
        return id;
      }
      if (!row.ok() && row.status().code() != StatusCode::kNotFound) return row.status();
    }
  }
  ListQuery heads;
  heads.parent_id = household.id;
  heads.status = kStatusActive;
  heads.equals[keys::kRelationship] = kHeadRelationship;
  heads.limit = 1;
  ASSIGN_OR_RETURN(std::vector<Row> recorded, store.List(EntityKind::kPerson, heads));
  if (recorded.empty()) return int64_t{0};
  const std::string* n = recorded[0].Get(keys::kName);
  *name = n ? *n : "";
  return recorded[0].id;
}

}  // namespace

Result<std::optional<ErrorDetail>> CheckHeadRule(Store& store, int64_t person_id,
                                                 int64_t household_id, const FieldInput& input,
                                                 HeadChoice* choice) {
  *choice = HeadChoice{};
  if (household_id <= 0) return std::optional<ErrorDetail>();
  auto set = input.set.find(keys::kRelationship);
  const bool cleared = input.cleared.count(keys::kRelationship) > 0;
  if (set == input.set.end() && !cleared) return std::optional<ErrorDetail>();
  const bool to_head = set != input.set.end() && set->second == kHeadRelationship;
  ASSIGN_OR_RETURN(Row household, store.Get(EntityKind::kHousehold, household_id));
  std::string head_name;
  ASSIGN_OR_RETURN(int64_t head, CurrentHead(store, household, &head_name));
  if (to_head && head != 0 && head != person_id) {
    const std::string who = head_name.empty() ? "" : "“" + head_name + "”";
    return std::optional<ErrorDetail>(ErrorDetail{
        keys::kRelationship, "head_exists",
        "与户主关系：本户已有户主" + who +
            "，一户只能有一位户主。如要更换户主，请同时为原户主选择新的与户主关系"});
  }
  if (!to_head && head != 0 && head == person_id) {
    return std::optional<ErrorDetail>(ErrorDetail{
        keys::kRelationship, "head_required",
        "与户主关系：此人是本户户主，不能改为其他关系；请先将另一位成员设为户主"});
  }
  if (to_head && head == 0) choice->household_id = household_id;
  return std::optional<ErrorDetail>();
}

Status ApplyHeadChoice(Store& store, const HeadChoice& choice, int64_t person_id,
                       const std::string& actor) {
  if (choice.household_id <= 0) return Status::Ok();
  return RetryDeadlocks([&]() {
    return store.InTransaction([&]() -> Status {
      ASSIGN_OR_RETURN(Row household, store.Get(EntityKind::kHousehold, choice.household_id));
      const std::string id = std::to_string(person_id);
      const std::string* now = household.Get(keys::kHeadPersonId);
      if (now != nullptr && *now == id) return Status::Ok();
      household.values[keys::kHeadPersonId] = id;
      RETURN_IF_ERROR(store.Update(EntityKind::kHousehold, &household));
      return RecordManual(store, EntityKind::kHousehold, choice.household_id,
                          keys::kHeadPersonId, &id, actor);
    });
  });
}

}  // namespace onetable

// Change tracking in SQL (schema/sql/*/0017_delivery_incremental.sql): what changed in the
// register from an instant on, for incremental deliveries, and the register_change rows the
// store writes for what field_change and membership do not record.
#include <algorithm>
#include <set>

#include "store/sql_store.h"

namespace onetable {

Status SqlStore::RecordRegisterChange(const char* entity, int64_t id) {
  ASSIGN_OR_RETURN(SqlStatement * s, Stmt("INSERT INTO register_change (entity, entity_id, "
                                          "changed_at) VALUES (?, ?, ?)"));
  s->BindText(1, entity);
  s->BindInt(2, id);
  s->BindText(3, NowUtc());
  return s->Execute().status();
}

Result<RegisterChanges> SqlStore::ChangesSince(const std::string& since, size_t limit) {
  std::set<int64_t> persons, households, housemates_of;
  RegisterChanges out;
  auto full = [&]() {
    return persons.size() + households.size() + housemates_of.size() > limit;
  };
  // Each query yields (entity, id, parent or NULL); a person's parent is a household he joined
  // or left, whose other members may read his status (member_count, the head).
  auto read = [&](const std::string& sql, int binds) -> Status {
    ASSIGN_OR_RETURN(SqlStatement * s, Stmt(sql));
    for (int i = 1; i <= binds; ++i) s->BindText(i, since);
    while (!full() && !out.above_households) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      const std::string entity = s->Text(0).value_or("");
      const int64_t id = s->Int(1);
      const int64_t parent = s->Int(2);  // 0 for NULL
      if (entity == "person") {
        persons.insert(id);
        if (parent) housemates_of.insert(parent);
      } else if (entity == "household") {
        households.insert(id);
      } else {
        out.above_households = true;
      }
    }
    s->Reset();
    return Status::Ok();
  };
  RETURN_IF_ERROR(read("SELECT 'person', entity_id, NULL FROM field_change WHERE entity = "
                       "'person' AND replaced_at >= ?",
                       1));
  RETURN_IF_ERROR(read("SELECT entity, entity_id, parent_id FROM membership WHERE entity = "
                       "'person' AND valid_from >= ?",
                       1));
  RETURN_IF_ERROR(read("SELECT entity, entity_id, parent_id FROM membership WHERE entity = "
                       "'person' AND valid_to >= ?",
                       1));
  // Households and the rows above: updates and moves are in register_change (Move logs them);
  // an inserted one has no persons yet, who bring their own memberships.
  RETURN_IF_ERROR(read("SELECT entity, entity_id, NULL FROM register_change WHERE changed_at >= ?",
                       1));
  out.truncated = full();
  out.persons.assign(persons.begin(), persons.end());
  out.households.assign(households.begin(), households.end());
  out.housemates_of.assign(housemates_of.begin(), housemates_of.end());
  return out;
}

}  // namespace onetable

// The 户主 rule for manual person writes: a household has exactly one head, and a person becomes
// head by being given the relationship 户主 (02). A write that would give a household a second
// head, or take the relationship away from its head, is refused with a 422 naming 与户主关系;
// changing the head goes through POST /households/{id}/head, which gives the previous head
// another relationship in the same transaction (membership_handlers.h).
//
// Thread-safety: functions over the Store given (one thread).
#ifndef ONETABLE_HTTP_HOUSEHOLD_HEAD_H_
#define ONETABLE_HTTP_HOUSEHOLD_HEAD_H_

#include <cstdint>
#include <optional>

#include "register/register_write.h"
#include "store/store.h"

namespace onetable {

// What a person write does to its household's head.
struct HeadChoice {
  int64_t household_id = 0;  // > 0: the write makes the person this household's head
};

// Checks writing `input` to person `person_id` (0 for a new person) in household `household_id`
// (0: none). Returns the issue for 与户主关系 when the write breaks the rule; sets `choice` when
// it makes the person head of a household without one. Fails with the store's error.
Result<std::optional<ErrorDetail>> CheckHeadRule(Store& store, int64_t person_id,
                                                 int64_t household_id, const FieldInput& input,
                                                 HeadChoice* choice);

// After a successful write: names person `person_id` as the head of `choice.household_id`
// (records the household's head_person_id as the worker's entry). Nothing when no choice.
Status ApplyHeadChoice(Store& store, const HeadChoice& choice, int64_t person_id,
                       const std::string& actor);

}  // namespace onetable

#endif  // ONETABLE_HTTP_HOUSEHOLD_HEAD_H_

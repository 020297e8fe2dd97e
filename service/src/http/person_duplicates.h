// Duplicates met by manual entry of a person.
//
// An ID number already registered (the create or update failed with kAlreadyExists): the 409
// says where that person is, so the worker opens them instead of entering them again. The error
// body gains "holder": {"person_id": N} when the caller may see that person; otherwise only
// {"grid": "<name>", "community": "<name>"} — the place, never the person's values (the caller
// typed the ID number, so that it is registered is no news; who holds it is not theirs to read).
//
// A new person with the same name and birth date as a registered one (and another ID number, or
// none): the save goes through — they may be two people — and a review item of kind
// "duplicate" is opened for each such pair (at most kMaxNameBirthReviews), so a worker of 待核实
// decides whether they are one (DESIGN.md §5, ingest/review_queue.h).
//
// Thread-safety: functions over the Store given (one thread).
#ifndef ONETABLE_HTTP_PERSON_DUPLICATES_H_
#define ONETABLE_HTTP_PERSON_DUPLICATES_H_

#include <string>

#include "access/access.h"
#include "http/router.h"
#include "http/service_context.h"
#include "store/store.h"

namespace onetable {

inline constexpr int kMaxNameBirthReviews = 5;

// Where a person (or any row below a grid) lies: its grid's id and name and its community's
// name; ids 0 and names "" where the chain up the tree breaks (a person in no household).
// Names are place names, never personal data: what the 409 of a duplicate says.
struct PlaceNames {
  int64_t grid_id = 0;
  std::string grid;
  std::string community;
};
PlaceNames PlaceOf(Store& store, EntityKind kind, const Row& row);

// The 409 for an ID number already registered (`id_number` as the caller typed it); `refused`
// is the write's kAlreadyExists status.
HttpResponse DuplicateIdResponse(const ServiceContext& service, const Principal& who,
                                 Store& store, const std::string& id_number,
                                 const Status& refused);

// Opens the review items for `created` (a person just inserted by `actor`); sets `opened` to
// how many.
Status OpenNameBirthReviews(Store& store, const Row& created, const std::string& actor,
                            int* opened);

}  // namespace onetable

#endif  // ONETABLE_HTTP_PERSON_DUPLICATES_H_

// GET /api/v1/persons/search: finding a person among those the caller may see.
//
//   ?q=|name=|id_number=|id_last4=|id_partial=|phone=|address=   exactly one criterion
//   &status=&after=&limit=
//
// q guesses which: 15/18 ID characters an ID number, 4 its last four, a number with a dash or a
// blank, starting with 0, or of 11 digits starting with 1[3-9] a phone number, 6–17 other digits
// (an X may end them) part of an ID number, anything else part of a name or an address. Names
// and addresses match anywhere (建国 finds 张建国); id_partial matches anywhere in the ID
// number (at least 6 characters); ID numbers and phones are normalized first (a malformed one
// is 400 naming why).
//
// Paging is by position (after=N skips N matches), and the answer counts every match:
// {"items": [row...], "next_after": N | null, "total": N}. Candidates are the rows of the
// caller's scope (one scan, the text compared in memory); each shown row is checked again with
// AccessPolicy::RequireRow.
//
// A criterion over a field the caller does not see is refused (403): matching it would tell
// what the masked value holds. Every search is audited with its criterion and match count, never
// the text searched for (it may be an ID number).
//
// Thread-safety: the handler keeps no state.
#ifndef ONETABLE_HTTP_PERSON_SEARCH_H_
#define ONETABLE_HTTP_PERSON_SEARCH_H_

#include <string>

#include "http/router.h"
#include "http/service_context.h"

namespace onetable {

// Which criterion a free-text q names: "id_number", "id_last4", "phone", "id_partial" or
// "text" (a part of a name or an address). `q` is width-folded and trimmed.
std::string GuessSearchCriterion(const std::string& q);

HttpResponse HandlePersonSearch(const RequestContext& ctx, const ServiceContext& service);

}  // namespace onetable

#endif  // ONETABLE_HTTP_PERSON_SEARCH_H_

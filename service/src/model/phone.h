// Chinese telephone numbers: mobile (11 digits starting 1[3-9], optional +86/86 prefix) and
// landline (area code 0xx/0xxx, 7-8 digit number, optional extension). Pure; thread-safe.
#ifndef ONETABLE_MODEL_PHONE_H_
#define ONETABLE_MODEL_PHONE_H_

#include <optional>
#include <string>
#include <string_view>

#include "model/problem.h"

namespace onetable {

// Normalizes `text` to "13812345678" (mobile) or "0717-1234567[-123]" (landline), dropping
// spaces, dashes and a +86 prefix. Returns the problem (code phone_format) when it is neither.
std::optional<Problem> NormalizePhone(std::string_view text, std::string* out);

}  // namespace onetable

#endif  // ONETABLE_MODEL_PHONE_H_

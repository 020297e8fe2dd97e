// The codes of communities and grids: what scopes name (access.h), so a changed or clashing
// code silently moves or removes every account scoped by it. Rules:
//   community  12 digits (统计用区划代码) starting with its street's 9-digit code; unique
//   grid       1–20 letters, digits or '-'; a full code (12 characters or more) starts with its
//              community's code; unique within its community
// Only the system administrator changes an existing code (register_handlers.cc).
//
// Thread-safety: a plain function over the store given.
#ifndef ONETABLE_REGISTER_PLACE_CODE_H_
#define ONETABLE_REGISTER_PLACE_CODE_H_

#include <cstdint>
#include <string>

#include "model/entity.h"
#include "onetable/status.h"

namespace onetable {

class Store;

// Checks `code` for a community or grid row `id` (0 when new) under `parent_id`.
// kInvalidArgument for a malformed code or a wrong prefix, kAlreadyExists for a taken one (both
// with a Chinese message naming the code); other kinds pass.
Status CheckPlaceCode(Store& store, EntityKind kind, int64_t id, int64_t parent_id,
                      const std::string& code);

}  // namespace onetable

#endif  // ONETABLE_REGISTER_PLACE_CODE_H_

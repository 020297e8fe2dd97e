// Copying text into the caller-owned buffers of the connector SDK (error messages, cursors).
// Header-only so every plugin can use it without linking anything. Pure; thread-safe.
#ifndef ONETABLE_CONNECTORS_COMMON_SDK_BUFFER_H_
#define ONETABLE_CONNECTORS_COMMON_SDK_BUFFER_H_

#include <cstring>
#include <string>

#include "onetable/utf8.h"

namespace onetable::connectors {

// Copies `text` into `out` (at most `len` bytes incl. the NUL), never cutting a UTF-8 sequence.
inline void CopyOut(const std::string& text, char* out, size_t len) {
  if (len == 0) return;
  const size_t n = utf8::TruncateBytes(text, len - 1).size();
  std::memcpy(out, text.data(), n);
  out[n] = '\0';
}

}  // namespace onetable::connectors

#endif  // ONETABLE_CONNECTORS_COMMON_SDK_BUFFER_H_

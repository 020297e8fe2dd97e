// Copying text into the caller-owned buffers of the connector SDK (error messages, cursors).
// Header-only so every plugin can use it without linking anything. Pure; thread-safe.
#ifndef ONETABLE_CONNECTORS_COMMON_SDK_BUFFER_H_
#define ONETABLE_CONNECTORS_COMMON_SDK_BUFFER_H_

#include <algorithm>
#include <cstring>
#include <string>

namespace onetable::connectors {

// Copies `text` into `out` (at most `len` bytes incl. the NUL), never cutting a UTF-8 sequence.
inline void CopyOut(const std::string& text, char* out, size_t len) {
  if (len == 0) return;
  size_t n = std::min(text.size(), len - 1);
  while (n > 0 && n < text.size() && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  std::memcpy(out, text.data(), n);
  out[n] = '\0';
}

}  // namespace onetable::connectors

#endif  // ONETABLE_CONNECTORS_COMMON_SDK_BUFFER_H_

// Text encodings of departmental exports, and a chunked decoder to UTF-8.
//
// Departments export UTF-8 (with or without a BOM), GBK, and GB18030. A file's encoding is either
// declared in the connector's options or detected: a UTF-8 BOM, else valid UTF-8, else
// GB18030 (reported as "gbk" when every character seen fits in GBK). GBK and GB18030 are both
// decoded with glibc iconv as GB18030, which is a superset of GBK.
//
// Thread-safety: the free functions are thread-safe; a TextDecoder is not (one per input).
#ifndef ONETABLE_CONNECTORS_CSV_TEXT_ENCODING_H_
#define ONETABLE_CONNECTORS_CSV_TEXT_ENCODING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "onetable/status.h"

namespace onetable::connectors {

enum class TextEncoding { kUtf8, kUtf8Bom, kGbk, kGb18030 };

// "utf-8", "utf-8-bom", "gbk" or "gb18030".
const char* TextEncodingName(TextEncoding encoding);

// Parses a declared encoding, case-insensitively: the names above and the aliases utf8,
// utf-8-sig, utf8-bom, cp936, gb2312 (decoded as GBK, its superset). Unknown names fail.
Result<TextEncoding> ParseTextEncoding(std::string_view name);

// Detects the encoding of a whole input or its first part (`at_eof` false: an incomplete
// sequence at the end of `sample` is not held against it). Fails, naming the byte offset, when
// the bytes are neither UTF-8 nor GB18030.
Result<TextEncoding> DetectTextEncoding(std::string_view sample, bool at_eof);

// Decodes an input, handed over in chunks of any size, to UTF-8. A multi-byte sequence split
// between chunks is carried over. A UTF-8 BOM is dropped. Errors name the source, the byte
// offset of the bad sequence and the line (1-based) it is on.
class TextDecoder {
 public:
  // `declared` unset: detect from the data (decided at the first non-ASCII byte, from the next
  // 64 KiB; an ASCII-only input reports kUtf8).
  TextDecoder(std::optional<TextEncoding> declared, std::string source_name);
  ~TextDecoder();
  TextDecoder(const TextDecoder&) = delete;
  TextDecoder& operator=(const TextDecoder&) = delete;

  // Decodes the next chunk, appending UTF-8 to `*out`. After an error, the decoder stays failed.
  Status Decode(std::string_view bytes, std::string* out);
  // Ends the input: flushes what detection held back; an incomplete sequence left is an error.
  Status Finish(std::string* out);

  // The declared encoding, or the detected one (kUtf8 until a non-ASCII byte decides).
  TextEncoding encoding() const { return encoding_.value_or(TextEncoding::kUtf8); }

 private:
  Status Process(bool at_eof, std::string* out);
  // Decode a prefix of `bytes`, setting `*used`; on failure set `*bad` (index of the bad
  // sequence) and `*incomplete` (the input ended inside a sequence) and return false.
  bool DecodeUtf8(std::string_view bytes, bool at_eof, size_t* used, size_t* bad, bool* incomplete,
                  std::string* out);
  bool DecodeGb(std::string_view bytes, bool at_eof, size_t* used, size_t* bad, bool* incomplete,
                std::string* out);
  // Drops `n` decoded bytes from the front of pending_, keeping offset and line counts.
  void Consume(size_t n);
  Status ErrorAt(size_t pending_index, const std::string& what) const;

  std::optional<TextEncoding> encoding_;
  bool declared_;
  std::string source_name_;
  std::string pending_;    // bytes not yet decoded
  uint64_t consumed_ = 0;  // input bytes before pending_
  uint64_t lines_ = 0;     // '\n' bytes before pending_ (0x0A is never inside a GB sequence)
  bool bom_checked_ = false;
  void* iconv_ = nullptr;  // iconv_t, opened on first GB use
  Status failed_;
};

}  // namespace onetable::connectors

#endif  // ONETABLE_CONNECTORS_CSV_TEXT_ENCODING_H_

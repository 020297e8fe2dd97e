#include "csv/text_encoding.h"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "onetable/text.h"
#include "onetable/utf8.h"

namespace onetable::connectors {
namespace {

constexpr std::string_view kUtf8Bom = utf8::kBom;
// How much text after the first non-ASCII byte detection looks at.
constexpr size_t kDetectWindow = 64 * 1024;

// Scans `s` as GB18030 byte structure (1, 2 or 4 bytes a character). Returns the length of the
// longest prefix of whole characters; `*invalid` is set when the scan stopped at an invalid
// sequence rather than at an incomplete one at the very end. `*four_byte` is set when a four-byte
// sequence (outside GBK) was seen.
size_t ScanGb18030(std::string_view s, bool* invalid, bool* four_byte) {
  *invalid = false;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    if (c == 0x80 || c == 0xFF) {
      *invalid = true;
      return i;
    }
    if (i + 1 >= n) return i;
    unsigned char b1 = p[i + 1];
    if (b1 >= 0x30 && b1 <= 0x39) {
      if (i + 2 >= n) return i;
      if (p[i + 2] < 0x81 || p[i + 2] > 0xFE) {
        *invalid = true;
        return i;
      }
      if (i + 3 >= n) return i;
      if (p[i + 3] < 0x30 || p[i + 3] > 0x39) {
        *invalid = true;
        return i;
      }
      *four_byte = true;
      i += 4;
    } else if ((b1 >= 0x40 && b1 <= 0x7E) || (b1 >= 0x80 && b1 <= 0xFE)) {
      i += 2;
    } else {
      *invalid = true;
      return i;
    }
  }
  return i;
}

// Detection over `sample`; on failure returns nullopt and the offset of the first bad byte.
std::optional<TextEncoding> Detect(std::string_view sample, bool at_eof, size_t* bad_index) {
  if (sample.substr(0, kUtf8Bom.size()) == kUtf8Bom) return TextEncoding::kUtf8Bom;
  const utf8::Scan utf8_scan = utf8::ScanValid(sample);
  const size_t utf8_ok = utf8_scan.valid;
  if (utf8_scan.stop != utf8::Decode::kInvalid && (!at_eof || utf8_ok == sample.size())) {
    return TextEncoding::kUtf8;
  }
  bool invalid = false;
  bool four_byte = false;
  size_t gb_ok = ScanGb18030(sample, &invalid, &four_byte);
  if (!invalid && (!at_eof || gb_ok == sample.size())) {
    return four_byte ? TextEncoding::kGb18030 : TextEncoding::kGbk;
  }
  *bad_index = std::max(utf8_ok, gb_ok);
  return std::nullopt;
}

bool IsUtf16Bom(std::string_view s) {
  return s.substr(0, 2) == "\xFF\xFE" || s.substr(0, 2) == "\xFE\xFF";
}

}  // namespace

const char* TextEncodingName(TextEncoding encoding) {
  switch (encoding) {
    case TextEncoding::kUtf8:
      return "utf-8";
    case TextEncoding::kUtf8Bom:
      return "utf-8-bom";
    case TextEncoding::kGbk:
      return "gbk";
    case TextEncoding::kGb18030:
      return "gb18030";
  }
  return "utf-8";
}

Result<TextEncoding> ParseTextEncoding(std::string_view name) {
  std::string n = AsciiLower(name);
  if (n == "utf-8" || n == "utf8") return TextEncoding::kUtf8;
  if (n == "utf-8-bom" || n == "utf8-bom" || n == "utf-8-sig") return TextEncoding::kUtf8Bom;
  if (n == "gbk" || n == "cp936" || n == "gb2312") return TextEncoding::kGbk;
  if (n == "gb18030") return TextEncoding::kGb18030;
  return Status::Invalid("不支持的编码 \"" + std::string(name) +
                         "\"（可选：utf-8、utf-8-bom、gbk、gb18030）");
}

Result<TextEncoding> DetectTextEncoding(std::string_view sample, bool at_eof) {
  if (IsUtf16Bom(sample)) {
    return Status::Invalid(
        "文件是 UTF-16 编码（如 Excel 的“Unicode 文本”），请另存为 UTF-8 或 GBK 的 CSV");
  }
  size_t bad = 0;
  std::optional<TextEncoding> found = Detect(sample, at_eof, &bad);
  if (!found) {
    return Status::Invalid("无法识别文件编码：字节偏移 " + std::to_string(bad) +
                           " 处既不是有效的 UTF-8 也不是有效的 GBK/GB18030");
  }
  return *found;
}

TextDecoder::TextDecoder(std::optional<TextEncoding> declared, std::string source_name)
    : encoding_(declared), declared_(declared.has_value()), source_name_(std::move(source_name)) {}

TextDecoder::~TextDecoder() {
  if (iconv_ != nullptr) iconv_close(static_cast<iconv_t>(iconv_));
}

Status TextDecoder::Decode(std::string_view bytes, std::string* out) {
  if (!failed_.ok()) return failed_;
  pending_.append(bytes.data(), bytes.size());
  failed_ = Process(false, out);
  return failed_;
}

Status TextDecoder::Finish(std::string* out) {
  if (!failed_.ok()) return failed_;
  failed_ = Process(true, out);
  return failed_;
}

void TextDecoder::Consume(size_t n) {
  lines_ += static_cast<uint64_t>(std::count(pending_.begin(), pending_.begin() + n, '\n'));
  consumed_ += n;
  pending_.erase(0, n);
}

Status TextDecoder::ErrorAt(size_t pending_index, const std::string& what) const {
  uint64_t line =
      lines_ + 1 +
      static_cast<uint64_t>(std::count(pending_.begin(), pending_.begin() + pending_index, '\n'));
  return Status::Invalid(source_name_ + " 第 " + std::to_string(line) + " 行（字节偏移 " +
                         std::to_string(consumed_ + pending_index) + "）: " + what);
}

Status TextDecoder::Process(bool at_eof, std::string* out) {
  if (!bom_checked_) {
    if (!at_eof && pending_.size() < kUtf8Bom.size() &&
        kUtf8Bom.substr(0, pending_.size()) == pending_) {
      return Status::Ok();  // could still become a BOM
    }
    bom_checked_ = true;
    if (!encoding_ && IsUtf16Bom(pending_)) {
      return Status::Invalid(source_name_ +
                             ": 文件是 UTF-16 编码（如 Excel 的“Unicode 文本”），请另存为 UTF-8 "
                             "或 GBK 的 CSV");
    }
    bool utf8_or_unknown =
        !encoding_ || *encoding_ == TextEncoding::kUtf8 || *encoding_ == TextEncoding::kUtf8Bom;
    if (utf8_or_unknown && pending_.compare(0, kUtf8Bom.size(), kUtf8Bom) == 0) {
      if (!encoding_) encoding_ = TextEncoding::kUtf8Bom;
      Consume(kUtf8Bom.size());
    }
  }

  if (!encoding_) {
    // ASCII reads the same in every supported encoding: pass it through until a byte decides.
    size_t first = 0;
    while (first < pending_.size() && static_cast<unsigned char>(pending_[first]) < 0x80) ++first;
    out->append(pending_, 0, first);
    Consume(first);
    if (pending_.empty()) return Status::Ok();
    if (!at_eof && pending_.size() < kDetectWindow) return Status::Ok();
    size_t window = std::min(pending_.size(), kDetectWindow);
    size_t bad = 0;
    encoding_ = Detect(std::string_view(pending_).substr(0, window),
                       at_eof && window == pending_.size(), &bad);
    if (!encoding_) {
      return ErrorAt(bad, "无法识别文件编码：既不是有效的 UTF-8 也不是有效的 GBK/GB18030");
    }
  }

  std::string_view rest(pending_);
  size_t used = 0;
  size_t bad = 0;
  bool incomplete = false;
  bool ok = (*encoding_ == TextEncoding::kUtf8 || *encoding_ == TextEncoding::kUtf8Bom)
                ? DecodeUtf8(rest, at_eof, &used, &bad, &incomplete, out)
                : DecodeGb(rest, at_eof, &used, &bad, &incomplete, out);
  if (!ok) {
    if (!failed_.ok()) return failed_;
    std::string name = TextEncodingName(*encoding_);
    if (incomplete)
      return ErrorAt(bad, "文件在一个 " + name + " 多字节字符中间结束（文件可能被截断）");
    std::string what = "不是有效的 " + name + " 编码";
    if (*encoding_ == TextEncoding::kUtf8 || *encoding_ == TextEncoding::kUtf8Bom) {
      what += "（文件可能是 GBK/GB18030，请检查 encoding 设置）";
    }
    return ErrorAt(bad, what);
  }
  Consume(used);
  return Status::Ok();
}

bool TextDecoder::DecodeUtf8(std::string_view bytes, bool at_eof, size_t* used, size_t* bad,
                             bool* incomplete, std::string* out) {
  const utf8::Scan scan = utf8::ScanValid(bytes);
  const size_t n = scan.valid;
  const bool invalid = scan.stop == utf8::Decode::kInvalid;
  out->append(bytes.data(), n);
  *used = n;
  if (invalid || (at_eof && n < bytes.size())) {
    *bad = n;
    *incomplete = !invalid;
    return false;
  }
  return true;
}

bool TextDecoder::DecodeGb(std::string_view bytes, bool at_eof, size_t* used, size_t* bad,
                           bool* incomplete, std::string* out) {
  if (iconv_ == nullptr) {
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == reinterpret_cast<iconv_t>(-1)) {
      // glibc always ships GB18030; without its converter nothing here can be read.
      failed_ = Status::Internal(source_name_ + ": 系统缺少 GB18030 编码转换（iconv）");
      return false;
    }
    iconv_ = cd;
  }
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char buffer[16384];
  bool ok = true;
  while (in_left > 0) {
    char* o = buffer;
    size_t o_left = sizeof buffer;
    size_t rc = iconv(static_cast<iconv_t>(iconv_), &in, &in_left, &o, &o_left);
    int error = errno;
    out->append(buffer, static_cast<size_t>(o - buffer));
    if (rc != static_cast<size_t>(-1) || error == E2BIG) continue;
    if (error == EINVAL && !at_eof) break;  // a sequence continues in the next chunk
    ok = false;
    *incomplete = error == EINVAL;
    *bad = static_cast<size_t>(in - bytes.data());
    break;
  }
  *used = static_cast<size_t>(in - bytes.data());
  if (!declared_ && encoding_ == TextEncoding::kGbk) {
    // Detection saw only the first part of the file; a later four-byte character means GB18030.
    bool invalid = false;
    bool four_byte = false;
    ScanGb18030(bytes.substr(0, *used), &invalid, &four_byte);
    if (four_byte) encoding_ = TextEncoding::kGb18030;
  }
  return ok;
}

}  // namespace onetable::connectors

#include "http/json_writer.h"

#include <utility>

namespace onetable {
namespace {

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence starting at text[i], or 0 when it is not valid (overlong
// forms, surrogates and code points above U+10FFFF included, per RFC 3629).
size_t ValidSequenceLength(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return len;
}

// Length of the longest valid UTF-8 prefix of `text`.
size_t ValidPrefix(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const size_t len = ValidSequenceLength(text, i);
    if (len == 0) break;
    i += len;
  }
  return i;
}

}  // namespace

std::string SanitizeUtf8(std::string_view text) {
  size_t i = ValidPrefix(text);
  if (i == text.size()) return std::string(text);

  std::string out(text.substr(0, i));
  while (i < text.size()) {
    const size_t len = ValidSequenceLength(text, i);
    if (len == 0) {
      out += kReplacement;
      ++i;
    } else {
      out.append(text.substr(i, len));
      i += len;
    }
  }
  return out;
}

JsonWriter::JsonWriter() : writer_(buffer_) {}

JsonWriter& JsonWriter::StartObject() {
  writer_.StartObject();
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  writer_.EndObject();
  return *this;
}

JsonWriter& JsonWriter::StartArray() {
  writer_.StartArray();
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  writer_.EndArray();
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view key) {
  if (ValidPrefix(key) == key.size()) {
    writer_.Key(key.empty() ? "" : key.data(), static_cast<rapidjson::SizeType>(key.size()));
  } else {
    const std::string clean = SanitizeUtf8(key);
    writer_.Key(clean.data(), static_cast<rapidjson::SizeType>(clean.size()));
  }
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view value) {
  if (ValidPrefix(value) == value.size()) {
    writer_.String(value.empty() ? "" : value.data(),
                   static_cast<rapidjson::SizeType>(value.size()));
  } else {
    const std::string clean = SanitizeUtf8(value);
    writer_.String(clean.data(), static_cast<rapidjson::SizeType>(clean.size()));
  }
  return *this;
}

JsonWriter& JsonWriter::StringOrNull(const std::string* value) {
  return value == nullptr ? Null() : String(*value);
}

JsonWriter& JsonWriter::Int(int64_t value) {
  writer_.Int64(value);
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
  writer_.Bool(value);
  return *this;
}

JsonWriter& JsonWriter::Null() {
  writer_.Null();
  return *this;
}

std::string JsonWriter::Take() {
  std::string out(buffer_.GetString(), buffer_.GetSize());
  buffer_.Clear();
  writer_.Reset(buffer_);
  return out;
}

std::string ErrorBody(std::string_view code, std::string_view message,
                      const std::vector<ErrorDetail>& details) {
  JsonWriter w;
  w.StartObject().Key("error").StartObject();
  w.Key("code").String(code);
  w.Key("message").String(message);
  w.Key("details").StartArray();
  for (const ErrorDetail& d : details) {
    w.StartObject();
    w.Key("field").String(d.field);
    w.Key("code").String(d.code);
    w.Key("message").String(d.message);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject().EndObject();
  return w.Take();
}

}  // namespace onetable

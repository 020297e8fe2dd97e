#include "http/json_writer.h"

#include <utility>

#include "onetable/utf8.h"

namespace onetable {

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
  if (utf8::IsValid(key)) {
    writer_.Key(key.empty() ? "" : key.data(), static_cast<rapidjson::SizeType>(key.size()));
  } else {
    const std::string clean = utf8::Sanitize(key);
    writer_.Key(clean.data(), static_cast<rapidjson::SizeType>(clean.size()));
  }
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view value) {
  if (utf8::IsValid(value)) {
    writer_.String(value.empty() ? "" : value.data(),
                   static_cast<rapidjson::SizeType>(value.size()));
  } else {
    const std::string clean = utf8::Sanitize(value);
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

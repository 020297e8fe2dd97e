// Parsing untrusted JSON (API request bodies, responses of departmental HTTP sources) into a
// RapidJSON Document with a nesting limit: parsing is iterative, so deep input cannot exhaust
// the stack, and a document deeper than the limit is refused before anyone walks it
// recursively. Encoding is validated (invalid UTF-8 fails the parse).
//
// Header-only (RapidJSON is too), so the http connector plugin uses it without linking
// anything. Pure; thread-safe.
#ifndef ONETABLE_JSON_DEPTH_H_
#define ONETABLE_JSON_DEPTH_H_

#include <rapidjson/document.h>
#include <rapidjson/reader.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace onetable::json {

// Forwards SAX events to `Handler` and stops the parse when arrays and objects nest deeper than
// `max_depth`.
template <typename Handler>
class DepthLimit {
 public:
  DepthLimit(Handler& handler, int max_depth) : h_(handler), max_(max_depth) {}
  bool exceeded() const { return exceeded_; }

  bool Null() { return h_.Null(); }
  bool Bool(bool b) { return h_.Bool(b); }
  bool Int(int i) { return h_.Int(i); }
  bool Uint(unsigned i) { return h_.Uint(i); }
  bool Int64(int64_t i) { return h_.Int64(i); }
  bool Uint64(uint64_t i) { return h_.Uint64(i); }
  bool Double(double d) { return h_.Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) {
    return h_.RawNumber(s, n, copy);
  }
  bool String(const char* s, rapidjson::SizeType n, bool copy) { return h_.String(s, n, copy); }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) { return h_.Key(s, n, copy); }
  bool StartObject() { return Enter() && h_.StartObject(); }
  bool EndObject(rapidjson::SizeType n) {
    --depth_;
    return h_.EndObject(n);
  }
  bool StartArray() { return Enter() && h_.StartArray(); }
  bool EndArray(rapidjson::SizeType n) {
    --depth_;
    return h_.EndArray(n);
  }

 private:
  bool Enter() {
    if (++depth_ > max_) exceeded_ = true;
    return !exceeded_;
  }
  Handler& h_;
  const int max_;
  int depth_ = 0;
  bool exceeded_ = false;
};

// What a limited parse came to.
struct LimitedParse {
  rapidjson::ParseResult result;  // the parser's error, if any (too deep shows as an error too)
  bool too_deep = false;          // stopped because of the nesting limit
  size_t consumed = 0;            // bytes the parser read
};

// Parses `text` into `doc` with kParseIterativeFlag, kParseValidateEncodingFlag and
// `kExtraFlags` (e.g. kParseStopWhenDoneFlag, kParseNumbersAsStringsFlag). `text` is read up to
// its first NUL: callers that must refuse NULs check for them first.
template <unsigned kExtraFlags = 0>
LimitedParse ParseWithDepthLimit(const std::string& text, int max_depth, rapidjson::Document* doc) {
  LimitedParse out;
  struct Generator {
    const std::string& text;
    int max_depth;
    LimitedParse* out;
    bool operator()(rapidjson::Document& d) {
      DepthLimit<rapidjson::Document> limited(d, max_depth);
      // RapidJSON 1.1.0's UTF-8 validation takes a multi-byte sequence's continuation bytes
      // without looking for the end, so text ending inside one ("\"\xF0") was read up to 3 bytes
      // past its terminating NUL (found by tests/fuzz, json_body). Padding keeps those reads
      // inside the buffer; they see NULs, which fail the validation as they should.
      std::string padded;
      padded.reserve(text.size() + 4);
      padded.append(text).append(4, '\0');
      rapidjson::StringStream stream(padded.c_str());
      rapidjson::Reader reader;
      out->result =
          reader.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag |
                       kExtraFlags>(stream, limited);
      out->too_deep = limited.exceeded();
      out->consumed = stream.Tell();
      return !out->result.IsError();
    }
  } generator{text, max_depth, &out};
  doc->Populate(generator);
  return out;
}

}  // namespace onetable::json

#endif  // ONETABLE_JSON_DEPTH_H_

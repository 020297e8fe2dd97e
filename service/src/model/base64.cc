#include "model/base64.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/Exception.h>

#include <iterator>
#include <sstream>

namespace onetable {
namespace {

std::string Encode(std::string_view bytes, int options) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out, options);
  encoder.rdbuf()->setLineLength(0);  // one line: the default breaks lines at 72 characters
  encoder.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  encoder.close();
  return out.str();
}

bool InAlphabet(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) {
  return Encode(bytes, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
}

std::string Base64Encode(std::string_view bytes) { return Encode(bytes, 0); }

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  // Poco's decoder skips whitespace; a stored hash has none, so reject what is not base64 here.
  size_t end = text.size();
  for (int pad = 0; pad < 2 && text[end - 1] == '='; ++pad) --end;
  for (size_t i = 0; i < end; ++i) {
    if (!InAlphabet(text[i])) return std::nullopt;
  }
  try {
    std::istringstream in{std::string(text)};
    Poco::Base64Decoder decoder(in);
    return std::string(std::istreambuf_iterator<char>(decoder), std::istreambuf_iterator<char>());
  } catch (const Poco::Exception&) {
    return std::nullopt;
  }
}

}  // namespace onetable

#include "model/base64.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Exception.h>

#include <array>
#include <cstdint>
#include <iterator>
#include <sstream>

namespace onetable {
namespace {

constexpr char kStandard[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void Encode(std::string_view bytes, const char* alphabet, bool pad, std::string* out) {
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  const size_t at = out->size();
  out->resize(at + (n + 2) / 3 * 4);
  char* o = out->data() + at;
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    const uint32_t v = (uint32_t{in[i]} << 16) | (uint32_t{in[i + 1]} << 8) | in[i + 2];
    *o++ = alphabet[v >> 18];
    *o++ = alphabet[(v >> 12) & 63];
    *o++ = alphabet[(v >> 6) & 63];
    *o++ = alphabet[v & 63];
  }
  if (n - i == 1) {
    const uint32_t v = uint32_t{in[i]} << 16;
    *o++ = alphabet[v >> 18];
    *o++ = alphabet[(v >> 12) & 63];
    if (pad) {
      *o++ = '=';
      *o++ = '=';
    }
  } else if (n - i == 2) {
    const uint32_t v = (uint32_t{in[i]} << 16) | (uint32_t{in[i + 1]} << 8);
    *o++ = alphabet[v >> 18];
    *o++ = alphabet[(v >> 12) & 63];
    *o++ = alphabet[(v >> 6) & 63];
    if (pad) *o++ = '=';
  }
  out->resize(static_cast<size_t>(o - out->data()));
}

// Each character's value in the standard alphabet, -1 for any other byte.
const std::array<int8_t, 256>& StandardValues() {
  static const std::array<int8_t, 256> values = [] {
    std::array<int8_t, 256> v{};
    v.fill(-1);
    for (int i = 0; i < 64; ++i)
      v[static_cast<unsigned char>(kStandard[i])] = static_cast<int8_t>(i);
    return v;
  }();
  return values;
}

bool InAlphabet(char c) { return StandardValues()[static_cast<unsigned char>(c)] >= 0; }

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  Encode(bytes, kUrl, false, &out);
  return out;
}

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  Encode(bytes, kStandard, true, &out);
  return out;
}

void AppendBase64(std::string_view bytes, std::string* out) { Encode(bytes, kStandard, true, out); }

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

std::optional<std::string> Base64DecodeCanonical(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  size_t pad = 0;
  if (!text.empty() && text.back() == '=') pad = text[text.size() - 2] == '=' ? 2 : 1;
  const std::array<int8_t, 256>& values = StandardValues();
  std::string out;
  out.resize(text.size() / 4 * 3);
  char* o = out.data();
  const size_t full = text.size() - (pad > 0 ? 4 : 0);  // characters in groups without '='
  for (size_t i = 0; i < full; i += 4) {
    const int a = values[static_cast<unsigned char>(text[i])];
    const int b = values[static_cast<unsigned char>(text[i + 1])];
    const int c = values[static_cast<unsigned char>(text[i + 2])];
    const int d = values[static_cast<unsigned char>(text[i + 3])];
    if ((a | b | c | d) < 0) return std::nullopt;
    const uint32_t v = (uint32_t(a) << 18) | (uint32_t(b) << 12) | (uint32_t(c) << 6) | uint32_t(d);
    *o++ = static_cast<char>(v >> 16);
    *o++ = static_cast<char>((v >> 8) & 0xFF);
    *o++ = static_cast<char>(v & 0xFF);
  }
  if (pad > 0) {
    const std::string_view last = text.substr(full);
    const int a = values[static_cast<unsigned char>(last[0])];
    const int b = values[static_cast<unsigned char>(last[1])];
    if ((a | b) < 0) return std::nullopt;
    if (pad == 2) {
      // One byte: its last four bits must be zero, the rest '='.
      if ((b & 15) != 0) return std::nullopt;
      *o++ = static_cast<char>((a << 2) | (b >> 4));
    } else {
      const int c = values[static_cast<unsigned char>(last[2])];
      if (c < 0 || (c & 3) != 0) return std::nullopt;
      *o++ = static_cast<char>((a << 2) | (b >> 4));
      *o++ = static_cast<char>(((b & 15) << 4) | (c >> 2));
    }
  }
  out.resize(static_cast<size_t>(o - out.data()));
  return out;
}

}  // namespace onetable

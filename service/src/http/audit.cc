#include "http/audit.h"

#include <cstdio>

#include "http/access.h"
#include "onetable/utf8.h"
#include "store/store.h"

namespace onetable {
namespace {

constexpr char kRedacted[] = "[redacted]";
constexpr size_t kMaxText = 500;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsTokenChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || IsDigit(c) || c == '-' || c == '_';
}

// A run of digits (an ID number may end in X) shaped like a mobile phone (11 digits from 1, or
// 86 and 11 digits), an ID number (15, or 17 digits and a check character) or longer. 12- and
// 14-digit division and grid codes are kept.
bool PersonalNumber(std::string_view run) {
  const size_t n = run.size();
  const bool x = run.back() == 'X' || run.back() == 'x';
  if (x) return n == 18;
  if (n == 11) return run[0] == '1';
  if (n == 13) return run.compare(0, 3, "861") == 0;
  return n == 15 || n >= 17;
}

bool Numeric(const std::string& text) {
  if (text.empty() || text.size() > 18) return false;
  for (char c : text) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

}  // namespace

std::string ScrubAuditText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    // onetable tokens: ots_... / otk_... followed by token characters.
    if (text.compare(i, 4, "ots_") == 0 || text.compare(i, 4, "otk_") == 0) {
      size_t j = i + 4;
      while (j < text.size() && IsTokenChar(text[j])) ++j;
      out += kRedacted;
      i = j;
      continue;
    }
    if (IsDigit(c)) {
      size_t j = i;
      while (j < text.size() && IsDigit(text[j])) ++j;
      // 17 digits and an X is an ID number; an X after other runs belongs to the text.
      if (j - i == 17 && j < text.size() && (text[j] == 'X' || text[j] == 'x')) ++j;
      const std::string_view run = text.substr(i, j - i);
      if (PersonalNumber(run)) {
        out += kRedacted;
      } else {
        out.append(run.data(), run.size());
      }
      i = j;
      continue;
    }
    out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? ' ' : c);
    ++i;
  }
  if (out.size() > kMaxText) {
    out.resize(utf8::TruncateBytes(out, kMaxText).size());
    out += "...";
  }
  return out;
}

std::string AuditObjectOf(const RequestContext& ctx) {
  std::string out = ctx.request.method;
  if (ctx.route.empty()) return out;
  out += ' ';
  const std::string_view route = ctx.route;
  size_t i = 0;
  while (i < route.size()) {
    if (route[i] == '{') {
      const size_t close = route.find('}', i);
      if (close == std::string_view::npos) break;
      const std::string name(route.substr(i + 1, close - i - 1));
      auto it = ctx.params.find(name);
      if (it != ctx.params.end() && Numeric(it->second)) {
        out += it->second;
      } else {
        out.append(route.data() + i, close - i + 1);
      }
      i = close + 1;
    } else {
      out.push_back(route[i++]);
    }
  }
  return out;
}

Status AuditAs(const RequestContext& ctx, std::string_view user, std::string_view role,
               std::string_view action, std::string_view object, std::string_view result,
               std::string_view detail) {
  const std::string request_id(ctx.request_id);
  if (ctx.store == nullptr) {
    std::fprintf(stderr, "audit: no store for request %s, record %.*s lost\n", request_id.c_str(),
                 static_cast<int>(action.size()), action.data());
    return Status::Internal("audit without a store");
  }
  AuditEntry entry;
  entry.user = std::string(user);
  entry.role = std::string(role);
  entry.source_addr = ctx.request.remote_addr;
  entry.action = std::string(action);
  entry.object = ScrubAuditText(object);
  entry.result = std::string(result);
  entry.request_id = request_id;
  entry.detail = ScrubAuditText(detail);
  Result<int64_t> id = ctx.store->AppendAudit(entry);
  if (!id.ok()) {
    std::fprintf(stderr, "audit: append failed for request %s (%s): %s\n", request_id.c_str(),
                 entry.action.c_str(), id.status().message().c_str());
    return id.status();
  }
  return Status::Ok();
}

Status Audit(const RequestContext& ctx, std::string_view action, std::string_view object,
             std::string_view result, std::string_view detail) {
  const Principal* who = ctx.principal;
  return AuditAs(ctx, who ? std::string_view(who->user) : std::string_view(),
                 who ? std::string_view(who->role) : std::string_view(), action, object, result,
                 detail);
}

}  // namespace onetable

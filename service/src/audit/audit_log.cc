#include "audit/audit_log.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

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

Actor CliActor() {
  Actor actor;
  const char* login = std::getenv("USER");
  if (const passwd* pw = getpwuid(geteuid()); pw != nullptr && pw->pw_name != nullptr) {
    login = pw->pw_name;
  }
  actor.user = std::string(kCliUserPrefix) + (login != nullptr && *login ? login : "?");
  actor.role = kAuditRoleOperator;
  actor.source_addr = "local";
  actor.request_id = "cli-" + std::to_string(getpid());
  return actor;
}

AuditEntry AuditRecord(const Actor& actor, std::string_view action, std::string_view object,
                       std::string_view result, std::string_view detail) {
  AuditEntry entry;
  entry.user = actor.user;
  entry.role = actor.role;
  entry.source_addr = actor.source_addr;
  entry.action = std::string(action);
  entry.object = ScrubAuditText(object);
  entry.result = std::string(result);
  entry.request_id = actor.request_id;
  entry.detail = ScrubAuditText(detail);
  return entry;
}

Status AppendAudit(AuditStore& store, const Actor& actor, std::string_view action,
                   std::string_view object, std::string_view result, std::string_view detail) {
  const AuditEntry entry = AuditRecord(actor, action, object, result, detail);
  Result<int64_t> id = store.AppendAudit(entry);
  if (!id.ok()) {
    std::fprintf(stderr, "audit: append failed for request %s (%s): %s\n", entry.request_id.c_str(),
                 entry.action.c_str(), id.status().message().c_str());
    return id.status();
  }
  return Status::Ok();
}

}  // namespace onetable

#include "audit/audit_export.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <vector>

namespace onetable {
namespace {

constexpr int kPage = 1000;

void Str(rapidjson::Writer<rapidjson::StringBuffer>& w, const char* key, const std::string& v) {
  w.Key(key);
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

bool Digits(const std::string& text, size_t from, size_t count) {
  for (size_t i = from; i < from + count; ++i) {
    if (i >= text.size() || text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}

}  // namespace

Result<std::string> AuditTimeOf(const std::string& text, const std::string& name) {
  const bool date = text.size() >= 10 && Digits(text, 0, 4) && text[4] == '-' &&
                    Digits(text, 5, 2) && text[7] == '-' && Digits(text, 8, 2);
  if (date && text.size() == 10) return text + " 00:00:00";
  if (date && (text.size() == 19 || (text.size() == 20 && text[19] == 'Z')) &&
      (text[10] == 'T' || text[10] == ' ') && Digits(text, 11, 2) && text[13] == ':' &&
      Digits(text, 14, 2) && text[16] == ':' && Digits(text, 17, 2)) {
    return text.substr(0, 10) + " " + text.substr(11, 8);
  }
  return Status::Invalid(name + " 应为 UTC 日期或时间，如 2026-05-01 或 2026-05-01T08:00:00Z");
}

std::string AuditJsonLine(const AuditEntry& e) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("id");
  w.Int64(e.id);
  w.Key("seq");
  w.Int64(e.seq);
  Str(w, "at", e.at);
  Str(w, "user", e.user);
  Str(w, "role", e.role);
  Str(w, "source_addr", e.source_addr);
  Str(w, "action", e.action);
  Str(w, "object", e.object);
  Str(w, "result", e.result);
  Str(w, "request_id", e.request_id);
  Str(w, "detail", e.detail);
  Str(w, "mac", e.mac);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

Result<int64_t> ExportAudit(AuditStore& store, const std::string& since, const std::string& until,
                            int64_t through_seq,
                            const std::function<bool(const std::string&)>& out) {
  ASSIGN_OR_RETURN(AuditChainState chain, store.GetAuditChain());
  const Status stopped = Status::Internal("审计日志导出被中断（写出失败）");
  int64_t count = 0;
  // Legacy records (before the chain) first, by id; then the chain, by seq.
  AuditQuery legacy;
  legacy.since = since;
  legacy.until = until;
  legacy.limit = kPage;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<AuditEntry> page, store.ListAudit(legacy));
    bool chained = false;
    for (const AuditEntry& e : page) {
      legacy.after_id = e.id;
      if (e.seq != 0) {
        chained = true;
        break;
      }
      if (!out(AuditJsonLine(e))) return stopped;
      ++count;
    }
    if (chained || static_cast<int>(page.size()) < kPage) break;
  }
  int64_t after = chain.anchor.seq;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<AuditEntry> page, store.ListAuditChain(after, kPage));
    bool done = static_cast<int>(page.size()) < kPage;
    for (const AuditEntry& e : page) {
      after = e.seq;
      if (through_seq > 0 && e.seq > through_seq) {
        done = true;
        break;
      }
      if (!since.empty() && e.at < since) continue;
      if (!until.empty() && e.at >= until) continue;
      if (!out(AuditJsonLine(e))) return stopped;
      ++count;
    }
    if (done) break;
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("chain");
  w.StartObject();
  w.Key("head_seq");
  w.Int64(chain.head.seq);
  Str(w, "head_mac", chain.head.mac);
  w.Key("anchor_seq");
  w.Int64(chain.anchor.seq);
  w.EndObject();
  w.EndObject();
  if (!out(std::string(buffer.GetString(), buffer.GetSize()) + "\n")) return stopped;
  return count;
}

}  // namespace onetable

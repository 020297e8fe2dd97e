#include "http/denial_audit.h"

#include "auth/authenticator.h"

namespace onetable {
namespace {

std::string KeyOf(const DenialAudit::Kind& kind) {
  // Unit separators: none of the parts can hold one (addresses, account names, route patterns).
  return kind.address + '\x1f' + kind.user + '\x1f' + kind.route + '\x1f' +
         std::to_string(kind.status);
}

}  // namespace

DenialAudit::Decision DenialAudit::Note(const Kind& kind, int64_t now) {
  Decision decision;
  const std::string key = KeyOf(kind);
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = windows_.find(key);
  if (it != windows_.end() && now - it->second.started < window_) {
    ++it->second.suppressed;
    it->second.last = now;
    decision.record_this = false;
    return decision;
  }
  if (it != windows_.end()) {
    Window& w = it->second;
    if (w.suppressed > 0)
      decision.summaries.push_back(Summary{w.kind, w.suppressed, w.started, w.last});
    w = Window{kind, now, now, 0};
    return decision;
  }
  if (windows_.size() < max_kinds_) windows_[key] = Window{kind, now, now, 0};
  return decision;
}

std::vector<DenialAudit::Summary> DenialAudit::TakeExpired(int64_t now) {
  std::vector<Summary> out;
  std::lock_guard<std::mutex> lock(mutex_);
  if (now == last_sweep_) return out;
  last_sweep_ = now;
  for (auto it = windows_.begin(); it != windows_.end();) {
    const Window& w = it->second;
    if (now - w.started < window_) {
      ++it;
      continue;
    }
    if (w.suppressed > 0) out.push_back(Summary{w.kind, w.suppressed, w.started, w.last});
    it = windows_.erase(it);
  }
  return out;
}

std::vector<DenialAudit::Summary> DenialAudit::TakeAll() {
  std::vector<Summary> out;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [key, w] : windows_) {
    if (w.suppressed > 0) out.push_back(Summary{w.kind, w.suppressed, w.started, w.last});
  }
  windows_.clear();
  return out;
}

std::string DenialAudit::Detail(const Summary& s) {
  return "repeated count=" + std::to_string(s.count) + " status=" + std::to_string(s.kind.status) +
         " from=" + IsoTime(s.first_at) + " to=" + IsoTime(s.last_at);
}

}  // namespace onetable

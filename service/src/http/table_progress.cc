#include "http/table_progress.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

#include "http/json_writer.h"
#include "http/register_handlers.h"
#include "http/register_request.h"

namespace onetable {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kKeepAfterEnd = std::chrono::minutes(5);
constexpr size_t kMaxEntries = 1000;

int64_t MsSince(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

class Registry {
 public:
  static Registry& Get() {
    static Registry* r = new Registry();
    return *r;
  }
  std::shared_ptr<TableProgressEntry> Start(const std::string& user, const std::string& token) {
    std::lock_guard<std::mutex> lock(mu_);
    Forget();
    auto entry = std::make_shared<TableProgressEntry>();
    entries_[{user, token}] = entry;
    return entry;
  }
  std::shared_ptr<TableProgressEntry> Find(const std::string& user, const std::string& token) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find({user, token});
    return it == entries_.end() ? nullptr : it->second;
  }

 private:
  // Drops entries that ended long ago, and the oldest when there are too many.
  void Forget() {
    for (auto it = entries_.begin(); it != entries_.end();) {
      const TableProgressEntry& e = *it->second;
      const bool stale = e.done.load() &&
                         MsSince(e.started) - e.ended_ms.load() >
                             std::chrono::duration_cast<std::chrono::milliseconds>(kKeepAfterEnd)
                                 .count();
      it = stale ? entries_.erase(it) : std::next(it);
    }
    while (entries_.size() >= kMaxEntries) {
      auto oldest = entries_.begin();
      for (auto it = entries_.begin(); it != entries_.end(); ++it) {
        if (it->second->started < oldest->second->started) oldest = it;
      }
      entries_.erase(oldest);
    }
  }

  std::mutex mu_;
  std::map<std::pair<std::string, std::string>, std::shared_ptr<TableProgressEntry>> entries_;
};

class Counting : public mapping::TableSink {
 public:
  Counting(mapping::TableSink* target, std::shared_ptr<TableProgressEntry> entry)
      : target_(target), entry_(std::move(entry)) {}
  ~Counting() override { Finish(); }
  Status Begin(const mapping::TableMeta& meta) override { return target_->Begin(meta); }
  Status Row(const std::vector<std::string>& cells) override {
    RETURN_IF_ERROR(Check());
    ++entry_->rows;
    return target_->Row(cells);
  }
  Status TotalRow(const std::vector<std::string>& cells) override {
    RETURN_IF_ERROR(Check());
    return target_->TotalRow(cells);
  }
  Status End() override {
    RETURN_IF_ERROR(Check());
    Status st = target_->End();
    Finish();
    return st;
  }

 private:
  Status Check() const {
    if (entry_->cancelled.load()) return Status::Precondition("已取消下载");
    return Status::Ok();
  }
  void Finish() {
    if (entry_->done.exchange(true)) return;
    entry_->ended_ms = std::max<int64_t>(1, MsSince(entry_->started));
  }

  mapping::TableSink* target_;
  std::shared_ptr<TableProgressEntry> entry_;
};

// The caller's entry for the {token} of the route, or the error answer.
bool FindEntry(const RequestContext& ctx, const ServiceContext& service,
               std::shared_ptr<TableProgressEntry>* entry, HttpResponse* error) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kRunTables);
  if (!who.ok()) {
    *error = StatusToHttp(who.status());
    return false;
  }
  const std::string& token = ctx.params.at("token");
  if (!IsProgressToken(token)) {
    *error = BadParameter("token", "进度令牌应为 8–64 个字母、数字、- 或 _");
    return false;
  }
  *entry = Registry::Get().Find((*who)->user, token);
  if (*entry == nullptr) {
    *error = StatusToHttp(Status::NotFound("没有这个下载的进度（可能已结束较久）"));
    return false;
  }
  return true;
}

HttpResponse HandleProgress(const RequestContext& ctx, const ServiceContext& service) {
  std::shared_ptr<TableProgressEntry> entry;
  HttpResponse error;
  if (!FindEntry(ctx, service, &entry, &error)) return error;
  JsonWriter w;
  w.StartObject();
  w.Key("rows").Int(entry->rows.load());
  w.Key("done").Bool(entry->done.load());
  w.Key("cancelled").Bool(entry->cancelled.load());
  const int64_t ended = entry->ended_ms.load();
  w.Key("elapsed_ms").Int(ended > 0 ? ended : MsSince(entry->started));
  w.EndObject();
  return JsonResponse(w.Take());
}

HttpResponse HandleCancel(const RequestContext& ctx, const ServiceContext& service) {
  std::shared_ptr<TableProgressEntry> entry;
  HttpResponse error;
  if (!FindEntry(ctx, service, &entry, &error)) return error;
  entry->cancelled = true;
  HttpResponse response = JsonResponse(R"({"status":"cancelling"})");
  response.status = 202;
  return response;
}

}  // namespace

bool IsProgressToken(const std::string& token) {
  if (token.size() < 8 || token.size() > 64) return false;
  for (char c : token) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::shared_ptr<TableProgressEntry> StartTableProgress(const std::string& user,
                                                       const std::string& token) {
  return Registry::Get().Start(user, token);
}

std::unique_ptr<mapping::TableSink> CountingSink(mapping::TableSink* target,
                                                 std::shared_ptr<TableProgressEntry> entry) {
  return std::make_unique<Counting>(target, std::move(entry));
}

Status RegisterTableProgressRoutes(Router* router, const ServiceContext& service) {
  const ServiceContext* s = &service;
  RETURN_IF_ERROR(router->Add("GET", "/api/v1/table-progress/{token}",
                              RouteDoc("报表下载的进度：已生成行数、是否结束、已用时间"),
                              [s](const RequestContext& ctx) { return HandleProgress(ctx, *s); }));
  return router->Add("POST", "/api/v1/table-progress/{token}/cancel",
                     RouteDoc("取消进行中的报表下载"),
                     [s](const RequestContext& ctx) { return HandleCancel(ctx, *s); });
}

}  // namespace onetable

#include "http/table_progress.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
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
constexpr int64_t kForgetRowsAfterMs = 30 * 60 * 1000;

int64_t WallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

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
  Counting(mapping::TableSink* target, std::shared_ptr<TableProgress> progress)
      : target_(target), progress_(std::move(progress)), last_report_(Clock::now()) {}
  ~Counting() override { Finish(); }
  Status Begin(const mapping::TableMeta& meta) override { return target_->Begin(meta); }
  Status Row(const std::vector<std::string>& cells) override {
    RETURN_IF_ERROR(Check());
    const int64_t rows = ++progress_->entry->rows;
    if (progress_->board != nullptr &&
        (rows == 1 || rows - reported_rows_ >= kProgressReportRows ||
         Clock::now() - last_report_ >= kProgressReportEvery)) {
      Report(0);
      RETURN_IF_ERROR(Check());
    }
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
    if (progress_->entry->cancelled.load()) return Status::Precondition("已取消下载");
    return Status::Ok();
  }
  // Writes the rows so far to the shared row and reads its cancel flag. A failed write loses
  // only the progress shown elsewhere, never the download.
  void Report(int64_t ended_ms) {
    TableProgressEntry& e = *progress_->entry;
    reported_rows_ = e.rows.load();
    last_report_ = Clock::now();
    Result<bool> cancelled = progress_->board->ReportProgress(
        progress_->user, progress_->token, reported_rows_, WallMs(), ended_ms);
    if (cancelled.ok() && *cancelled) e.cancelled = true;
  }
  void Finish() {
    TableProgressEntry& e = *progress_->entry;
    if (e.done.exchange(true)) return;
    e.ended_ms = std::max<int64_t>(1, MsSince(e.started));
    if (progress_->board != nullptr) {
      Report(std::max<int64_t>(progress_->started_ms + 1, WallMs()));
      progress_->board.reset();  // the connection goes back as soon as the table ends
    }
  }

  mapping::TableSink* target_;
  std::shared_ptr<TableProgress> progress_;
  int64_t reported_rows_ = 0;
  Clock::time_point last_report_;
};

// What one download's progress is, as this instance and the store know it.
struct ProgressView {
  std::shared_ptr<TableProgressEntry> local;  // null: the download runs elsewhere
  std::optional<ProgressRecord> shared;       // nullopt: no row (or no store)
  const Principal* who = nullptr;
};

// The caller's download for the {token} of the route, or the error answer.
bool FindProgress(const RequestContext& ctx, const ServiceContext& service, ProgressView* view,
                  HttpResponse* error) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kRunTables);
  if (!who.ok()) {
    *error = StatusToHttp(who.status());
    return false;
  }
  view->who = *who;
  const std::string& token = ctx.params.at("token");
  if (!IsProgressToken(token)) {
    *error = BadParameter("token", "进度令牌应为 8–64 个字母、数字、- 或 _");
    return false;
  }
  view->local = Registry::Get().Find((*who)->user, token);
  if (ctx.store != nullptr) {
    Result<std::optional<ProgressRecord>> row = ctx.store->GetProgress((*who)->user, token);
    if (!row.ok()) {
      *error = StatusToHttp(row.status());
      return false;
    }
    view->shared = std::move(*row);
  }
  if (view->local == nullptr && !view->shared.has_value()) {
    *error = StatusToHttp(Status::NotFound("没有这个下载的进度（可能已结束较久）"));
    return false;
  }
  return true;
}

HttpResponse HandleProgress(const RequestContext& ctx, const ServiceContext& service) {
  ProgressView view;
  HttpResponse error;
  if (!FindProgress(ctx, service, &view, &error)) return error;
  int64_t rows = 0, elapsed = 0;
  bool done = false, cancelled = false;
  if (view.shared.has_value()) {
    const ProgressRecord& r = *view.shared;
    rows = r.rows;
    done = r.ended_ms > 0;
    cancelled = r.cancelled;
    elapsed = std::max<int64_t>(1, (done ? r.ended_ms : WallMs()) - r.started_ms);
  }
  if (view.local != nullptr) {  // this instance runs it: its count is the newest
    const TableProgressEntry& e = *view.local;
    rows = std::max(rows, e.rows.load());
    done = done || e.done.load();
    cancelled = cancelled || e.cancelled.load();
    const int64_t ended = e.ended_ms.load();
    elapsed = ended > 0 ? ended : MsSince(e.started);
  }
  JsonWriter w;
  w.StartObject();
  w.Key("rows").Int(rows);
  w.Key("done").Bool(done);
  w.Key("cancelled").Bool(cancelled);
  w.Key("elapsed_ms").Int(elapsed);
  w.EndObject();
  return JsonResponse(w.Take());
}

HttpResponse HandleCancel(const RequestContext& ctx, const ServiceContext& service) {
  ProgressView view;
  HttpResponse error;
  if (!FindProgress(ctx, service, &view, &error)) return error;
  if (view.local != nullptr) view.local->cancelled = true;
  if (view.shared.has_value()) {
    Result<bool> marked = ctx.store->CancelProgress(view.who->user, ctx.params.at("token"));
    if (!marked.ok()) return StatusToHttp(marked.status());
  }
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

std::shared_ptr<TableProgress> StartTableProgress(const ServiceContext& service,
                                                  const std::string& user,
                                                  const std::string& token) {
  auto progress = std::make_shared<TableProgress>();
  progress->user = user;
  progress->token = token;
  progress->entry = Registry::Get().Start(user, token);
  progress->started_ms = WallMs();
  if (!service.open_store) return progress;
  Result<std::unique_ptr<Store>> board = service.open_store();
  if (!board.ok()) return progress;
  ProgressRecord row;
  row.owner = user;
  row.token = token;
  row.started_ms = progress->started_ms;
  row.updated_ms = progress->started_ms;
  if ((*board)->StartProgress(row, progress->started_ms - kForgetRowsAfterMs).ok()) {
    progress->board = std::move(*board);
  }
  return progress;
}

std::unique_ptr<mapping::TableSink> CountingSink(mapping::TableSink* target,
                                                 std::shared_ptr<TableProgress> progress) {
  return std::make_unique<Counting>(target, std::move(progress));
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

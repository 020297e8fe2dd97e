#include "retention/retention_run.h"

#include <unistd.h>

#include <ctime>
#include <iostream>
#include <random>

#include "store/store_url.h"

namespace onetable {
namespace {

constexpr char kLease[] = "retention";
constexpr int64_t kLeaseSeconds = 600;

std::string Holder() {
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  std::random_device rd;
  return std::string(host) + ":" + std::to_string(::getpid()) + ":" + std::to_string(rd() % 100000);
}

Result<std::unique_ptr<SqlConnection>> Connect(const std::string& store_url) {
  ASSIGN_OR_RETURN(StoreUrl url, ParseStoreUrl(store_url));
  if (url.scheme == "sqlite") return OpenSqlite(url.sqlite_path);
  return OpenMysql(url.mysql);
}

}  // namespace

Result<RetentionCounts> RunRetention(Store& store, const Actor& actor, const RetentionRequest& r) {
  const int64_t now = r.now ? r.now : static_cast<int64_t>(std::time(nullptr));
  const std::string cutoff = RetentionCutoff(now, r.days);
  ASSIGN_OR_RETURN(std::unique_ptr<SqlConnection> db, Connect(r.store_url));
  if (r.dry_run) return PurgeExpired(*db, cutoff, true);
  const std::string holder = Holder();
  ASSIGN_OR_RETURN(LeaseClaim claim, store.AcquireLease(kLease, holder, now, kLeaseSeconds));
  if (!claim.granted) {
    return Status::Busy("保留期清理正由 " + claim.current.holder + " 运行，请稍后再试");
  }
  Result<RetentionCounts> counts = PurgeExpired(*db, cutoff, false);
  store.ReleaseLease(kLease, holder).IgnoreError();
  if (!counts.ok()) {
    AppendAudit(store, actor, kAuditRetentionPurge, "retention", kAuditFailed, "before=" + cutoff)
        .IgnoreError();
    return counts;
  }
  if (counts->total() > 0 || r.audit_nothing) {
    RETURN_IF_ERROR(AppendAudit(store, actor, kAuditRetentionPurge, "retention", kAuditOk,
                                AuditDetailOf(*counts, cutoff)));
  }
  return counts;
}

RetentionScheduler::RetentionScheduler(StoreFactory open_store, RetentionRequest request,
                                       std::chrono::milliseconds period)
    : open_store_(std::move(open_store)),
      request_(std::move(request)),
      period_(period),
      thread_([this] { Loop(); }) {}

RetentionScheduler::~RetentionScheduler() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

int64_t RetentionScheduler::ticks() const {
  std::lock_guard<std::mutex> lock(mu_);
  return ticks_;
}

void RetentionScheduler::Loop() {
  const Actor actor{"system:retention", kAuditRoleOperator, "local", ""};
  while (true) {
    Result<std::unique_ptr<Store>> store = open_store_();
    if (!store.ok()) {
      std::cerr << "保留期清理：无法打开登记库：" << store.status().message() << "\n";
    } else {
      RetentionRequest r = request_;
      r.audit_nothing = false;
      Result<RetentionCounts> counts = RunRetention(**store, actor, r);
      if (!counts.ok()) {
        if (counts.status().code() != StatusCode::kBusy) {
          std::cerr << "保留期清理：" << counts.status().message() << "\n";
        }
      } else if (counts->total() > 0) {
        std::cerr << "保留期清理：已清除超过 " << r.days << " 天的" << DescribeCounts(*counts)
                  << "\n";
      }
    }
    std::unique_lock<std::mutex> lock(mu_);
    ++ticks_;
    if (wake_.wait_for(lock, period_, [this] { return stop_; })) return;
  }
}

}  // namespace onetable

#include "delivery/delivery_run.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <memory>
#include <optional>
#include <random>
#include <thread>

#include "delivery/batch_content.h"
#include "delivery/change_planner.h"
#include "delivery/change_scope.h"
#include "delivery/delivery_target.h"
#include "mapping/table_run.h"
#include "store/sql_store.h"

namespace onetable {
namespace {

std::string NewHolder() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') std::snprintf(host, 8, "unknown");
  std::random_device rd;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(rd()));
  return std::string(host) + ":" + std::to_string(getpid()) + ":" + suffix;
}

std::string IsoUtc(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The delivery's run lease for one run: renewed at most once per clock second, released when
// destroyed (best effort: it expires anyway).
class DeliveryLease {
 public:
  DeliveryLease(Store& store, const std::string& id, const DeliveryRunOptions& options)
      : store_(store),
        id_(id),
        name_(DeliveryLeaseName(id)),
        holder_(options.lease_holder.empty() ? NewHolder() : options.lease_holder),
        ttl_(options.lease_ttl_seconds > 0 ? options.lease_ttl_seconds : 60),
        clock_(options.clock) {}
  ~DeliveryLease() {
    if (held_) store_.ReleaseLease(name_, holder_).IgnoreError();
  }

  Status Acquire() {
    last_ = Now();
    ASSIGN_OR_RETURN(LeaseClaim claim, store_.AcquireLease(name_, holder_, last_, ttl_));
    if (!claim.granted) {
      return Status::Busy("推送 " + id_ + " 正由 " + claim.current.holder + " 运行（自 " +
                          UtcTimestamp(claim.current.acquired_at) + " 起），请稍后再试");
    }
    held_ = true;
    return Status::Ok();
  }

  Status Renew() {
    const int64_t now = Now();
    if (now == last_) return Status::Ok();
    Status st = store_.RenewLease(name_, holder_, now, ttl_);
    if (st.code() == StatusCode::kFailedPrecondition) {
      held_ = false;
      return Status::Busy("推送 " + id_ + " 的运行租约已过期并被另一次运行接管（" + st.message() +
                          "），本次运行已停止；已确认的批次保留");
    }
    if (st.ok()) last_ = now;
    return st;
  }

  int64_t Now() const { return clock_ ? clock_() : static_cast<int64_t>(std::time(nullptr)); }

 private:
  Store& store_;
  std::string id_, name_, holder_;
  int64_t ttl_;
  std::function<int64_t()> clock_;
  int64_t last_ = 0;
  bool held_ = false;
};

// Sends batches with retries and records every attempt and acknowledgement.
class Sender {
 public:
  Sender(Store& store, const DeliverySpec& spec, DeliveryTarget& target, DeliveryLease& lease,
         const DeliveryRunOptions& options, DeliveryOutcome* out)
      : store_(store),
        spec_(spec),
        target_(target),
        lease_(lease),
        options_(options),
        out_(out),
        rng_(std::random_device{}()) {}

  // OK once acknowledged; kUnavailable after the retries; kFailedPrecondition when refused.
  Status Send(DeliveryBatch& batch) {
    const RetrySpec& retry = spec_.target.retry;
    for (int attempt = 1;; ++attempt) {
      RETURN_IF_ERROR(lease_.Renew());
      SendResult r = target_.Send(spec_.id, batch);
      ++batch.attempts;
      ++out_->attempts;
      if (r.kind == SendResult::kAcked) {
        std::vector<DeliveryKeyState> upserts;
        std::vector<std::string> deletes;
        RETURN_IF_ERROR(ParseBatchState(batch.state, &upserts, &deletes));
        RETURN_IF_ERROR(
            store_.AckDeliveryBatch(batch.id, batch.attempts, r.message, r.code, upserts, deletes));
        ++out_->batches;
        out_->upserts += batch.upserts;
        out_->deletes += batch.deletes;
        return Status::Ok();
      }
      const bool refused = r.kind == SendResult::kRefused;
      RETURN_IF_ERROR(store_.RecordDeliveryAttempt(batch.id, refused ? kBatchFailed : kBatchPending,
                                                   batch.attempts, r.message, r.code));
      const std::string which = "第 " + std::to_string(batch.seq) + " 批";
      if (refused) {
        ++out_->failed_batches;
        return Status::Precondition("推送 " + spec_.id + " 的" + which + "被拒收：" + r.message +
                                    "。修正后请在网页上点“重试”或运行 onetable deliver --retry " +
                                    spec_.id);
      }
      if (attempt >= retry.attempts) {
        return Status::Unavailable("推送 " + spec_.id + " 的" + which + "未能送达（本次共尝试 " +
                                   std::to_string(attempt) + " 次）：" + r.message +
                                   "；下次运行将以同一幂等键重发");
      }
      std::uniform_real_distribution<double> jitter(0.0, 1.0);
      const int64_t delay = RetryDelayMs(retry, attempt, r.retry_after_ms, jitter(rng_));
      if (options_.on_retry) options_.on_retry(batch, r.message, delay);
      RETURN_IF_ERROR(Wait(delay));
    }
  }

 private:
  Status Wait(int64_t ms) {
    if (options_.sleep) {
      options_.sleep(ms);
      return lease_.Renew();
    }
    // Sleep in slices, renewing the lease, so a long Retry-After does not let it lapse.
    while (ms > 0) {
      if (options_.stopping && options_.stopping()) {
        return Status::Unavailable("服务正在停止：推送 " + spec_.id + " 未送达的批次留待下次运行");
      }
      const int64_t slice = std::min<int64_t>(ms, 200);
      std::this_thread::sleep_for(std::chrono::milliseconds(slice));
      ms -= slice;
      RETURN_IF_ERROR(lease_.Renew());
    }
    return Status::Ok();
  }

  Store& store_;
  const DeliverySpec& spec_;
  DeliveryTarget& target_;
  DeliveryLease& lease_;
  const DeliveryRunOptions& options_;
  DeliveryOutcome* out_;
  std::mt19937_64 rng_;
};

// The principal whose table is delivered: the account, or the operator.
Result<Principal> PrincipalFor(Store& store, const DeliverySpec& spec, const Actor& actor) {
  if (spec.account.empty()) return OperatorPrincipal(actor.user);
  Result<User> user = store.GetUser(spec.account);
  if (!user.ok()) {
    if (user.status().code() != StatusCode::kNotFound) return user.status();
    return Status::Invalid(spec.file + ": account “" + spec.account + "” 不存在");
  }
  if (user->disabled) return Status::Invalid(spec.file + ": account “" + spec.account + "” 已停用");
  std::optional<Role> role = ParseRole(user->role);
  if (!role) return Status::Invalid(spec.file + ": account “" + spec.account + "” 的角色无法识别");
  Principal p;
  p.user_id = user->id;
  p.user = user->name;
  p.role = *role;
  p.scopes = user->scopes;
  p.grants = user->grants;
  p.via = "delivery";
  return p;
}

const char* NotStartedWord(const Status& st) {
  switch (st.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
      return "not started: invalid_spec";
    case StatusCode::kPermissionDenied:
      return "not started: denied";
    case StatusCode::kBusy:
      return "not started: busy";
    case StatusCode::kFailedPrecondition:
      return "not started: failed_batch";
    default:
      return "not started: store";
  }
}

}  // namespace

std::string DeliveryLeaseName(const std::string& id) { return "delivery:" + id; }
std::string DeliveryAuditObject(const std::string& id) { return "delivery/" + id; }

bool DeliveryDue(const DeliverySpec& spec, const DeliveryControl& control, int64_t now) {
  if (spec.every_seconds <= 0 || control.paused) return false;
  return control.last_run_at == 0 || now >= control.last_run_at + spec.every_seconds;
}

DeliveryOutcome RunDelivery(Store& store, const AppContext& app, const Actor& actor,
                            const DeliveryEntry& entry, const DeliveryRunOptions& options) {
  DeliveryOutcome out;
  out.delivery = entry.id;
  const std::string object = DeliveryAuditObject(entry.id);
  auto audited = [&](const std::string& detail) {
    Status st = AppendAudit(store, actor, kAuditDeliveryRun, object,
                            out.status.ok() ? kAuditOk : kAuditFailed, detail);
    if (out.status.ok() && !st.ok()) out.status = st;
    return out;
  };
  auto counts = [&]() {
    return "batches=" + std::to_string(out.batches) + " resent=" + std::to_string(out.resent) +
           " upserts=" + std::to_string(out.upserts) + " deletes=" + std::to_string(out.deletes) +
           " attempts=" + std::to_string(out.attempts) + " rows=" + std::to_string(out.rows);
  };
  if (!entry.spec) {
    out.status =
        entry.problem.ok() ? Status::Invalid(entry.path + ": 推送配置有误") : entry.problem;
    return audited(NotStartedWord(out.status));
  }
  const DeliverySpec& spec = *entry.spec;

  DeliveryLease lease(store, spec.id, options);
  out.status = lease.Acquire();
  if (!out.status.ok()) {
    if (out.status.code() == StatusCode::kBusy && options.only_if_due) {
      out.status = Status::Ok();  // the schedule: another instance runs it
      return out;
    }
    return audited(NotStartedWord(out.status));
  }
  Result<DeliveryControl> control = store.GetDeliveryControl(spec.id);
  if (!control.ok()) {
    out.status = control.status();
    return audited(NotStartedWord(out.status));
  }
  if (options.only_if_due && !DeliveryDue(spec, *control, lease.Now())) return out;
  if (control->paused) {
    out.paused = true;
    out.status = Status::Precondition(
        "推送 " + spec.id + " 已暂停：请先在网页上恢复，或运行 onetable deliver --resume " +
        spec.id);
    return audited("not started: paused");
  }
  out.ran = true;
  // The run's end goes to the control row whatever happened after this point.
  auto finish = [&](const std::string& detail) {
    store.RecordDeliveryRun(spec.id, lease.Now(), out.status.ok() ? "" : out.status.message())
        .IgnoreError();  // best effort: the audit record below still tells
    return audited(detail);
  };

  Result<DeliveryTargetSpec> resolved = ResolveTarget(spec);
  if (!resolved.ok()) {
    out.status = resolved.status();
    return finish(NotStartedWord(out.status));
  }
  DeliverySpec effective = spec;
  effective.target = *resolved;
  Result<std::unique_ptr<DeliveryTarget>> target = OpenDeliveryTarget(*resolved, spec.key);
  if (!target.ok()) {
    out.status = target.status();
    return finish(NotStartedWord(out.status));
  }
  Sender sender(store, effective, **target, lease, options, &out);

  // A refused batch blocks the delivery until someone retries it.
  Result<int64_t> failed = store.CountDeliveryBatches(spec.id, kBatchFailed, nullptr);
  if (!failed.ok() || *failed > 0) {
    out.status = failed.ok()
                     ? Status::Precondition("推送 " + spec.id + " 有 " + std::to_string(*failed) +
                                            " 批被目标拒收，未继续推送：修正后请重试（网页上的“重试"
                                            "”或 onetable deliver --retry " +
                                            spec.id + "）")
                     : failed.status();
    out.failed_batches = failed.ok() ? *failed : 0;
    return finish(NotStartedWord(out.status));
  }

  // 3. What an earlier run planned and did not get acknowledged goes first, unchanged.
  int64_t after = 0;
  while (out.status.ok()) {
    Result<std::vector<DeliveryBatch>> pending =
        store.ListDeliveryBatches(spec.id, kBatchPending, after, 50, true);
    if (!pending.ok()) {
      out.status = pending.status();
      break;
    }
    if (pending->empty()) break;
    for (DeliveryBatch& b : *pending) {
      after = b.seq;
      out.status = sender.Send(b);
      if (!out.status.ok()) break;
      ++out.resent;
    }
  }
  if (!out.status.ok()) return finish(counts());

  // 4. Plan the changes against the acknowledged state, then store and send batch by batch.
  Result<Principal> who = PrincipalFor(store, spec, actor);
  if (!who.ok()) {
    out.status = who.status();
    return finish(counts());
  }
  TableRunRequest request;
  request.mapping_id = spec.mapping;
  request.params.scope = spec.scope;
  request.params.as_of = spec.as_of;
  request.format_name = "json";
  // Read before anything else: a change committed from here on is read again next time.
  // The store stamps changes with the system clock (NowUtc), whatever clock the lease uses.
  const std::string changes_from =
      UtcTimestamp(static_cast<int64_t>(std::time(nullptr)) - kChangeMargin);
  Result<TableRun> run = TableRun::Start(store, app, actor, *who, request);
  if (!run.ok()) {
    out.status = run.status();
    return finish(counts());
  }
  const Date today = Today();
  Result<Date> as_of = mapping::ResolveAsOf(run->spec(), spec.as_of, today);
  Result<std::string> fingerprint =
      as_of.ok() ? DeliveryFingerprint(app, spec, run->spec(), *who, *as_of, today)
                 : Result<std::string>(as_of.status());
  if (!fingerprint.ok()) {
    out.status = run->Fail(store, fingerprint.status());
    return finish(counts());
  }
  Result<DeliveryBasis> basis = store.GetDeliveryBasis(spec.id);
  if (!basis.ok() && basis.status().code() != StatusCode::kNotFound) {
    out.status = basis.status();
    return finish(counts());
  }
  ChangeScope scope;
  scope.why = "deliver --full";
  if (!options.full) {
    Result<ChangeScope> found =
        FindChangeScope(store, app, spec, run->spec(), *as_of, basis.ok() ? &*basis : nullptr,
                        *fingerprint, lease.Now(), options.incremental_limit);
    if (!found.ok()) {
      out.status = found.status();
      return finish(counts());
    }
    scope = std::move(*found);
  }
  out.incremental = !scope.full;
  out.full_reason = scope.full ? scope.why : "";

  ChangePlanner planner(run->spec(), spec.key);
  if (scope.full) {
    out.status = planner.LoadState(store, spec.id);
  } else {
    run->mutable_params().only_ids = scope.persons;
    planner.SetIncremental(scope.persons);
  }
  run->mutable_params().row_key = [&planner](int64_t id) { planner.SetRowId(id); };
  if (out.status.ok()) {
    // Nobody changed: nothing to generate (an empty only_ids would mean every row).
    out.status = !scope.full && scope.persons.empty()
                     ? planner.Begin(mapping::MetaOf(run->spec(), "", *as_of))
                     : run->Generate(store, &planner).status();
  }
  if (out.status.ok()) out.status = planner.Finish(store, spec.id);
  out.rows = planner.rows();
  out.unchanged = planner.unchanged();
  out.blank_keys = planner.blank_keys();
  if (!out.status.ok()) return finish(counts());

  Result<int64_t> last = store.LastDeliverySeq(spec.id);
  if (!last.ok()) {
    out.status = last.status();
    return finish(counts());
  }
  int64_t seq = *last;
  BatchHeader header;
  header.delivery = spec.id;
  header.mapping = spec.mapping;
  header.generated_at = IsoUtc(lease.Now());
  header.columns = planner.columns();
  out.status = planner.Batches(
      resolved->batch,
      [&](const std::vector<std::string>& changes, const std::vector<std::string>& states,
          int64_t upserts, int64_t deletes) -> Status {
        DeliveryBatch batch;
        batch.delivery = spec.id;
        batch.seq = header.seq = ++seq;
        batch.upserts = upserts;
        batch.deletes = deletes;
        batch.body = BatchBody(header, changes);
        batch.state = BatchState(states);
        RETURN_IF_ERROR(store.AddDeliveryBatch(&batch));  // stored before it is ever sent
        if (options.on_stored) options.on_stored(batch);
        return sender.Send(batch);
      });
  // Every change of this plan is acknowledged: the next run may start from it.
  if (out.status.ok()) {
    DeliveryBasis next;
    next.fingerprint = *fingerprint;
    next.changes_from = changes_from;
    next.full_at = scope.full ? lease.Now() : basis->full_at;
    out.status = store.SetDeliveryBasis(spec.id, next);
  }
  return finish(counts() + (out.incremental ? " incremental" : " full"));
}

}  // namespace onetable

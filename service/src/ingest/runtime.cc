#include "ingest/runtime.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <random>
#include <set>
#include <unordered_set>

#include "ingest/content_hash.h"
#include "ingest/identity.h"
#include "ingest/record_applier.h"
#include "ingest/record_mapper.h"
#include "model/sha256.h"
#include "store/sql_store.h"  // NowUtc

namespace onetable {
namespace {

// source_record.record_key holds at most 255 characters in MySQL; longer keys (an address) are
// replaced by their digest.
constexpr size_t kMaxRecordKey = 200;

std::string KeyOf(const MappedRecord& m, const SourceRow& row) {
  std::string key = m.identity_key;
  if (key.empty()) key = row.record_key;
  if (key.empty()) key = row.location + ":" + std::to_string(row.row);
  if (key.size() > kMaxRecordKey) key = "sha256:" + Sha256Hex(key);
  return key;
}

// Runs one batch: everything it writes is in the caller's transaction.
class BatchWriter {
 public:
  BatchWriter(Store* store, const ConnectorSpec& spec, RecordMapper* mapper, RecordApplier* applier,
              std::unordered_set<std::string>* seen_keys, std::vector<std::string>* new_keys,
              ImportRun* run)
      : store_(store),
        spec_(spec),
        mapper_(mapper),
        applier_(applier),
        seen_keys_(seen_keys),
        new_keys_(new_keys),
        run_(run) {}

  void Count(const std::string& problem) { ++run_->problems[problem]; }

  Status Quarantine(const std::string& location, int64_t row, const std::string& column,
                    const std::string& reason, const std::string& raw) {
    QuarantinedRow q;
    q.run_id = run_->id;
    q.source = spec_.id;
    q.location = location;
    q.row = row;
    q.column = column;
    q.reason = reason;
    q.raw = raw;
    return store_->AddQuarantine(q).status();
  }

  Status Rejected(const RejectedRow& r) {
    ++run_->read;
    ++run_->rejected;
    Count(kProblemUnreadableRow);
    return Quarantine(r.location, r.row, r.column, r.reason, r.raw);
  }

  // The records of one batch attempt, in order. What they look up is read ahead in one query
  // per key kind: their kept source records, then (RecordApplier::BeginBatch) the persons of
  // the ones that changed.
  Status Records(const std::vector<SourceRow>& rows) {
    std::vector<Pending> pending;
    pending.reserve(rows.size());
    std::vector<std::string> keys;
    for (const SourceRow& row : rows) {
      Pending p{&row, mapper_->Map(row), RecordJson(row.fields), ""};
      if (p.mapped.issues.empty() && !p.mapped.values.empty()) {
        p.key = KeyOf(p.mapped, row);
        keys.push_back(p.key);
      }
      pending.push_back(std::move(p));
    }
    ASSIGN_OR_RETURN(auto kept, store_->GetSourceRecords(spec_.id, keys));
    std::vector<const MappedRecord*> changed;
    for (Pending& p : pending) {
      if (p.key.empty()) continue;
      p.hash = RecordHash(p.row->fields, spec_.fingerprint);
      auto it = kept.find(p.key);
      if (it == kept.end() || it->second.content_hash != p.hash) changed.push_back(&p.mapped);
    }
    RETURN_IF_ERROR(applier_->BeginBatch(changed));
    for (const Pending& p : pending) {
      auto it = p.key.empty() ? kept.end() : kept.find(p.key);
      RETURN_IF_ERROR(Record(p, it == kept.end() ? SourceRecord{} : it->second));
    }
    return Status::Ok();
  }

 private:
  struct Pending {
    const SourceRow* row;
    MappedRecord mapped;
    std::string raw;
    std::string key;  // "" when the record has issues or no values
    std::string hash;
  };

  // `existing`: the kept source record with the record's key (id 0 when first seen).
  Status Record(const Pending& p, const SourceRecord& existing) {
    const SourceRow& row = *p.row;
    const MappedRecord& mapped = p.mapped;
    const std::string& raw = p.raw;
    ++run_->read;
    if (mapped.missing_columns) Count(kProblemMissingColumn);
    if (!mapped.issues.empty()) {
      ++run_->rejected;
      std::set<std::string> kinds;
      for (const MappingIssue& issue : mapped.issues) {
        if (kinds.insert(issue.kind).second) Count(issue.kind);
        RETURN_IF_ERROR(Quarantine(row.location, row.row, issue.column, issue.reason, raw));
      }
      return Status::Ok();
    }
    if (mapped.values.empty()) {
      ++run_->rejected;
      Count(kProblemEmptyRow);
      return Quarantine(row.location, row.row, "", "该行没有可导入的字段值（映射的列都为空）", raw);
    }
    const std::string& key = p.key;
    if (!seen_keys_->insert(key).second) {
      ++run_->rejected;
      Count(kProblemDuplicateInRun);
      return Quarantine(row.location, row.row, "",
                        "与本次导入中前面的一行是同一对象（识别字段相同），重复的行未导入", raw);
    }
    new_keys_->push_back(key);
    if (existing.id != 0 && existing.content_hash == p.hash) {
      ++run_->unchanged;
      return Status::Ok();
    }
    ASSIGN_OR_RETURN(AppliedRecord applied, applier_->Apply(mapped, key, p.hash, raw, existing));
    switch (applied.outcome) {
      case Outcome::kNew:
        ++run_->created;
        break;
      case Outcome::kUpdated:
        ++run_->updated;
        break;
      case Outcome::kUnchanged:
        ++run_->unchanged;
        break;
      case Outcome::kRejected:
        ++run_->rejected;
        Count(applied.reject_kind.empty() ? kProblemMissingRequired : applied.reject_kind);
        return Quarantine(row.location, row.row, "", applied.reject_reason, raw);
    }
    for (const std::string& problem : applied.problems) Count(problem);
    if (applied.linked) ++run_->linked;
    run_->review += applied.reviews;
    return Status::Ok();
  }

  Store* store_;
  const ConnectorSpec& spec_;
  RecordMapper* mapper_;
  RecordApplier* applier_;
  std::unordered_set<std::string>* seen_keys_;
  std::vector<std::string>* new_keys_;
  ImportRun* run_;
};

// "<host>:<pid>:<random>": unique to this run, and a person reading it knows where it runs.
std::string NewLeaseHolder() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') std::snprintf(host, 8, "unknown");
  std::random_device rd;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(rd()));
  return std::string(host) + ":" + std::to_string(getpid()) + ":" + suffix;
}

// Holds a source's run lease for the life of one Run: renews it when the clock has moved since
// the last renewal, releases it (best effort) when destroyed.
class RunLease {
 public:
  RunLease(Store* store, const ConnectorSpec& spec, const ImportOptions& options)
      : store_(store),
        source_(spec.id),
        name_(ConnectorLeaseName(spec.id)),
        holder_(options.lease_holder.empty() ? NewLeaseHolder() : options.lease_holder),
        ttl_(options.lease_ttl_seconds > 0 ? options.lease_ttl_seconds : 60),
        clock_(options.clock) {}
  RunLease(const RunLease&) = delete;
  RunLease& operator=(const RunLease&) = delete;
  ~RunLease() {
    if (held_) store_->ReleaseLease(name_, holder_).IgnoreError();  // best effort: it expires
  }

  Status Acquire() {
    last_renewed_ = Now();
    ASSIGN_OR_RETURN(LeaseClaim claim, store_->AcquireLease(name_, holder_, last_renewed_, ttl_));
    if (!claim.granted) {
      return Status::Busy("连接器 " + source_ + " 正由 " + claim.current.holder + " 运行（自 " +
                          UtcTimestamp(claim.current.acquired_at) + " 起），请稍后再试");
    }
    held_ = true;
    return Status::Ok();
  }

  // Renews unless it was renewed this second. A lease taken over stops the run (kBusy).
  Status Renew() {
    const int64_t now = Now();
    if (now == last_renewed_) return Status::Ok();
    Status st = store_->RenewLease(name_, holder_, now, ttl_);
    if (st.code() == StatusCode::kFailedPrecondition) {
      held_ = false;
      return Status::Busy("连接器 " + source_ + " 的运行租约已过期并被另一次运行接管（" +
                          st.message() + "），本次运行已停止；已提交的批次保留");
    }
    if (st.ok()) last_renewed_ = now;
    return st;
  }

 private:
  int64_t Now() const { return clock_ ? clock_() : static_cast<int64_t>(std::time(nullptr)); }

  Store* store_;
  std::string source_;
  std::string name_;
  std::string holder_;
  int64_t ttl_;
  std::function<int64_t()> clock_;
  int64_t last_renewed_ = 0;
  bool held_ = false;
};

}  // namespace

std::string ConnectorLeaseName(const std::string& source_id) { return "connector:" + source_id; }

Importer::Importer(Store* store, const Catalog& catalog, const Validator& validator)
    : store_(store), catalog_(catalog), validator_(validator) {}

Result<ImportResult> Importer::Run(const ConnectorSpec& spec, const ConnectorPlugin& plugin,
                                   const ImportOptions& options, ImportRun* partial) {
  ASSIGN_OR_RETURN(auto connector_options, ResolveConnectorOptions(spec, plugin.api()));
  int64_t grid_id = 0;
  if (!spec.place_community.empty()) {
    auto grid = FindGrid(store_, spec.place_community, spec.place_grid);
    if (!grid.ok()) {
      if (grid.status().code() != StatusCode::kInvalidArgument) return grid.status();
      return Status::Invalid(spec.place_where.ToString() + ": " + grid.status().message());
    }
    grid_id = *grid;
  }
  RunLease lease(store_, spec, options);
  RETURN_IF_ERROR(lease.Acquire());
  ASSIGN_OR_RETURN(std::string cursor, store_->GetCursor(spec.id));
  ConnectorSession session(plugin);
  RETURN_IF_ERROR(session.Open(connector_options, cursor, spec.base_dir));
  // A long read renews the lease from the plugin's progress reports; a renewal error there is
  // kept for after the batch (the plugin cannot be stopped from its callback).
  Status renew_failure;
  auto on_progress = [&](int64_t done, int64_t total) {
    if (renew_failure.ok()) renew_failure = lease.Renew();
    if (options.on_progress) options.on_progress(done, total);
  };

  RecordMapper mapper(spec, catalog_, validator_);
  RecordApplier applier(store_, catalog_, spec, grid_id, validator_.divisions());
  ImportResult result;
  ImportRun& run = result.run;
  run.source = spec.id;
  run.title = spec.title;
  run.connector_type = spec.type;
  run.spec_file = spec.path;
  run.started_at = NowUtc();
  std::unordered_set<std::string> seen_keys;
  size_t batch_size =
      options.batch_size ? options.batch_size : static_cast<size_t>(spec.batch_size);

  auto fail = [&](const Status& st) -> Status {
    if (run.id != 0) {
      run.status = kImportFailed;
      run.finished_at = NowUtc();
      run.message = st.message();
      // Best effort: the failure itself is what we report.
      store_->UpdateImportRun(run).IgnoreError();
    }
    if (partial) *partial = run;
    return st;
  };

  while (true) {
    auto batch = session.Next(batch_size, on_progress);
    if (!batch.ok()) return fail(batch.status());
    // Between batches, before writing one: a run whose lease was taken over writes no more.
    if (renew_failure.ok()) renew_failure = lease.Renew();
    if (!renew_failure.ok()) return fail(renew_failure);
    const ImportRun before = run;
    Status st;
    for (int attempt = 0; attempt < kBatchAttempts; ++attempt) {
      std::vector<std::string> new_keys;
      BatchWriter writer(store_, spec, &mapper, &applier, &seen_keys, &new_keys, &run);
      st = store_->InTransaction([&]() -> Status {
        if (run.id == 0) {
          // We hold the lease: a run of this source still 'running' has died.
          RETURN_IF_ERROR(store_->MarkRunsInterrupted(spec.id).status());
          RETURN_IF_ERROR(store_->PutSourceInfo({spec.id, spec.title, spec.type, spec.trust, ""}));
          ASSIGN_OR_RETURN(run.id, store_->AddImportRun(run));
        }
        for (const RejectedRow& r : batch->rejected) RETURN_IF_ERROR(writer.Rejected(r));
        RETURN_IF_ERROR(writer.Records(batch->records));
        RETURN_IF_ERROR(store_->SetCursor(spec.id, batch->cursor));
        return store_->UpdateImportRun(run);
      });
      if (st.ok()) break;
      // Rolled back: nothing of the batch is stored, so neither is it counted or seen.
      run = before;
      for (const auto& k : new_keys) seen_keys.erase(k);
      if (st.code() != StatusCode::kAborted) break;  // only a deadlock's victim runs again
    }
    if (!st.ok()) return fail(st);
    if (options.on_batch) options.on_batch(run);
    if (!batch->more) break;
    if (options.cancelled && options.cancelled()) {
      return fail(Status::Precondition("运行已取消：已提交的 " + std::to_string(run.read) +
                                       " 行保留，下次运行从中断处继续"));
    }
  }
  run.status = kImportDone;
  run.finished_at = NowUtc();
  Status st = store_->UpdateImportRun(run);
  if (!st.ok()) return fail(st);
  for (const std::string& column : mapper.missing_columns()) {
    result.warnings.push_back("来源中没有列 “" + column +
                              "”（也没有能按字段别名对应的列），映射到它的字段未导入");
  }
  for (const std::string& column : mapper.missing_value_columns()) {
    result.warnings.push_back("来源中没有列 “" + column +
                              "”：取值表达式（value）把它读作空值（null）");
  }
  for (const std::string& column : mapper.missing_rule_columns()) {
    result.warnings.push_back("来源中没有列 “" + column + "”：标签规则的条件把它读作空值（null）");
  }
  if (partial) *partial = run;
  return result;
}

std::string ImportReportJson(const ImportRun& run, const std::vector<std::string>& warnings,
                             const std::string& error) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto str = [&](const char* key, const std::string& v) {
    w.Key(key);
    w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
  };
  w.StartObject();
  str("source", run.source);
  str("status", run.status);
  w.Key("run_id");
  w.Int64(run.id);
  const std::pair<const char*, int64_t> counts[] = {
      {"read", run.read},           {"new", run.created},   {"updated", run.updated},
      {"unchanged", run.unchanged}, {"linked", run.linked}, {"review", run.review},
      {"rejected", run.rejected}};
  for (const auto& [k, v] : counts) {
    w.Key(k);
    w.Int64(v);
  }
  w.Key("problems");
  w.StartObject();
  for (const auto& [kind, n] : run.problems) {
    if (n == 0) continue;
    w.Key(kind.c_str());
    w.Int64(n);
  }
  w.EndObject();
  if (!error.empty()) str("error", error);
  if (!warnings.empty()) {
    w.Key("warnings");
    w.StartArray();
    for (const auto& s : warnings) w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
    w.EndArray();
  }
  w.EndObject();
  return buf.GetString();
}

}  // namespace onetable

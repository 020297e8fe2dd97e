#include "ingest/runtime.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

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
    return Quarantine(r.location, r.row, r.column, r.reason, r.raw);
  }

  Status Record(const SourceRow& row) {
    ++run_->read;
    MappedRecord mapped = mapper_->Map(row);
    std::string raw = RecordJson(row.fields);
    if (!mapped.issues.empty()) {
      ++run_->rejected;
      for (const MappingIssue& issue : mapped.issues) {
        RETURN_IF_ERROR(Quarantine(row.location, row.row, issue.column, issue.reason, raw));
      }
      return Status::Ok();
    }
    if (mapped.values.empty()) {
      ++run_->rejected;
      return Quarantine(row.location, row.row, "", "该行没有可导入的字段值（映射的列都为空）", raw);
    }
    std::string key = KeyOf(mapped, row);
    if (!seen_keys_->insert(key).second) {
      ++run_->rejected;
      return Quarantine(row.location, row.row, "",
                        "与本次导入中前面的一行是同一对象（识别字段相同），重复的行未导入", raw);
    }
    new_keys_->push_back(key);
    std::string hash = RecordHash(row.fields, spec_.fingerprint);
    SourceRecord existing;
    auto found = store_->GetSourceRecord(spec_.id, key);
    if (found.ok()) {
      existing = std::move(*found);
    } else if (found.status().code() != StatusCode::kNotFound) {
      return found.status();
    }
    if (existing.id != 0 && existing.content_hash == hash) {
      ++run_->unchanged;
      return Status::Ok();
    }
    ASSIGN_OR_RETURN(AppliedRecord applied, applier_->Apply(mapped, key, hash, raw, existing));
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
        return Quarantine(row.location, row.row, "", applied.reject_reason, raw);
    }
    if (applied.linked) ++run_->linked;
    run_->review += applied.reviews;
    return Status::Ok();
  }

 private:
  Store* store_;
  const ConnectorSpec& spec_;
  RecordMapper* mapper_;
  RecordApplier* applier_;
  std::unordered_set<std::string>* seen_keys_;
  std::vector<std::string>* new_keys_;
  ImportRun* run_;
};

}  // namespace

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
  ASSIGN_OR_RETURN(std::string cursor, store_->GetCursor(spec.id));
  ConnectorSession session(plugin);
  RETURN_IF_ERROR(session.Open(connector_options, cursor, spec.base_dir));

  RecordMapper mapper(spec, catalog_, validator_);
  RecordApplier applier(store_, catalog_, spec, grid_id);
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
    auto batch = session.Next(batch_size, options.on_progress);
    if (!batch.ok()) return fail(batch.status());
    ImportRun before = run;
    std::vector<std::string> new_keys;
    BatchWriter writer(store_, spec, &mapper, &applier, &seen_keys, &new_keys, &run);
    Status st = store_->InTransaction([&]() -> Status {
      if (run.id == 0) {
        RETURN_IF_ERROR(store_->MarkRunsInterrupted(spec.id).status());
        RETURN_IF_ERROR(store_->PutSourceInfo({spec.id, spec.title, spec.type, spec.trust, ""}));
        ASSIGN_OR_RETURN(run.id, store_->AddImportRun(run));
      }
      for (const RejectedRow& r : batch->rejected) RETURN_IF_ERROR(writer.Rejected(r));
      for (const SourceRow& row : batch->records) RETURN_IF_ERROR(writer.Record(row));
      RETURN_IF_ERROR(store_->SetCursor(spec.id, batch->cursor));
      return store_->UpdateImportRun(run);
    });
    if (!st.ok()) {
      run = before;
      for (const auto& k : new_keys) seen_keys.erase(k);
      return fail(st);
    }
    if (options.on_batch) options.on_batch(run);
    if (!batch->more) break;
  }
  run.status = kImportDone;
  run.finished_at = NowUtc();
  Status st = store_->UpdateImportRun(run);
  if (!st.ok()) return fail(st);
  for (const std::string& column : mapper.missing_columns()) {
    result.warnings.push_back("来源中没有列 “" + column +
                              "”（也没有能按字段别名对应的列），映射到它的字段未导入");
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

#include "register/register_write.h"

#include <map>
#include <set>
#include <utility>

namespace onetable {
namespace {

constexpr char kIdNumber[] = "id_number";
constexpr char kBirthDate[] = "birth_date";
constexpr char kGender[] = "gender";

std::vector<ErrorDetail> ToDetails(const std::vector<FieldIssue>& issues) {
  std::vector<ErrorDetail> out;
  out.reserve(issues.size());
  for (const FieldIssue& issue : issues) out.push_back({issue.field, issue.code, issue.message});
  return out;
}

// Empty strings mean NULL in the register: drop them so the store writes NULL.
void DropEmpty(std::map<std::string, std::string>* values) {
  for (auto it = values->begin(); it != values->end();) {
    it = it->second.empty() ? values->erase(it) : std::next(it);
  }
}

// Keys whose value differs between `before` and `after` (either side may lack the key).
std::vector<std::string> ChangedKeys(const std::map<std::string, std::string>& before,
                                     const std::map<std::string, std::string>& after) {
  std::set<std::string> keys;
  for (const auto& [k, v] : before) keys.insert(k);
  for (const auto& [k, v] : after) keys.insert(k);
  std::vector<std::string> out;
  for (const std::string& k : keys) {
    auto a = before.find(k), b = after.find(k);
    const bool has_a = a != before.end(), has_b = b != after.end();
    if (has_a != has_b || (has_a && a->second != b->second)) out.push_back(k);
  }
  return out;
}

Status RecordChanges(Store& store, EntityKind kind, const Row& row,
                     const std::vector<std::string>& changed, const std::string& actor) {
  for (const std::string& key : changed) {
    RETURN_IF_ERROR(RecordManual(store, kind, row.id, key, row.Get(key), actor));
  }
  return Status::Ok();
}

}  // namespace

Status RecordManual(Store& store, EntityKind kind, int64_t id, const std::string& field,
                    const std::string* value, const std::string& actor) {
  FieldObservation obs;
  obs.entity = kind;
  obs.entity_id = id;
  obs.field = field;
  obs.is_null = value == nullptr;
  if (value != nullptr) obs.value = *value;
  obs.source = kManualSourceId;
  obs.actor = actor;
  return store.RecordObservation(obs);
}

Status RetryDeadlocks(const std::function<Status()>& fn) {
  Status st;
  for (int attempt = 0; attempt < kWriteAttempts; ++attempt) {
    st = fn();
    if (st.code() != StatusCode::kAborted) return st;
  }
  return st;
}

std::string ChangedFieldsDetail(const std::vector<std::string>& keys) {
  std::string out = "fields:";
  for (size_t i = 0; i < keys.size(); ++i) out += (i ? "," : " ") + keys[i];
  return out;
}

WriteOutcome CreateRecord(Store& store, const Validator& validator, EntityKind kind,
                          int64_t parent_id, const std::string& status, const FieldInput& input,
                          const std::string& actor) {
  WriteOutcome out;
  std::map<std::string, std::string> values = input.set;
  for (const std::string& key : input.cleared) values.emplace(key, "");
  out.issues = ToDetails(validator.NormalizeRecord(kind, &values, /*check_required=*/true));
  if (!out.issues.empty()) return out;
  DropEmpty(&values);

  Row row;
  row.parent_id = parent_id;
  row.status = status.empty() ? kStatusActive : status;
  row.values = std::move(values);
  out.status = RetryDeadlocks([&]() {
    return store.InTransaction([&]() -> Status {
      ASSIGN_OR_RETURN(int64_t id, store.Insert(kind, row));
      ASSIGN_OR_RETURN(out.row, store.Get(kind, id));
      out.changed = ChangedKeys({}, out.row.values);
      return RecordChanges(store, kind, out.row, out.changed, actor);
    });
  });
  return out;
}

WriteOutcome UpdateRecord(Store& store, const Validator& validator, EntityKind kind, int64_t id,
                          int64_t expected_version, const FieldInput& input,
                          const std::string& status, const std::string& actor) {
  WriteOutcome out;
  out.status = RetryDeadlocks([&]() {
    return store.InTransaction([&]() -> Status {
      out = WriteOutcome{};
      ASSIGN_OR_RETURN(Row current, store.Get(kind, id));
      if (current.version != expected_version) {
        out.row = std::move(current);
        return Status::Conflict("stale version");
      }
      std::map<std::string, std::string> values = current.values;
      for (const auto& [key, value] : input.set) values[key] = value;
      for (const std::string& key : input.cleared) values[key] = "";
      std::vector<FieldIssue> issues =
          validator.NormalizeRecord(kind, &values, /*check_required=*/true);
      const bool id_touched = input.set.count(kIdNumber) || input.cleared.count(kIdNumber);
      for (const FieldIssue& issue : issues) {
        const bool touched = input.set.count(issue.field) || input.cleared.count(issue.field) ||
                             (id_touched && (issue.field == kBirthDate || issue.field == kGender));
        if (touched) out.issues.push_back({issue.field, issue.code, issue.message});
      }
      if (!out.issues.empty()) return Status::Ok();
      DropEmpty(&values);
      // Only what the request touched (and what the ID number filled in) is written: a stored
      // value the validator would rewrite stays as it was.
      std::map<std::string, std::string> next = current.values;
      std::set<std::string> touched_keys;
      for (const auto& [key, value] : input.set) touched_keys.insert(key);
      for (const std::string& key : input.cleared) touched_keys.insert(key);
      if (id_touched) {
        touched_keys.insert(kBirthDate);
        touched_keys.insert(kGender);
      }
      for (const std::string& key : touched_keys) {
        auto it = values.find(key);
        if (it == values.end()) {
          next.erase(key);
        } else {
          next[key] = it->second;
        }
      }
      out.changed = ChangedKeys(current.values, next);
      const bool status_changed = !status.empty() && status != current.status;
      if (out.changed.empty() && !status_changed) {
        out.row = std::move(current);  // nothing to write: the version stays
        return Status::Ok();
      }
      Row row = current;
      row.values = std::move(next);
      if (!status.empty()) row.status = status;
      RETURN_IF_ERROR(store.Update(kind, &row));
      RETURN_IF_ERROR(RecordChanges(store, kind, row, out.changed, actor));
      out.row = std::move(row);
      return Status::Ok();
    });
  });
  if (out.status.code() == StatusCode::kConflict && out.row.id == 0) {
    // Lost the compare-and-set inside Update: report the row as it is now.
    Result<Row> now = store.Get(kind, id);
    if (now.ok()) out.row = std::move(*now);
  }
  return out;
}

}  // namespace onetable

#include "delivery/change_scope.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "mapping/scan_plan.h"
#include "model/sha256.h"

namespace onetable {
namespace {

namespace fs = std::filesystem;

Status AddFile(const fs::path& path, std::string* into) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Invalid("无法读取 " + path.string());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  *into += path.filename().string() + "\n" + Sha256Hex(bytes.str()) + "\n";
  return Status::Ok();
}

// Whether a row of `mapping` reads what other persons of the household decide: its head's
// fields, or the count of its members.
Result<bool> ReadsHousemates(const AppContext& app, const mapping::MappingSpec& mapping,
                             const Date& as_of) {
  ASSIGN_OR_RETURN(mapping::ScanPlan plan, mapping::ScanPlan::Build(mapping, app.catalog, as_of, {}));
  auto housemates = [](const std::string& path) {
    return path.rfind("head.", 0) == 0 || path == "household.member_count";
  };
  const ScanRequest& r = plan.request();
  for (const std::string& f : r.fields) {
    if (housemates(f)) return true;
  }
  for (const ScanPredicate& p : r.predicates) {
    if (housemates(p.path)) return true;
  }
  for (const ScanOrderKey& k : r.order) {
    if (housemates(k.path)) return true;
  }
  return false;
}

// Adds the current members of `household` to `persons`.
Status AddMembers(Store& store, int64_t household, std::set<int64_t>* persons) {
  ListQuery q;
  q.parent_id = household;
  q.limit = 500;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<Row> rows, store.List(EntityKind::kPerson, q));
    for (const Row& r : rows) persons->insert(r.id);
    if (rows.size() < static_cast<size_t>(q.limit)) return Status::Ok();
    q.after_id = rows.back().id;
  }
}

ChangeScope Full(std::string why) {
  ChangeScope s;
  s.why = std::move(why);
  return s;
}

}  // namespace

Result<std::string> DeliveryFingerprint(const AppContext& app, const DeliverySpec& spec,
                                        const mapping::MappingSpec& mapping, const Principal& who,
                                        const Date& as_of, const Date& today) {
  std::string text = "v1\nmapping " + spec.mapping + "\nscope " + spec.scope + "\nas_of " +
                     as_of.ToString() + (as_of < today ? " past" : " current") + "\nkey " +
                     spec.key + "\naccount " + spec.account + "\nrole " +
                     std::to_string(static_cast<int>(who.role)) + "\nall_columns " +
                     (who.all_columns ? "1" : "0") + "\n";
  std::vector<std::string> scopes = who.scopes, grants = who.grants;
  std::sort(scopes.begin(), scopes.end());
  std::sort(grants.begin(), grants.end());
  for (const std::string& s : scopes) text += "scope_of " + s + "\n";
  for (const std::string& g : grants) text += "grant " + g + "\n";
  RETURN_IF_ERROR(AddFile(fs::path(app.settings.mappings_dir) / (mapping.id + ".yaml"), &text));
  const fs::path schema(app.settings.schema_dir);
  RETURN_IF_ERROR(AddFile(schema / "fields.yaml", &text));
  std::error_code ec;
  std::vector<fs::path> codes;
  if (fs::is_directory(schema / "codes", ec)) {
    for (fs::recursive_directory_iterator it(schema / "codes", ec), end; !ec && it != end;
         it.increment(ec)) {
      if (it->is_regular_file(ec)) codes.push_back(it->path());
    }
  }
  if (ec) return Status::Invalid("无法读取代码表目录 " + (schema / "codes").string());
  std::sort(codes.begin(), codes.end());
  for (const fs::path& p : codes) RETURN_IF_ERROR(AddFile(p, &text));
  return Sha256Hex(text);
}

Result<ChangeScope> FindChangeScope(Store& store, const AppContext& app, const DeliverySpec& spec,
                                    const mapping::MappingSpec& mapping, const Date& as_of,
                                    const DeliveryBasis* basis, const std::string& fingerprint,
                                    int64_t now, size_t limit) {
  if (basis == nullptr) return Full("no completed plan yet");
  if (basis->fingerprint != fingerprint) {
    return Full("mapping, catalog, account or reference date changed");
  }
  if (now - basis->full_at >= kFullEvery) return Full("last full recompute over a day ago");
  if (mapping.grain != EntityKind::kPerson) return Full("not a person-grain table");
  ASSIGN_OR_RETURN(int64_t unknown, store.CountDeliveryStateWithoutRow(spec.id));
  if (unknown > 0) return Full("acknowledged keys without their row");

  ASSIGN_OR_RETURN(RegisterChanges changes, store.ChangesSince(basis->changes_from, limit));
  if (changes.truncated) return Full("too many changes");
  if (changes.above_households) return Full("a building or a row above it changed");
  std::set<int64_t> persons(changes.persons.begin(), changes.persons.end());
  // A household's own change (its fields, its place in the tree) reaches every member.
  for (int64_t h : changes.households) RETURN_IF_ERROR(AddMembers(store, h, &persons));
  ASSIGN_OR_RETURN(bool housemates, ReadsHousemates(app, mapping, as_of));
  if (housemates) {
    // A person's change can change his housemates' rows (the head, the member count): the
    // households he left or joined, and the one he is in.
    std::set<int64_t> households(changes.housemates_of.begin(), changes.housemates_of.end());
    for (int64_t p : changes.persons) {
      Result<Row> row = store.Get(EntityKind::kPerson, p);
      if (row.ok() && row->parent_id) households.insert(row->parent_id);
      if (!row.ok() && row.status().code() != StatusCode::kNotFound) return row.status();
    }
    for (int64_t h : households) {
      RETURN_IF_ERROR(AddMembers(store, h, &persons));
      if (persons.size() > limit) return Full("too many changes");
    }
  }
  if (persons.size() > limit) return Full("too many changes");
  ChangeScope scope;
  scope.full = false;
  scope.persons.assign(persons.begin(), persons.end());
  return scope;
}

}  // namespace onetable

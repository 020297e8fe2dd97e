#include "register/quality_report.h"

#include <map>
#include <string>
#include <unordered_map>
#include <utility>

#include "model/catalog_keys.h"
#include "model/id_number.h"
#include "onetable/text.h"

namespace onetable {
namespace {

constexpr int kReviewPage = 500;

void Add(const GridQuality& g, GridQuality* total) {
  total->persons += g.persons;
  total->invalid_ids += g.invalid_ids;
  total->id_conflicts += g.id_conflicts;
  total->open_reviews += g.open_reviews;
  for (size_t i = 0; i < g.filled.size(); ++i) total->filled[i] += g.filled[i];
}

}  // namespace

Result<std::vector<const FieldDef*>> QualityFields(const AppContext& app, const Principal& who,
                                                   std::string_view keys) {
  std::vector<const FieldDef*> out;
  if (keys.empty()) {
    for (const FieldDef* f : app.catalog.StoredFields(EntityKind::kPerson)) {
      if ((f->required || f->type == FieldType::kIdNumber) && app.policy.SeesField(who, *f)) {
        out.push_back(f);
      }
    }
    return out;
  }
  for (std::string_view piece : Split(keys, ',')) {
    const std::string key(piece);
    if (key.empty()) continue;
    const FieldDef* f = app.catalog.Find(EntityKind::kPerson, key);
    if (f == nullptr || f->derived || !app.policy.SeesField(who, *f)) {
      return Status::Invalid("人员没有可统计的字段 " + key);
    }
    out.push_back(f);
  }
  return out;
}

Result<QualityReport> BuildQualityReport(Store& store, const AppContext& app, const Principal& who,
                                         std::vector<const FieldDef*> fields) {
  ASSIGN_OR_RETURN(RowScope visible, app.policy.Visible(who, store));
  ScanRequest scan;
  scan.grain = EntityKind::kPerson;
  scan.leaf = EntityKind::kPerson;
  // Scan scopes are alternatives (a row under any of them): a grid worker's communities only
  // say where its grids lie, and adding them would let in the community's other grids.
  if (visible.grid_ids) {
    for (int64_t id : *visible.grid_ids) scan.scopes.push_back({EntityKind::kGrid, id});
  } else if (visible.community_ids) {
    for (int64_t id : *visible.community_ids) scan.scopes.push_back({EntityKind::kCommunity, id});
  }
  const bool sees_nothing = (visible.grid_ids || visible.community_ids) && scan.scopes.empty();
  scan.predicates.push_back({"person.status", "==", {kStatusActive}});
  // Fixed columns first: grid id, code, name, community name, person id, ID number, birth
  // date, gender; then the requested fields.
  const FieldDef* id_field = nullptr;
  const FieldDef* birth_field = nullptr;
  const FieldDef* gender_field = nullptr;
  for (const FieldDef* f : app.catalog.StoredFields(EntityKind::kPerson)) {
    if (f->type == FieldType::kIdNumber && id_field == nullptr) id_field = f;
  }
  // Birth date and sex are the fields an ID number derives (model/id_number.h); the catalog
  // names them by key, so look them up rather than assume they exist.
  birth_field = app.catalog.Find(EntityKind::kPerson, keys::kBirthDate);
  gender_field = app.catalog.Find(EntityKind::kPerson, keys::kGender);
  scan.fields = {"grid.id", "grid.code", "grid.name", "community.name", "person.id"};
  const size_t kIdCol = scan.fields.size();
  scan.fields.push_back(id_field ? "person." + id_field->key : "person.id");
  scan.fields.push_back(birth_field ? "person." + birth_field->key : "person.id");
  scan.fields.push_back(gender_field ? "person." + gender_field->key : "person.id");
  const size_t kFirstField = scan.fields.size();
  for (const FieldDef* f : fields) scan.fields.push_back("person." + f->key);

  std::map<int64_t, GridQuality> grids;
  std::unordered_map<int64_t, int64_t> person_grid;
  if (!sees_nothing) {
    Status st = store.Scan(scan, [&](const ScanRow& row) -> Status {
      const auto text = [&](size_t i) -> std::string { return row.values[i].value_or(""); };
      int64_t grid_id = 0;
      try {
        grid_id = std::stoll(text(0));
      } catch (...) {
        return Status::Ok();  // a person outside any grid: not part of a per-grid view
      }
      GridQuality& g = grids[grid_id];
      if (g.filled.empty()) {
        g.filled.assign(fields.size(), 0);
        g.code = text(1);
        g.name = text(2);
        g.community = text(3);
      }
      ++g.persons;
      try {
        person_grid[std::stoll(text(4))] = grid_id;
      } catch (...) {
      }
      for (size_t i = 0; i < fields.size(); ++i) {
        if (row.values[kFirstField + i] && !row.values[kFirstField + i]->empty()) ++g.filled[i];
      }
      if (id_field != nullptr && row.values[kIdCol] && !row.values[kIdCol]->empty()) {
        IdNumber id;
        if (ParseIdNumber(*row.values[kIdCol], &id)) {
          ++g.invalid_ids;
        } else if (CheckIdConsistency(id, birth_field ? text(kIdCol + 1) : "",
                                      gender_field ? text(kIdCol + 2) : "")) {
          ++g.id_conflicts;
        }
      }
      return Status::Ok();
    });
    RETURN_IF_ERROR(st);

    int64_t after = 0;
    while (true) {
      Result<std::vector<ReviewItem>> page = store.ListReview("open", after, kReviewPage);
      RETURN_IF_ERROR(page.status());
      for (const ReviewItem& item : *page) {
        after = item.id;
        if (item.entity != EntityKind::kPerson) continue;
        auto it = person_grid.find(item.entity_id);
        if (it != person_grid.end()) ++grids[it->second].open_reviews;
      }
      if (static_cast<int>(page->size()) < kReviewPage) break;
    }
  }

  QualityReport report;
  report.fields = std::move(fields);
  report.totals.filled.assign(report.fields.size(), 0);
  for (auto& [id, g] : grids) {
    g.id = id;
    Add(g, &report.totals);
    report.grids.push_back(std::move(g));
  }
  return report;
}

}  // namespace onetable

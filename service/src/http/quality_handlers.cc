#include "http/quality_handlers.h"

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "http/json_writer.h"
#include "model/catalog_keys.h"
#include "model/id_number.h"
#include "onetable/text.h"
#include "store/store.h"

namespace onetable {
namespace {

constexpr int kReviewPage = 500;

struct GridStats {
  std::string code, name, community;
  int64_t persons = 0, invalid_ids = 0, id_conflicts = 0, open_reviews = 0;
  std::vector<int64_t> filled;  // per requested field
};

// The requested fields, or the default set; fills `error` and returns false on a bad key.
bool ReadFields(const RequestContext& ctx, const ServiceContext& service, const Principal& who,
                std::vector<const FieldDef*>* out, HttpResponse* error) {
  const Catalog& catalog = service.catalog;
  auto it = ctx.request.query.find("fields");
  if (it == ctx.request.query.end() || it->second.empty()) {
    for (const FieldDef* f : catalog.StoredFields(EntityKind::kPerson)) {
      if ((f->required || f->type == FieldType::kIdNumber) && service.policy.SeesField(who, *f)) {
        out->push_back(f);
      }
    }
    return true;
  }
  for (std::string_view piece : Split(it->second, ',')) {
    const std::string key(piece);
    if (key.empty()) continue;
    const FieldDef* f = catalog.Find(EntityKind::kPerson, key);
    if (f == nullptr || f->derived || !service.policy.SeesField(who, *f)) {
      *error = ErrorResponse(400, "invalid_argument", "查询参数 fields 中的字段无效：" + key,
                             {{"fields", "unknown_field", "人员没有可统计的字段 " + key}});
      return false;
    }
    out->push_back(f);
  }
  return true;
}

void WriteCounts(JsonWriter& w, const GridStats& s, const std::vector<const FieldDef*>& fields) {
  w.Key("persons").Int(s.persons);
  w.Key("filled").StartObject();
  for (size_t i = 0; i < fields.size(); ++i) w.Key(fields[i]->key).Int(s.filled[i]);
  w.EndObject();
  w.Key("invalid_ids").Int(s.invalid_ids);
  w.Key("id_conflicts").Int(s.id_conflicts);
  w.Key("open_reviews").Int(s.open_reviews);
}

}  // namespace

HttpResponse HandleQuality(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kReadRegister);
  if (!who.ok()) return StatusToHttp(who.status());
  if (ctx.store == nullptr) return StatusToHttp(Status::Internal("no store"));
  Store& store = *ctx.store;
  std::vector<const FieldDef*> fields;
  HttpResponse error;
  if (!ReadFields(ctx, service, **who, &fields, &error)) return error;

  Result<RowScope> visible = service.policy.Visible(**who, store);
  if (!visible.ok()) return StatusToHttp(visible.status());
  ScanRequest scan;
  scan.grain = EntityKind::kPerson;
  scan.leaf = EntityKind::kPerson;
  // Scan scopes are alternatives (a row under any of them): a grid worker's communities only
  // say where its grids lie, and adding them would let in the community's other grids.
  if (visible->grid_ids) {
    for (int64_t id : *visible->grid_ids) scan.scopes.push_back({EntityKind::kGrid, id});
  } else if (visible->community_ids) {
    for (int64_t id : *visible->community_ids) scan.scopes.push_back({EntityKind::kCommunity, id});
  }
  const bool sees_nothing = (visible->grid_ids || visible->community_ids) && scan.scopes.empty();
  scan.predicates.push_back({"person.status", "==", {kStatusActive}});
  // Fixed columns first: grid id, code, name, community name, person id, ID number, birth
  // date, gender; then the requested fields.
  const FieldDef* id_field = nullptr;
  const FieldDef* birth_field = nullptr;
  const FieldDef* gender_field = nullptr;
  for (const FieldDef* f : service.catalog.StoredFields(EntityKind::kPerson)) {
    if (f->type == FieldType::kIdNumber && id_field == nullptr) id_field = f;
  }
  // Birth date and sex are the fields an ID number derives (model/id_number.h); the catalog
  // names them by key, so look them up rather than assume they exist.
  birth_field = service.catalog.Find(EntityKind::kPerson, keys::kBirthDate);
  gender_field = service.catalog.Find(EntityKind::kPerson, keys::kGender);
  scan.fields = {"grid.id", "grid.code", "grid.name", "community.name", "person.id"};
  const size_t kIdCol = scan.fields.size();
  scan.fields.push_back(id_field ? "person." + id_field->key : "person.id");
  scan.fields.push_back(birth_field ? "person." + birth_field->key : "person.id");
  scan.fields.push_back(gender_field ? "person." + gender_field->key : "person.id");
  const size_t kFirstField = scan.fields.size();
  for (const FieldDef* f : fields) scan.fields.push_back("person." + f->key);

  std::map<int64_t, GridStats> grids;
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
      GridStats& g = grids[grid_id];
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
    if (!st.ok()) return StatusToHttp(st);

    int64_t after = 0;
    while (true) {
      Result<std::vector<ReviewItem>> page = store.ListReview("open", after, kReviewPage);
      if (!page.ok()) return StatusToHttp(page.status());
      for (const ReviewItem& item : *page) {
        after = item.id;
        if (item.entity != EntityKind::kPerson) continue;
        auto it = person_grid.find(item.entity_id);
        if (it != person_grid.end()) ++grids[it->second].open_reviews;
      }
      if (static_cast<int>(page->size()) < kReviewPage) break;
    }
  }

  GridStats totals;
  totals.filled.assign(fields.size(), 0);
  JsonWriter w;
  w.StartObject();
  w.Key("fields").StartArray();
  for (const FieldDef* f : fields) {
    w.StartObject().Key("key").String(f->key).Key("label").String(f->label).EndObject();
  }
  w.EndArray();
  w.Key("grids").StartArray();
  for (const auto& [id, g] : grids) {
    w.StartObject();
    w.Key("id").Int(id);
    w.Key("code").String(g.code);
    w.Key("name").String(g.name);
    w.Key("community").String(g.community);
    WriteCounts(w, g, fields);
    w.EndObject();
    totals.persons += g.persons;
    totals.invalid_ids += g.invalid_ids;
    totals.id_conflicts += g.id_conflicts;
    totals.open_reviews += g.open_reviews;
    for (size_t i = 0; i < fields.size(); ++i) totals.filled[i] += g.filled[i];
  }
  w.EndArray();
  w.Key("totals").StartObject();
  WriteCounts(w, totals, fields);
  w.EndObject();
  w.EndObject();
  return JsonResponse(w.Take());
}

Status RegisterQualityRoutes(Router* router, const ServiceContext& service) {
  RouteDoc doc;
  doc.summary = "数据质量：各网格关键字段完整度、无效身份证号、待核实事项数";
  doc.query.push_back({"fields", "string", "要统计完整度的人员字段，逗号分隔", false});
  const ServiceContext* s = &service;
  return router->Add("GET", "/api/v1/quality", doc,
                     [s](const RequestContext& ctx) { return HandleQuality(ctx, *s); });
}

}  // namespace onetable

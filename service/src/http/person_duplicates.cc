#include "http/person_duplicates.h"

#include <optional>
#include <string>
#include <vector>

#include "http/json_writer.h"
#include "model/catalog_keys.h"
#include "model/id_number.h"
#include "model/text.h"

namespace onetable {
namespace {

// The row above `row` of kind `kind` (walking parent links), or nullopt.
std::optional<Row> AncestorOf(Store& store, EntityKind kind, Row row, EntityKind target) {
  while (kind != target) {
    const std::optional<EntityKind> parent = ParentKind(kind);
    if (!parent.has_value() || row.parent_id <= 0) return std::nullopt;
    Result<Row> up = store.Get(*parent, row.parent_id);
    if (!up.ok()) return std::nullopt;
    row = std::move(*up);
    kind = *parent;
  }
  return row;
}

std::string NameOf(const Row& row) {
  const std::string* name = row.Get(keys::kName);
  if (name != nullptr && !name->empty()) return *name;
  const std::string* code = row.Get(keys::kCode);
  return code != nullptr ? *code : "";
}

}  // namespace

PlaceNames PlaceOf(Store& store, EntityKind kind, const Row& row) {
  PlaceNames place;
  if (std::optional<Row> g = AncestorOf(store, kind, row, EntityKind::kGrid)) {
    place.grid_id = g->id;
    place.grid = NameOf(*g);
    if (std::optional<Row> c = AncestorOf(store, EntityKind::kGrid, *g, EntityKind::kCommunity)) {
      place.community = NameOf(*c);
    }
  }
  return place;
}

HttpResponse DuplicateIdResponse(const ServiceContext& service, const Principal& who,
                                 Store& store, const std::string& id_number,
                                 const Status& refused) {
  IdNumber id;
  std::optional<Row> holder;
  if (!ParseIdNumber(FoldWidth(id_number), &id).has_value()) {
    Result<Row> found = store.FindBy(EntityKind::kPerson, keys::kIdNumber, id.normalized);
    if (found.ok()) holder = std::move(*found);
  }
  bool visible = false;
  std::string grid, community;
  if (holder.has_value()) {
    visible = service.policy.RequireRow(who, store, EntityKind::kPerson, holder->id).ok();
    PlaceNames place = PlaceOf(store, EntityKind::kPerson, *holder);
    grid = std::move(place.grid);
    community = std::move(place.community);
  }
  std::string message = refused.message();
  if (holder.has_value() && visible) {
    message = "该身份证号已登记，请打开已登记的人员核对，不要重复录入";
  } else if (holder.has_value() && !grid.empty()) {
    message = "该身份证号已登记在" + (community.empty() ? "" : community + " · ") + grid +
              "，不在您的管辖范围；如此人已迁入本网格，请联系该网格的网格员或社区管理员办理";
  } else if (holder.has_value()) {
    message = "该身份证号已登记（尚未入户，不在您的管辖范围），请联系社区管理员核实";
  }
  JsonWriter w;
  w.StartObject().Key("error").StartObject();
  w.Key("code").String("already_exists");
  w.Key("message").String(message);
  w.Key("details").StartArray();
  w.StartObject();
  w.Key("field").String(keys::kIdNumber);
  w.Key("code").String("duplicate");
  w.Key("message").String(message);
  w.EndObject();
  w.EndArray();
  if (holder.has_value()) {
    w.Key("holder").StartObject();
    if (visible) {
      w.Key("person_id").Int(holder->id);
    } else {
      if (!grid.empty()) w.Key("grid").String(grid);
      if (!community.empty()) w.Key("community").String(community);
    }
    w.EndObject();
  }
  w.EndObject().EndObject();
  HttpResponse response;
  response.status = 409;
  response.body = w.Take();
  return response;
}

Status OpenNameBirthReviews(Store& store, const Row& created, const std::string& actor,
                            int* opened) {
  *opened = 0;
  const std::string* name = created.Get(keys::kName);
  const std::string* birth = created.Get(keys::kBirthDate);
  if (name == nullptr || birth == nullptr || name->empty() || birth->empty()) return Status::Ok();
  const std::string* id_number = created.Get(keys::kIdNumber);
  ScanRequest request;
  request.grain = EntityKind::kPerson;
  request.leaf = EntityKind::kPerson;
  request.predicates.push_back({std::string("person.") + keys::kName, "==", {*name}});
  request.predicates.push_back({std::string("person.") + keys::kBirthDate, "==", {*birth}});
  request.fields = {std::string("person.") + keys::kIdNumber};
  std::vector<int64_t> others;
  RETURN_IF_ERROR(store.Scan(request, [&](const ScanRow& row) -> Status {
    if (row.ids[0] == created.id) return Status::Ok();
    // Two different ID numbers are two people: only a missing one leaves the question open.
    const std::optional<std::string>& theirs = row.values[0];
    if (id_number != nullptr && theirs.has_value() && *theirs != *id_number) return Status::Ok();
    if (static_cast<int>(others.size()) < kMaxNameBirthReviews) others.push_back(row.ids[0]);
    return Status::Ok();
  }));
  for (int64_t other : others) {
    ReviewItem item;
    item.kind = "duplicate";
    item.entity = EntityKind::kPerson;
    item.entity_id = created.id;
    item.other_id = other;
    JsonWriter detail;
    detail.StartObject();
    detail.Key("score").Int(1);
    detail.Key("matched_on").String("姓名与出生日期相同（录入时确认仍然保存）");
    detail.Key("source").String("manual:" + actor);
    detail.EndObject();
    item.detail = detail.Take();
    RETURN_IF_ERROR(store.AddReview(item).status());
    ++*opened;
  }
  return Status::Ok();
}

}  // namespace onetable

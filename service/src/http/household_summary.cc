#include "http/household_summary.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "http/json_writer.h"
#include "http/register_handlers.h"
#include "http/register_json.h"
#include "http/register_request.h"
#include "model/catalog_keys.h"
#include "model/date.h"
#include "store/store.h"

namespace onetable {
namespace {

Status WriteSummary(Store& store, const ServiceContext& service, const Principal& who,
                    const Row& household, const std::string& today, JsonWriter& w) {
  ListQuery query;
  query.parent_id = household.id;
  query.status = kStatusActive;
  query.limit = 500;
  ASSIGN_OR_RETURN(std::vector<Row> members, store.List(EntityKind::kPerson, query));
  w.Key(std::to_string(household.id)).StartObject();
  w.Key("members").Int(static_cast<int64_t>(members.size()));
  const FieldDef* name_field = service.catalog.Find(EntityKind::kPerson, keys::kName);
  const bool sees_names = name_field != nullptr && service.policy.SeesField(who, *name_field);
  const std::string* head = household.Get(keys::kHeadPersonId);
  for (const Row& m : members) {
    if (head == nullptr || std::to_string(m.id) != *head) continue;
    w.Key("head_id").Int(m.id);
    const std::string* name = m.Get(keys::kName);
    if (sees_names && name != nullptr) w.Key("head_name").String(*name);
  }
  std::map<std::string, int> tags;  // key -> members holding it
  for (const Row& m : members) {
    ASSIGN_OR_RETURN(std::vector<TagAssignment> held, store.ListTags(m.id));
    std::set<std::string> mine;
    for (const TagAssignment& t : held) {
      if (!t.valid_from.empty() && t.valid_from > today) continue;
      if (!t.valid_to.empty() && t.valid_to < today) continue;
      const TagDef* def = service.catalog.FindTag(t.tag);
      if (def == nullptr || !service.policy.SeesTag(who, *def)) continue;
      mine.insert(t.tag);
    }
    for (const std::string& k : mine) ++tags[k];
  }
  w.Key("tags").StartArray();
  for (const auto& [key, count] : tags) {
    w.StartObject();
    w.Key("tag").String(key);
    w.Key("label").String(service.catalog.FindTag(key)->label);
    w.Key("members").Int(count);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return Status::Ok();
}

}  // namespace

HttpResponse HouseholdSummaryList(const RequestContext& ctx, const ServiceContext& service,
                                  const Principal& who, const RowFilter& given, const Page& page) {
  if (given.parent_id <= 0) {
    return BadParameter("parent_id", "summary=1 需要 parent_id（楼栋 id）");
  }
  if (ctx.store == nullptr) return NoStoreResponse();
  Store& store = *ctx.store;
  RowFilter filter = given;
  if (filter.status.empty()) filter.status = kStatusActive;
  Result<std::vector<int64_t>> ids =
      MatchVisibleIds(service.policy, who, store, EntityKind::kHousehold, filter);
  if (!ids.ok()) return StatusToHttp(ids.status());
  const size_t total = ids->size();
  const size_t begin = static_cast<size_t>(std::min<int64_t>(page.after, total));
  const size_t end = std::min(total, begin + static_cast<size_t>(page.limit));
  std::vector<Row> rows;
  for (size_t i = begin; i < end; ++i) {
    Result<Row> row = store.Get(EntityKind::kHousehold, (*ids)[i]);
    if (!row.ok()) {
      if (row.status().code() == StatusCode::kNotFound) continue;
      return StatusToHttp(row.status());
    }
    Status allowed = service.policy.RequireRow(who, store, EntityKind::kHousehold, row->id);
    if (allowed.code() == StatusCode::kNotFound) continue;
    if (!allowed.ok()) return StatusToHttp(allowed);
    rows.push_back(std::move(*row));
  }
  const std::string today = Today().ToString();
  JsonWriter w;
  w.StartObject().Key("items").StartArray();
  for (const Row& row : rows) WriteRow(w, service, who, EntityKind::kHousehold, row);
  w.EndArray();
  w.Key("summaries").StartObject();
  for (const Row& row : rows) {
    Status st = WriteSummary(store, service, who, row, today, w);
    if (!st.ok()) return StatusToHttp(st);
  }
  w.EndObject();
  WriteNextAfter(w, static_cast<int64_t>(end), end < total);
  w.Key("total").Int(static_cast<int64_t>(total));
  w.EndObject();
  return JsonResponse(w.Take());
}

}  // namespace onetable

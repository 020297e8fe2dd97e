#include "http/person_search.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "access/visible_rows.h"
#include "http/json_writer.h"
#include "http/register_handlers.h"
#include "http/register_json.h"
#include "http/register_request.h"
#include "http/request_audit.h"
#include "model/catalog_keys.h"
#include "model/id_number.h"
#include "model/phone.h"
#include "model/text.h"
#include "store/store.h"

namespace onetable {
namespace {

constexpr size_t kMinIdPart = 6;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdChar(char c) { return IsDigit(c) || c == 'X' || c == 'x'; }
bool IsPhoneChar(char c) { return IsDigit(c) || c == '-' || c == ' '; }

bool AllOf(const std::string& s, bool (*pred)(char)) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), pred);
}

// Digits only, with at most a final X (or x, made X).
bool IsIdPart(std::string* s) {
  if (s->empty()) return false;
  for (size_t i = 0; i < s->size(); ++i) {
    char& c = (*s)[i];
    if (IsDigit(c)) continue;
    if ((c == 'X' || c == 'x') && i + 1 == s->size()) {
      c = 'X';
      continue;
    }
    return false;
  }
  return true;
}

bool Contains(const std::optional<std::string>& value, const std::string& part) {
  return value.has_value() && value->find(part) != std::string::npos;
}

// The person fields a criterion compares, when the caller sees each; `denied` names the first
// one they do not see.
struct Matched {
  std::vector<const FieldDef*> fields;
  std::string denied;
};

Matched SeenFields(const ServiceContext& service, const Principal& who,
                   const std::vector<std::string>& keys) {
  Matched out;
  for (const std::string& key : keys) {
    const FieldDef* field = service.catalog.Find(EntityKind::kPerson, key);
    if (field == nullptr) continue;
    if (service.policy.SeesField(who, *field)) {
      out.fields.push_back(field);
    } else if (out.denied.empty()) {
      out.denied = field->label;
    }
  }
  return out;
}

// Keeps rows where any of the read fields holds `part`.
void MatchAnywhere(const Matched& matched, const std::string& part, RowFilter* filter) {
  for (const FieldDef* f : matched.fields) filter->fields.push_back("person." + f->key);
  const size_t n = matched.fields.size();
  filter->keep = [part, n](const ScanRow& row) {
    for (size_t i = 0; i < n; ++i) {
      if (Contains(row.values[i], part)) return true;
    }
    return false;
  };
}

}  // namespace

std::string GuessSearchCriterion(const std::string& q) {
  if ((q.size() == 18 || q.size() == 15) && AllOf(q, IsIdChar)) return "id_number";
  if (q.size() == 4 && AllOf(q, IsIdChar)) return "id_last4";
  const bool digits = AllOf(q, IsDigit);
  if (q.size() >= 7 && q.size() <= 16 && AllOf(q, IsPhoneChar) && !digits) return "phone";
  if (digits && (q[0] == '0' || (q.size() == 11 && q[0] == '1' && q[1] >= '3'))) {
    return "phone";  // a landline with its area code, or a mobile number
  }
  std::string part = q;
  if (part.size() >= kMinIdPart && part.size() < 18 && IsIdPart(&part)) return "id_partial";
  return "text";
}

HttpResponse HandlePersonSearch(const RequestContext& ctx, const ServiceContext& service) {
  Result<const Principal*> who = Authorize(service, ctx, Permission::kReadRegister);
  if (!who.ok()) return StatusToHttp(who.status());
  Page page;
  HttpResponse error;
  if (!ReadPage(ctx.request, &page, &error)) return error;
  std::string criterion, text;
  int given = 0;
  for (const char* key : {"q", "name", "id_number", "id_last4", "id_partial", "phone", "address"}) {
    auto it = ctx.request.query.find(key);
    if (it == ctx.request.query.end()) continue;
    ++given;
    criterion = key;
    text = std::string(TrimBlank(it->second));
  }
  if (given != 1 || text.empty()) {
    return BadParameter(
        "q", "请给出一个非空的查询条件：q、name、id_number、id_last4、id_partial、phone 或 address");
  }
  if (criterion == "q") {
    text = std::string(TrimBlank(FoldWidth(text)));
    criterion = GuessSearchCriterion(text);
  }

  RowFilter filter;
  auto status = ctx.request.query.find("status");
  if (status != ctx.request.query.end()) {
    if (status->second != kStatusActive && status->second != kStatusMovedAway &&
        status->second != kStatusDeceased) {
      return BadParameter("status", "查询参数 status 应为 active、moved_away 或 deceased");
    }
    filter.status = status->second;
  }
  std::vector<std::string> keys_used;
  if (criterion == "id_number" || criterion == "id_last4" || criterion == "id_partial") {
    keys_used = {keys::kIdNumber};
  } else if (criterion == "phone") {
    keys_used = {keys::kPhone};
  } else if (criterion == "name") {
    keys_used = {keys::kName};
  } else if (criterion == "address") {
    keys_used = {keys::kCurrentAddress};
  } else {
    keys_used = {keys::kName, keys::kCurrentAddress};
  }
  Matched matched = SeenFields(service, **who, keys_used);
  // Free text compares the fields the caller sees; an explicit criterion needs its field.
  if (!matched.denied.empty() && (criterion != "text" || matched.fields.empty())) {
    return StatusToHttp(Status::Denied("未获授权查看" + matched.denied + "，不能按它查找"));
  }
  if (matched.fields.empty()) return BadParameter(criterion, "字段目录中没有可查找的字段");

  if (criterion == "id_number") {
    IdNumber id;
    if (std::optional<Problem> problem = ParseIdNumber(FoldWidth(text), &id)) {
      return BadParameter(criterion, matched.fields[0]->label + "：" + problem->message);
    }
    filter.predicates.push_back({std::string("person.") + keys::kIdNumber, "==", {id.normalized}});
  } else if (criterion == "id_last4") {
    std::string last4 = FoldWidth(text);
    if (last4.size() != 4 || !AllOf(last4, IsIdChar)) {
      return BadParameter(criterion, "身份证号后四位应为 4 个数字（最后一位可为 X）");
    }
    if (last4[3] == 'x') last4[3] = 'X';
    filter.fields = {std::string("person.") + keys::kIdNumber};
    filter.keep = [last4](const ScanRow& row) {
      const std::optional<std::string>& v = row.values[0];
      return v && v->size() >= 4 && v->compare(v->size() - 4, 4, last4) == 0;
    };
  } else if (criterion == "id_partial") {
    std::string part = FoldWidth(text);
    if (part.size() < kMinIdPart || part.size() > 18 || !IsIdPart(&part)) {
      return BadParameter(criterion,
                          "身份证号片段应为至少 6 位数字（最后一位可为 X），按片段查找不接受更短的号码");
    }
    MatchAnywhere(matched, part, &filter);
  } else if (criterion == "phone") {
    std::string phone;
    if (std::optional<Problem> problem = NormalizePhone(text, &phone)) {
      return BadParameter(criterion, matched.fields[0]->label + "：" + problem->message);
    }
    filter.predicates.push_back({std::string("person.") + keys::kPhone, "==", {phone}});
  } else {
    MatchAnywhere(matched, text, &filter);
  }
  if (ctx.store == nullptr) return NoStoreResponse();
  Result<std::vector<int64_t>> ids =
      MatchVisibleIds(service.policy, **who, *ctx.store, EntityKind::kPerson, filter);
  if (!ids.ok()) return StatusToHttp(ids.status());
  const size_t total = ids->size();
  const size_t begin = static_cast<size_t>(std::min<int64_t>(page.after, total));
  const size_t end = std::min(total, begin + static_cast<size_t>(page.limit));
  std::vector<Row> rows;
  for (size_t i = begin; i < end; ++i) {
    Result<Row> row = ctx.store->Get(EntityKind::kPerson, (*ids)[i]);
    if (!row.ok()) {
      if (row.status().code() == StatusCode::kNotFound) continue;  // deleted meanwhile
      return StatusToHttp(row.status());
    }
    Status allowed = service.policy.RequireRow(**who, *ctx.store, EntityKind::kPerson, row->id);
    if (allowed.code() == StatusCode::kNotFound) continue;
    if (!allowed.ok()) return StatusToHttp(allowed);
    rows.push_back(std::move(*row));
  }
  // Which criterion and how many answers; never the text searched for (it may be an ID).
  const Status audited = Audit(ctx, kAuditSearch, "persons", kAuditOk,
                               "by=" + criterion + " rows=" + std::to_string(total));
  if (!audited.ok()) return StatusToHttp(audited);

  JsonWriter w;
  w.StartObject().Key("items").StartArray();
  for (const Row& row : rows) WriteRow(w, service, **who, EntityKind::kPerson, row);
  w.EndArray();
  WriteNextAfter(w, static_cast<int64_t>(end), end < total);
  w.Key("total").Int(static_cast<int64_t>(total));
  w.Key("criterion").String(criterion);
  w.EndObject();
  return JsonResponse(w.Take());
}

}  // namespace onetable

#include "mapping/table_scope.h"

#include <algorithm>

#include "model/catalog_keys.h"

namespace onetable::mapping {

namespace {

constexpr char kParam[] = "参数 scope：";

bool AllDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

struct Found {
  EntityKind kind = EntityKind::kCommunity;
  Row row;
};

// The row a scope code names.
Result<Found> Lookup(Store* store, const std::string& code) {
  if (code.size() > 64 || code.find_first_of(" \t\r\n") != std::string::npos) {
    return Status::Invalid(std::string(kParam) + "“" + code.substr(0, 64) + "” 不是区划或网格代码");
  }
  const size_t slash = code.find('/');
  if (slash != std::string::npos) {
    const std::string community = code.substr(0, slash), grid = code.substr(slash + 1);
    auto c = store->FindBy(EntityKind::kCommunity, keys::kCode, community);
    if (!c.ok()) {
      if (c.status().code() != StatusCode::kNotFound) return c.status();
      return Status::NotFound(std::string(kParam) + "找不到代码为 “" + community + "” 的社区");
    }
    ListQuery q;
    q.parent_id = c->id;
    q.equals = {{keys::kCode, grid}};
    ASSIGN_OR_RETURN(std::vector<Row> grids, store->List(EntityKind::kGrid, q));
    if (grids.empty()) {
      return Status::NotFound(std::string(kParam) + "社区 “" + community + "” 下没有编码为 “" +
                              grid + "” 的网格");
    }
    return Found{EntityKind::kGrid, grids.front()};
  }
  if (AllDigits(code)) {
    const EntityKind by_length = code.size() == 6   ? EntityKind::kDistrict
                                 : code.size() == 9 ? EntityKind::kStreet
                                                    : EntityKind::kCommunity;
    if (code.size() == 6 || code.size() == 9 || code.size() == 12) {
      auto row = store->FindBy(by_length, keys::kCode, code);
      if (row.ok()) return Found{by_length, *row};
      if (row.status().code() != StatusCode::kNotFound) return row.status();
    }
  }
  ListQuery q;
  q.equals = {{keys::kCode, code}};
  q.limit = 2;
  ASSIGN_OR_RETURN(std::vector<Row> grids, store->List(EntityKind::kGrid, q));
  if (grids.size() > 1) {
    return Status::Invalid(std::string(kParam) + "有多个社区都有编码为 “" + code +
                           "” 的网格，请写成 社区代码/网格编码");
  }
  if (grids.empty()) {
    return Status::NotFound(std::string(kParam) + "找不到代码为 “" + code +
                            "” 的区县、街道、社区或网格");
  }
  return Found{EntityKind::kGrid, grids.front()};
}

// The scope and its ancestors, the scope first.
Result<std::vector<ScanScope>> Lineage(Store* store, const Found& f) {
  std::vector<ScanScope> out{{f.kind, f.row.id}};
  EntityKind kind = f.kind;
  int64_t parent = f.row.parent_id;
  while (parent != 0 && ParentKind(kind)) {
    kind = *ParentKind(kind);
    ASSIGN_OR_RETURN(Row row, store->Get(kind, parent));
    out.push_back({kind, row.id});
    parent = row.parent_id;
  }
  return out;
}

Result<std::string> NameOf(Store* store, const Found& f) {
  std::string name = f.row.Get(keys::kName) ? *f.row.Get(keys::kName) : "";
  if (f.kind == EntityKind::kGrid) {
    ASSIGN_OR_RETURN(Row community, store->Get(EntityKind::kCommunity, f.row.parent_id));
    if (const std::string* c = community.Get(keys::kName)) name = *c + " " + name;
  }
  return name;
}

}  // namespace

Result<ResolvedScope> ResolveScope(Store* store, const std::string& code,
                                   const std::vector<std::string>& allowed, EntityKind grain) {
  ResolvedScope out;
  std::vector<Found> allowed_rows;
  for (const std::string& a : allowed) {
    ASSIGN_OR_RETURN(Found f, Lookup(store, a));
    allowed_rows.push_back(std::move(f));
  }
  if (code.empty()) {
    for (const Found& f : allowed_rows) {
      if (static_cast<int>(f.kind) > static_cast<int>(grain)) continue;
      out.scopes.push_back({f.kind, f.row.id});
    }
    if (!allowed_rows.empty() && out.scopes.empty()) {
      return Status::Denied(std::string(kParam) + "您可查看的范围小于本表的统计粒度（" +
                            EntityLabel(grain) + "）");
    }
    return out;
  }
  ASSIGN_OR_RETURN(Found f, Lookup(store, code));
  if (static_cast<int>(f.kind) > static_cast<int>(grain)) {
    return Status::Invalid(std::string(kParam) + "本表按" + EntityLabel(grain) +
                           "统计，范围不能是" + EntityLabel(f.kind) + "（“" + code + "”）");
  }
  if (!allowed_rows.empty()) {
    ASSIGN_OR_RETURN(std::vector<ScanScope> lineage, Lineage(store, f));
    bool inside = false;
    for (const Found& a : allowed_rows) {
      for (const ScanScope& s : lineage) inside = inside || (s.kind == a.kind && s.id == a.row.id);
    }
    if (!inside) return Status::Denied(std::string(kParam) + "无权查看 “" + code + "” 的数据");
  }
  out.scopes.push_back({f.kind, f.row.id});
  ASSIGN_OR_RETURN(out.name, NameOf(store, f));
  return out;
}

}  // namespace onetable::mapping

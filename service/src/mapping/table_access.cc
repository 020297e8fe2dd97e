#include "mapping/table_access.h"

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>
#include <utility>

#include "mapping/change_roster.h"
#include "mapping/scan_plan.h"
#include "model/catalog_keys.h"

namespace onetable {
namespace fs = std::filesystem;

bool ValidMappingId(const std::string& id) {
  const size_t slash = id.find('/');
  if (id.size() > 128 || slash == std::string::npos || slash == 0 || slash + 1 == id.size() ||
      id.find('/', slash + 1) != std::string::npos) {
    return false;
  }
  for (char c : id) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '/';
    if (!ok) return false;
  }
  return true;
}

Result<mapping::MappingSpec> LoadMappingById(const AppContext& service, const std::string& id) {
  if (!ValidMappingId(id)) {
    return Status::NotFound("映射ID “" + id.substr(0, 64) +
                            "” 应写成 部门/表名，如 minzheng/gaoling-jintie");
  }
  const std::string path = service.settings.mappings_dir + "/" + id + ".yaml";
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return Status::NotFound("找不到映射 “" + id + "”");
  ASSIGN_OR_RETURN(mapping::MappingSpec spec, mapping::LoadMappingSpec(path, service.catalog));
  if (spec.id != id) {
    return Status::Invalid(id + ".yaml: 文件中的 id “" + spec.id + "” 与文件位置不一致");
  }
  RETURN_IF_ERROR(mapping::CheckOrderBy(spec));
  return spec;
}

Result<std::vector<std::string>> ListMappingIds(const AppContext& service) {
  const std::string& dir = service.settings.mappings_dir;
  std::vector<std::string> ids;
  std::error_code ec;
  if (dir.empty() || !fs::is_directory(dir, ec)) return ids;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file() || it->path().extension() != ".yaml") continue;
    std::string id = fs::relative(it->path(), dir).replace_extension("").generic_string();
    if (ValidMappingId(id)) ids.push_back(std::move(id));
  }
  if (ec) return Status::Internal("cannot read mappings dir " + dir + ": " + ec.message());
  std::sort(ids.begin(), ids.end());
  return ids;
}

namespace {

// Adds to `labels` the label of every field and tag `expr` reads that `who` may not see.
void AddUnseen(const AppContext& service, const Principal& who, const mapping::ExprPtr& expr,
               std::set<std::string>* labels) {
  if (!expr) return;
  mapping::VisitExpr(*expr, [&](const mapping::Expr& e) {
    if (e.kind == mapping::ExprKind::kField && e.field != nullptr &&
        !service.policy.SeesField(who, *e.field)) {
      labels->insert(e.field->label);
    }
    if (e.kind == mapping::ExprKind::kTagAttr || e.kind == mapping::ExprKind::kHasTag) {
      const TagDef* tag = service.catalog.FindTag(e.name);
      if (tag == nullptr) {
        labels->insert(e.name);
      } else if (!service.policy.SeesTag(who, *tag)) {
        labels->insert(tag->label);
      }
    }
  });
}

}  // namespace

bool ReadsIdentifier(const mapping::ExprPtr& expr) {
  bool reads = false;
  if (!expr) return reads;
  mapping::VisitExpr(*expr, [&](const mapping::Expr& e) {
    if (e.kind == mapping::ExprKind::kField && e.field != nullptr && IsIdentifier(*e.field)) {
      reads = true;
    }
  });
  return reads;
}

namespace {

}  // namespace

std::vector<bool> MaskedColumns(const AppContext& service, const Principal& who,
                                const mapping::MappingSpec& spec) {
  std::vector<bool> masked;
  for (const mapping::ColumnSpec& column : spec.columns) {
    std::set<std::string> unseen;
    AddUnseen(service, who, column.value, &unseen);
    const bool identifier = ReadsIdentifier(column.value) &&
                            !service.policy.SeesIdentifierColumn(who, spec.id, column.header);
    masked.push_back(!unseen.empty() || identifier);
  }
  return masked;
}

std::vector<bool> MinorMaskedColumns(const AppContext& service, const Principal& who,
                                     const mapping::MappingSpec& spec) {
  std::vector<bool> out(spec.columns.size(), false);
  if (service.policy.SeesMinorsIdentifiers(who)) return out;
  for (size_t i = 0; i < spec.columns.size(); ++i) out[i] = ReadsIdentifier(spec.columns[i].value);
  return out;
}

std::vector<std::string> UnseenRowSelectors(const AppContext& service, const Principal& who,
                                            const mapping::MappingSpec& spec) {
  std::set<std::string> unseen;
  AddUnseen(service, who, spec.where, &unseen);
  for (const mapping::OrderSpec& order : spec.order_by) AddUnseen(service, who, order.expr, &unseen);
  AddUnseen(service, who, spec.subtotal_by, &unseen);
  return {unseen.begin(), unseen.end()};
}

Status RequireRowSelectorsSeen(const AppContext& service, const Principal& who,
                               const mapping::MappingSpec& spec) {
  const std::vector<std::string> unseen = UnseenRowSelectors(service, who, spec);
  if (unseen.empty()) return Status::Ok();
  std::string names;
  for (const std::string& label : unseen) names += (names.empty() ? "“" : "、“") + label + "”";
  return Status::Denied("报表“" + spec.title + "”按敏感信息" + names +
                        "选取或排列人员，名单本身即属敏感信息；当前账号未获该敏感信息的授权");
}

Result<std::vector<std::string>> AllowedScopes(const AppContext& service, const Principal& who,
                                               Store& store) {
  ASSIGN_OR_RETURN(RowScope visible, service.policy.Visible(who, store));
  std::vector<std::string> codes;
  const Status none = Status::Denied("当前账号没有可查看的社区或网格，不能生成报表");
  if (visible.grid_ids.has_value()) {
    for (int64_t id : *visible.grid_ids) {
      ASSIGN_OR_RETURN(Row grid, store.Get(EntityKind::kGrid, id));
      ASSIGN_OR_RETURN(Row community, store.Get(EntityKind::kCommunity, grid.parent_id));
      const std::string* g = grid.Get(keys::kCode);
      const std::string* c = community.Get(keys::kCode);
      if (g != nullptr && c != nullptr) codes.push_back(*c + "/" + *g);
    }
    if (codes.empty()) return none;
    return codes;
  }
  if (visible.community_ids.has_value()) {
    for (int64_t id : *visible.community_ids) {
      ASSIGN_OR_RETURN(Row community, store.Get(EntityKind::kCommunity, id));
      if (const std::string* c = community.Get(keys::kCode)) codes.push_back(*c);
    }
    if (codes.empty()) return none;
  }
  return codes;
}

Result<mapping::TableResult> GenerateFor(const AppContext& service, const Principal& who,
                                         Store& store, const mapping::MappingSpec& spec,
                                         const TableParams& params, int64_t max_rows,
                                         mapping::TableSink* sink) {
  RETURN_IF_ERROR(RequireRowSelectorsSeen(service, who, spec));
  mapping::TableRequest request;
  request.scope = params.scope;
  request.as_of = params.as_of;
  request.max_rows = max_rows;
  request.minor_masked = MinorMaskedColumns(service, who, spec);
  request.only_ids = params.only_ids;
  request.row_key = params.row_key;
  ASSIGN_OR_RETURN(request.allowed_scopes, AllowedScopes(service, who, store));
  if (!params.changes_since.empty()) {
    return mapping::GenerateChanges(service.catalog, &store, spec, request, params.changes_since,
                                    MaskedColumns(service, who, spec), sink);
  }
  MaskingSink masking(sink, MaskedColumns(service, who, spec));
  mapping::TableGenerator generator(service.catalog, &store);
  return generator.Generate(spec, request, &masking);
}

std::vector<std::string> MaskingSink::Mask(const std::vector<std::string>& cells,
                                           bool total) const {
  std::vector<std::string> out = cells;
  for (size_t i = 0; i < out.size() && i < masked_.size(); ++i) {
    if (masked_[i] && (!total || !out[i].empty())) out[i] = kMaskedValue;
  }
  return out;
}

Status MaskingSink::Row(const std::vector<std::string>& cells) {
  return inner_->Row(Mask(cells, false));
}

Status MaskingSink::TotalRow(const std::vector<std::string>& cells) {
  return inner_->TotalRow(Mask(cells, true));
}

Status CollectingSink::Begin(const mapping::TableMeta& meta) {
  meta_ = meta;
  return Status::Ok();
}

Status CollectingSink::Row(const std::vector<std::string>& cells) {
  lines_.push_back({cells, false});
  return Status::Ok();
}

Status CollectingSink::TotalRow(const std::vector<std::string>& cells) {
  lines_.push_back({cells, true});
  return Status::Ok();
}

std::vector<MappingProblem> SplitProblems(const std::string& status_message) {
  static const std::regex kLine(R"(^(.*?):(\d{1,9}):(\d{1,9}): (.*)$)");
  std::vector<MappingProblem> out;
  size_t start = 0;
  while (start < status_message.size()) {
    size_t end = status_message.find('\n', start);
    if (end == std::string::npos) end = status_message.size();
    std::string line = status_message.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    MappingProblem p;
    p.text = line;
    std::smatch m;
    if (std::regex_match(line, m, kLine)) {
      p.file = m[1];
      p.line = std::stoi(m[2]);
      p.column = std::stoi(m[3]);
      p.message = m[4];
    } else {
      p.message = line;
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace onetable

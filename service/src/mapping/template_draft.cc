#include "mapping/template_draft.h"

#include <string_view>

#include "model/text.h"

namespace onetable::mapping {

namespace {

constexpr size_t kHeaderScanRows = 30;

// Blanks, line breaks and "required" stars removed, full width folded: "公民身份\n号码 *" →
// 公民身份号码.
std::string Normalize(std::string_view header) {
  std::string folded = FoldWidth(header);
  std::string out;
  for (char c : folded) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '*') continue;
    out += c;
  }
  return out;
}

std::string ValueOf(const FieldDef& f, const std::string& prefix) {
  if (f.type == FieldType::kCode) return "label(" + prefix + f.key + ")";
  return prefix + f.key;
}

bool SameName(const std::string& normalized, const FieldDef& f) {
  if (Normalize(f.label) == normalized) return true;
  for (const std::string& a : f.aliases) {
    if (Normalize(a) == normalized) return true;
  }
  return false;
}

std::string Quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n' || c == '\r') {
      out += ' ';
      continue;
    }
    out += c;
  }
  return out + "\"";
}

size_t NonEmpty(const std::vector<std::string>& row, std::string* only) {
  size_t n = 0;
  for (const std::string& cell : row) {
    std::string t(TrimWideBlank(cell));
    if (t.empty()) continue;
    if (n++ == 0 && only) *only = t;
  }
  return n;
}

}  // namespace

std::string MatchColumn(const Catalog& catalog, const std::string& header) {
  const std::string n = Normalize(header);
  if (n.empty()) return "";
  if (n == "序号" || n == "编号" || n == "序") return "row_number()";
  if (const FieldDef* f = catalog.MatchHeader(EntityKind::kPerson, n)) return ValueOf(*f, "");
  for (int k = static_cast<int>(EntityKind::kHousehold); k >= 0; --k) {
    const EntityKind kind = static_cast<EntityKind>(k);
    if (const FieldDef* f = catalog.MatchHeader(kind, n)) {
      return ValueOf(*f, std::string(EntityName(kind)) + ".");
    }
  }
  const std::string head = "户主";
  if (n.compare(0, head.size(), head) == 0) {
    const std::string rest = n.substr(head.size());
    if (rest.empty()) return "household.head.name";
    if (const FieldDef* f = catalog.MatchHeader(EntityKind::kPerson, rest)) {
      if (!f->derived) return ValueOf(*f, "household.head.");
    }
  }
  for (const TagDef& tag : catalog.tags()) {
    for (const FieldDef& attr : tag.attributes) {
      if (SameName(n, attr)) return ValueOf(attr, "tag(" + tag.key + ").");
    }
  }
  return "";
}

Result<MappingDraft> DraftMapping(const Catalog& catalog,
                                  const std::vector<std::vector<std::string>>& rows,
                                  const std::string& source, const std::string& title) {
  MappingDraft draft;
  size_t best = 0, best_row = rows.size();
  for (size_t r = 0; r < rows.size() && r < kHeaderScanRows; ++r) {
    size_t score = 0;
    for (const std::string& cell : rows[r]) score += MatchColumn(catalog, cell).empty() ? 0 : 1;
    if (score > best) {
      best = score;
      best_row = r;
    }
  }
  if (best_row == rows.size()) {
    // Nothing matched: take the first row with several cells, and list them all as unmatched.
    for (size_t r = 0; r < rows.size() && r < kHeaderScanRows; ++r) {
      if (NonEmpty(rows[r], nullptr) >= 2) {
        best_row = r;
        break;
      }
    }
  }
  if (best_row == rows.size()) {
    return Status::Invalid(source + ": 前 " + std::to_string(kHeaderScanRows) +
                           " 行中找不到表头行（至少两个非空的列标题）");
  }
  draft.header_row = static_cast<int>(best_row) + 1;
  draft.title = title;
  for (size_t r = 0; r < best_row && draft.title.empty(); ++r) {
    std::string only;
    if (NonEmpty(rows[r], &only) == 1) draft.title = only;
  }
  if (draft.title.empty()) {
    std::string stem = source.substr(source.find_last_of('/') + 1);
    draft.title = stem.substr(0, stem.find_last_of('.'));
  }

  std::string columns;
  for (size_t c = 0; c < rows[best_row].size(); ++c) {
    const std::string header(TrimWideBlank(rows[best_row][c]));
    if (header.empty()) continue;  // the tail of a merged cell
    DraftColumn col{header, static_cast<int>(c) + 1, MatchColumn(catalog, header)};
    if (col.value.empty()) {
      draft.unmatched.push_back(col);
      columns += "  # 未能匹配字段目录，请填写取值表达式后取消注释：\n";
      columns += "  # - {header: " + Quoted(header) + ", value: \"\"}\n";
    } else {
      columns += "  - {header: " + Quoted(header) + ", value: " + Quoted(col.value) + "}\n";
    }
    draft.columns.push_back(std::move(col));
  }

  std::string& y = draft.yaml;
  y += "# 映射草稿：由 " + source + " 生成（onetable mapping draft）。\n";
  y += "# 请核对每一列，填写 id、department、purpose、legal_basis，\n";
  y += "# 保存为 mappings/<部门>/<表名>.yaml，再用 onetable check 检查。\n";
  y += "id: draft/untitled\n";
  y += "title: " + Quoted(draft.title) + "\n";
  y += "department: \"待填写\"\n";
  y += "purpose: \"待填写：本表用途（个人信息保护法第六条）\"\n";
  y += "grain: person\n";
  y += "where: alive\n";
  y += "columns:\n" + columns;
  return draft;
}

}  // namespace onetable::mapping

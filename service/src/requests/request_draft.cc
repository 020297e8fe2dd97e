#include "requests/request_draft.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>
#include <string_view>

#include "mapping/table_access.h"
#include "onetable/text.h"

namespace onetable::requests {
namespace {

// A YAML double-quoted scalar: every character as it is, but for the escapes YAML needs.
std::string Quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

bool IsBlankValue(const std::string& value) {
  const std::string v(TrimBlank(value));
  return v.empty() || v == "''" || v == "\"\"";
}

bool ReadsRegister(const mapping::Expr& root) {
  bool reads = false;
  mapping::VisitExpr(root, [&](const mapping::Expr& e) {
    switch (e.kind) {
      case mapping::ExprKind::kField:
      case mapping::ExprKind::kAlive:
      case mapping::ExprKind::kHasTag:
      case mapping::ExprKind::kTagAttr:
      case mapping::ExprKind::kAggregate:
        reads = true;
        break;
      case mapping::ExprKind::kCall:
        reads = reads || (e.name == "age" && e.children.empty());
        break;
      default:
        break;
    }
  });
  return reads;
}

// Labels of the sensitive fields and tags `expr` reads that `who` may not see.
std::vector<std::string> Unseen(const AppContext& app, const Principal& who,
                                const mapping::Expr& expr) {
  std::set<std::string> labels;
  mapping::VisitExpr(expr, [&](const mapping::Expr& e) {
    if (e.kind == mapping::ExprKind::kField && e.field != nullptr &&
        !app.policy.SeesField(who, *e.field)) {
      labels.insert(e.field->label);
    }
    if (e.kind == mapping::ExprKind::kTagAttr || e.kind == mapping::ExprKind::kHasTag) {
      const TagDef* tag = app.catalog.FindTag(e.name);
      if (tag != nullptr && !app.policy.SeesTag(who, *tag)) labels.insert(tag->label);
    }
  });
  return {labels.begin(), labels.end()};
}

// Keys of the sensitive fields and tags `expr` reads that `who` may not see.
std::set<std::string> UnseenKeys(const AppContext& app, const Principal& who,
                                 const mapping::ExprPtr& expr) {
  std::set<std::string> keys;
  if (!expr) return keys;
  mapping::VisitExpr(*expr, [&](const mapping::Expr& e) {
    if (e.kind == mapping::ExprKind::kField && e.field != nullptr &&
        !app.policy.SeesField(who, *e.field)) {
      keys.insert(e.field->key);
    }
    if (e.kind == mapping::ExprKind::kTagAttr || e.kind == mapping::ExprKind::kHasTag) {
      const TagDef* tag = app.catalog.FindTag(e.name);
      if (tag != nullptr && !app.policy.SeesTag(who, *tag)) keys.insert(tag->key);
    }
  });
  return keys;
}

// `who` as it would be once granted the table itself (its columns' masks then depend only on
// column and sensitive-data grants).
Principal WithTable(const Principal& who, const std::string& mapping_id) {
  Principal p = who;
  p.grants.push_back(mapping_id);
  return p;
}

// A YAML double-quoted list of codes for an `in (...)` test.
std::string CodeList(const std::vector<std::string>& codes) {
  std::string out;
  for (const std::string& code : codes) out += (out.empty() ? "" : ", ") + Quoted(code);
  return "(" + out + ")";
}

bool ValidDepartmentPart(const std::string& part) {
  if (part.empty() || part.size() > 40) return false;
  for (char c : part) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

const char* ColumnFillName(ColumnFill fill) {
  switch (fill) {
    case ColumnFill::kRegister:
      return "register";
    case ColumnFill::kIdentifier:
      return "identifier";
    case ColumnFill::kSensitive:
      return "sensitive";
    case ColumnFill::kBlank:
      return "blank";
    case ColumnFill::kNumber:
      return "number";
  }
  return "blank";
}

int DraftPlan::Count(ColumnFill fill) const {
  return static_cast<int>(std::count_if(columns.begin(), columns.end(),
                                        [fill](const ColumnPlan& c) { return c.fill == fill; }));
}

std::vector<std::string> DraftPlan::SensitiveHeaders() const {
  std::vector<std::string> out;
  for (const ColumnPlan& c : columns) {
    if (c.fill == ColumnFill::kSensitive || c.fill == ColumnFill::kIdentifier) {
      out.push_back(c.header);
    }
  }
  return out;
}

std::string DefaultMappingId(const std::string& account, int64_t request_id) {
  std::string part = AsciiLower(account);
  std::replace(part.begin(), part.end(), '.', '-');
  if (!ValidDepartmentPart(part)) part = "requests";
  return part + "/request-" + std::to_string(request_id);
}

std::string RequestDraftYaml(const mapping::MappingDraft& draft, const RequestForm& form,
                             const std::string& mapping_id, const std::string& department) {
  std::string y;
  y += "# 新表申请的映射草稿：由部门空白模板 " + form.template_name + " 生成。\n";
  y += "# 审核时可修改各列取值、删去不需要的列；取值为 '' 的列登记库无法填写，\n";
  y += "# 表中打印为空白，由部门手工填写。\n";
  y += "id: " + mapping_id + "\n";
  y += "title: " + Quoted(form.title) + "\n";
  y += "department: " + Quoted(department) + "\n";
  y += "purpose: " + Quoted(form.purpose) + "\n";
  y += "legal_basis: " + Quoted(form.legal_basis) + "\n";
  y += "grain: person\n";
  if (!form.as_of_rule.empty()) y += "as_of: " + Quoted(form.as_of_rule) + "\n";
  y += "where: alive\n";
  y += "columns:\n";
  for (const mapping::DraftColumn& c : draft.columns) {
    if (c.value.empty()) {
      y += "  - {header: " + Quoted(c.header) + ", value: \"" + kBlankValue +
           "\"}  # 登记库无法填写：打印为空白\n";
    } else {
      y += "  - {header: " + Quoted(c.header) + ", value: " + Quoted(c.value) + "}\n";
    }
  }
  return y;
}

DraftPlan PlanColumns(const AppContext& app, const Principal& who,
                      const mapping::MappingSpec& spec) {
  DraftPlan plan;
  const std::vector<bool> masked = MaskedColumns(app, WithTable(who, spec.id), spec);
  for (size_t i = 0; i < spec.columns.size(); ++i) {
    const mapping::ColumnSpec& c = spec.columns[i];
    ColumnPlan p;
    p.header = c.header;
    p.value = c.value_text;
    if (IsBlankValue(c.value_text)) {
      p.fill = ColumnFill::kBlank;
    } else if (c.value == nullptr || !ReadsRegister(*c.value)) {
      p.fill = ColumnFill::kNumber;
    } else {
      p.needs = Unseen(app, who, *c.value);
      if (!p.needs.empty()) {
        p.fill = ColumnFill::kSensitive;
      } else {
        p.fill = i < masked.size() && masked[i] ? ColumnFill::kIdentifier : ColumnFill::kRegister;
      }
    }
    plan.columns.push_back(std::move(p));
  }
  plan.row_selectors = UnseenRowSelectors(app, who, spec);
  return plan;
}

Result<std::string> NarrowColumns(const std::string& yaml, const std::vector<std::string>& keep,
                                  const std::vector<std::string>& scope,
                                  const std::string& comment) {
  if (keep.empty()) return Status::Invalid("至少要保留一列");
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    return Status::Invalid(std::string("映射草稿不是有效的 YAML：") + e.what());
  }
  if (!root.IsMap() || !root["columns"] || !root["columns"].IsSequence()) {
    return Status::Invalid("映射草稿没有列（columns）");
  }
  std::set<std::string> wanted(keep.begin(), keep.end());
  std::set<std::string> found;
  YAML::Node kept(YAML::NodeType::Sequence);
  for (const YAML::Node& column : root["columns"]) {
    std::string header;
    if (column.IsMap() && column["header"] && column["header"].IsScalar()) {
      header = column["header"].as<std::string>();
    }
    if (wanted.count(header) == 0) continue;
    found.insert(header);
    kept.push_back(column);
  }
  for (const std::string& h : keep) {
    if (found.count(h) == 0) return Status::Invalid("映射草稿中没有列“" + h + "”");
  }
  root["columns"] = kept;
  if (!scope.empty()) {
    std::string where;
    if (root["where"] && root["where"].IsScalar()) where = root["where"].as<std::string>();
    const std::string in_scope = "community.code in " + CodeList(scope);
    root["where"] = TrimBlank(where).empty() ? in_scope : "(" + where + ") and " + in_scope;
  }
  YAML::Emitter out;
  out << root;
  if (!out.good()) return Status::Internal(std::string("emitting YAML: ") + out.GetLastError());
  std::string text;
  for (std::string_view line : Split(comment, '\n')) text += "# " + std::string(line) + "\n";
  return text + out.c_str() + "\n";
}

}  // namespace onetable::requests

namespace onetable::requests {

Result<std::vector<std::string>> GrantsFor(const AppContext& app, const Principal& who,
                                           const mapping::MappingSpec& spec,
                                           const std::vector<std::string>& unmasked) {
  const Principal base = WithTable(who, spec.id);
  const std::vector<bool> before = MaskedColumns(app, base, spec);
  std::vector<bool> chosen(spec.columns.size(), false);
  std::set<std::string> keys;
  std::vector<std::string> identifier_columns;
  for (const std::string& header : unmasked) {
    size_t i = 0;
    while (i < spec.columns.size() && spec.columns[i].header != header) ++i;
    if (i == spec.columns.size()) {
      return Status::Invalid("要授权完整显示的列“" + header + "”不在批准的列中");
    }
    if (!before[i]) return Status::Invalid("列“" + header + "”并不遮蔽，无需授权");
    if (header.find(',') != std::string::npos) {
      return Status::Invalid("列“" + header + "”的标题含逗号，无法按列授权：请在草稿中改名");
    }
    if (chosen[i]) continue;
    chosen[i] = true;
    const std::set<std::string> unseen = UnseenKeys(app, base, spec.columns[i].value);
    keys.insert(unseen.begin(), unseen.end());
    if (ReadsIdentifier(spec.columns[i].value)) identifier_columns.push_back(header);
  }
  // Sensitive data that chooses, orders or groups the rows (a where on 低保, say): without it the
  // whole table is refused (table_access.h RequireRowSelectorsSeen), so the approval grants it too.
  std::set<std::string> row_keys = UnseenKeys(app, base, spec.where);
  for (const mapping::OrderSpec& order : spec.order_by) {
    const std::set<std::string> unseen = UnseenKeys(app, base, order.expr);
    row_keys.insert(unseen.begin(), unseen.end());
  }
  const std::set<std::string> subtotal = UnseenKeys(app, base, spec.subtotal_by);
  row_keys.insert(subtotal.begin(), subtotal.end());
  keys.insert(row_keys.begin(), row_keys.end());
  std::vector<std::string> grants;
  std::string table = spec.id;
  for (size_t k = 0; k < identifier_columns.size(); ++k) {
    table += (k == 0 ? ":" : ",") + identifier_columns[k];
  }
  grants.push_back(table);
  for (const std::string& key : keys) grants.push_back("sensitive:" + key);

  Principal after = who;
  after.grants.insert(after.grants.end(), grants.begin(), grants.end());
  const std::vector<bool> now = MaskedColumns(app, after, spec);
  for (size_t i = 0; i < spec.columns.size(); ++i) {
    if (chosen[i] && now[i]) {
      return Status::Invalid("列“" + spec.columns[i].header + "”授权后仍会遮蔽，无法按申请授权");
    }
    const std::set<std::string> reads = UnseenKeys(app, base, spec.columns[i].value);
    const bool selects = std::any_of(reads.begin(), reads.end(), [&row_keys](const std::string& k) {
      return row_keys.count(k) > 0;
    });
    if (!chosen[i] && before[i] && !now[i] && selects) {
      return Status::Invalid("列“" + spec.columns[i].header +
                             "”读取的敏感信息也用于选取人员，按申请授权后该列也会完整显示：请把它"
                             "一并选为完整显示，或删去该列");
    }
    if (!chosen[i] && before[i] && !now[i]) {
      return Status::Invalid("列“" + spec.columns[i].header +
                             "”与所选的敏感列读取同一项敏感信息，授权后也会完整显示：请一并选中，"
                             "或一并不选");
    }
  }
  return grants;
}

std::vector<std::string> GrantLabels(const AppContext& app, const mapping::MappingSpec& spec,
                                     const std::vector<std::string>& grants) {
  // Every field and tag that chooses, orders or groups the rows.
  std::set<std::string> selects;
  const auto collect = [&selects](const mapping::ExprPtr& expr) {
    if (!expr) return;
    mapping::VisitExpr(*expr, [&selects](const mapping::Expr& e) {
      if (e.kind == mapping::ExprKind::kField && e.field != nullptr) selects.insert(e.field->key);
      if (e.kind == mapping::ExprKind::kTagAttr || e.kind == mapping::ExprKind::kHasTag) {
        selects.insert(e.name);
      }
    });
  };
  collect(spec.where);
  for (const mapping::OrderSpec& order : spec.order_by) collect(order.expr);
  collect(spec.subtotal_by);
  constexpr std::string_view kSensitive = "sensitive:";
  std::vector<std::string> out;
  for (const std::string& grant : grants) {
    if (grant.rfind(kSensitive, 0) == 0) {
      const std::string key = grant.substr(kSensitive.size());
      std::string label = key;
      if (const TagDef* tag = app.catalog.FindTag(key)) {
        label = tag->label;
      } else {
        for (const FieldDef& f : app.catalog.fields()) {
          if (f.key == key) {
            label = f.label;
            break;
          }
        }
      }
      out.push_back("敏感信息“" + label + "”" +
                    (selects.count(key) > 0 ? "（此表按它选取人员，不授权则整张表不能下载）" : "") +
                    "：账号内所有读取它的报表均完整显示");
      continue;
    }
    const size_t colon = grant.find(':');
    if (colon == std::string::npos) {
      out.push_back("报表 " + grant);
    } else {
      const std::string columns = grant.substr(colon + 1);  // Split views into it
      std::string joined;
      for (std::string_view c : Split(columns, ',')) {
        joined += (joined.empty() ? "" : "、") + std::string(c);
      }
      out.push_back("报表 " + grant.substr(0, colon) + "，完整显示列：" + joined);
    }
  }
  return out;
}

}  // namespace onetable::requests

#include "ingest/record_mapper.h"

#include "onetable/text.h"

namespace onetable {
namespace {

bool IsBlank(const std::optional<std::string>& v) { return !v || TrimHeaderBlank(*v).empty(); }

}  // namespace

RecordMapper::RecordMapper(const ConnectorSpec& spec, const Catalog& catalog,
                           const Validator& validator)
    : spec_(spec), catalog_(catalog), validator_(validator) {}

int RecordMapper::FindColumn(const SourceRow& row, const std::string& name, EntityKind entity,
                             const FieldDef* field, bool attribute) {
  std::string wanted(TrimHeaderBlank(name));
  for (size_t i = 0; i < row.fields.size(); ++i) {
    if (TrimHeaderBlank(row.fields[i].first) == wanted) return static_cast<int>(i);
  }
  for (size_t i = 0; i < row.fields.size(); ++i) {
    std::string header(TrimHeaderBlank(row.fields[i].first));
    if (!attribute) {
      if (catalog_.MatchHeader(entity, header) == field) return static_cast<int>(i);
      continue;
    }
    if (TrimHeaderBlank(field->label) == header) return static_cast<int>(i);
    for (const std::string& alias : field->aliases) {
      if (TrimHeaderBlank(alias) == header) return static_cast<int>(i);
    }
  }
  missing_.insert(name);
  return -1;
}

const RecordMapper::Resolved& RecordMapper::ResolveColumns(const SourceRow& row) {
  std::string signature;
  for (const auto& f : row.fields) signature += f.first + '\x1f';
  if (signature == header_signature_ && !resolved_.field_columns.empty()) return resolved_;
  header_signature_ = signature;
  resolved_ = Resolved();
  for (const FieldMapping& m : spec_.fields) {
    resolved_.field_columns.push_back(FindColumn(row, m.source.column, m.entity, m.field, false));
  }
  for (const TagRule& rule : spec_.tags) {
    std::vector<int> cols;
    for (const auto& [attr, ref] : rule.attrs) {
      cols.push_back(FindColumn(row, ref.column, EntityKind::kPerson, attr, true));
    }
    resolved_.attr_columns.push_back(std::move(cols));
    std::vector<int> when_cols;
    if (rule.when) {
      for (const std::string& column : rule.when->columns()) {
        const std::string wanted = std::string(TrimHeaderBlank(column));
        int found = -1;
        for (size_t i = 0; i < row.fields.size() && found < 0; ++i) {
          if (TrimHeaderBlank(row.fields[i].first) == wanted) found = static_cast<int>(i);
        }
        if (found < 0) missing_rule_.insert(column);
        when_cols.push_back(found);
      }
    }
    resolved_.when_columns.push_back(std::move(when_cols));
  }
  return resolved_;
}

bool RecordMapper::Normalize(const FieldDef& field, const ColumnRef& ref, std::string* value,
                             std::string* reason) const {
  std::string v(TrimHeaderBlank(*value));
  bool mapped = false;
  if (!ref.codes.empty()) {
    auto it = ref.codes.find(v);
    if (it != ref.codes.end()) {
      v = it->second;
      mapped = true;
    }
  }
  std::string original = v;
  if (std::optional<Problem> problem = validator_.NormalizeField(field, &v)) {
    if (!ref.codes.empty() && !mapped) {
      *reason = field.label + "：“" + original + "” 不在连接器的代码映射中，也不是有效的代码（" +
                problem->message + "）";
    } else {
      *reason = field.label + "：" + problem->message;
    }
    return false;
  }
  *value = v;
  return true;
}

MappedRecord RecordMapper::Map(const SourceRow& row) {
  MappedRecord out;
  const Resolved& cols = ResolveColumns(row);
  std::map<std::string, std::string> column_of;  // field key -> source column used
  for (size_t i = 0; i < spec_.fields.size(); ++i) {
    const FieldMapping& m = spec_.fields[i];
    int idx = cols.field_columns[i];
    if (idx < 0) continue;
    const auto& cell = row.fields[static_cast<size_t>(idx)];
    if (IsBlank(cell.second)) continue;
    std::string v = *cell.second;
    std::string reason;
    if (!Normalize(*m.field, m.source, &v, &reason)) {
      out.issues.push_back({cell.first, reason});
      continue;
    }
    if (v.empty()) continue;
    if (m.entity == spec_.entity) {
      out.values[m.field->key] = v;
      column_of[m.field->key] = cell.first;
    } else {
      out.parent[std::string(EntityName(m.entity)) + "." + m.field->key] = v;
    }
  }
  if (out.issues.empty() && !out.values.empty()) {
    std::map<std::string, std::string> checked = out.values;
    std::vector<FieldIssue> issues = validator_.NormalizeRecord(spec_.entity, &checked, false);
    for (const FieldIssue& issue : issues) {
      auto it = column_of.find(issue.field);
      out.issues.push_back({it == column_of.end() ? issue.field : it->second, issue.message});
    }
    if (issues.empty()) {
      out.values.clear();
      for (auto& [k, v] : checked) {
        if (v.empty()) continue;
        if (!column_of.count(k)) out.derived.insert(k);
        out.values[k] = v;
      }
    }
  }

  std::vector<expr::Value> slots;
  for (size_t r = 0; r < spec_.tags.size(); ++r) {
    const TagRule& rule = spec_.tags[r];
    if (rule.when) {
      slots.clear();
      for (int idx : cols.when_columns[r]) {
        slots.push_back(idx < 0 ? expr::Value::Null()
                                : expr::SourceValue(row.fields[static_cast<size_t>(idx)].second));
      }
      Result<bool> holds = rule.when->Matches(slots);
      if (!holds.ok()) {
        out.issues.push_back({"", rule.tag->label + "的条件无法求值：" + holds.status().message()});
        continue;
      }
      if (!*holds) continue;
    }
    MappedTag tag;
    tag.tag = rule.tag;
    for (size_t a = 0; a < rule.attrs.size(); ++a) {
      int idx = cols.attr_columns[r][a];
      if (idx < 0) continue;
      const auto& cell = row.fields[static_cast<size_t>(idx)];
      if (IsBlank(cell.second)) continue;
      std::string v = *cell.second;
      std::string reason;
      if (!Normalize(*rule.attrs[a].first, rule.attrs[a].second, &v, &reason)) {
        out.issues.push_back({cell.first, rule.tag->label + "的" + reason});
        continue;
      }
      if (!v.empty()) tag.attrs[rule.attrs[a].first->key] = v;
    }
    out.tags.push_back(std::move(tag));
  }

  for (const FieldMapping& m : spec_.match) {
    auto it = out.values.find(m.field->key);
    if (it == out.values.end()) {
      out.identity_key.clear();
      break;
    }
    out.identity_key += (out.identity_key.empty() ? "" : "&") + m.field->key + "=" + it->second;
  }
  return out;
}

}  // namespace onetable

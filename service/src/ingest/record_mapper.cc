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

RecordMapper::RefColumns RecordMapper::ResolveRef(const SourceRow& row, const ColumnRef& ref,
                                                  EntityKind entity, const FieldDef* field,
                                                  bool attribute) {
  RefColumns out;
  if (!ref.value) {
    out.column = FindColumn(row, ref.column, entity, field, attribute);
    if (out.column < 0) resolved_.missing = true;
    return out;
  }
  for (const std::string& column : ref.value->columns()) {
    const std::string wanted = std::string(TrimHeaderBlank(column));
    int found = -1;
    for (size_t i = 0; i < row.fields.size() && found < 0; ++i) {
      if (TrimHeaderBlank(row.fields[i].first) == wanted) found = static_cast<int>(i);
    }
    if (found < 0) {
      missing_value_.insert(column);
      resolved_.missing = true;
    }
    out.reads.push_back(found);
  }
  return out;
}

const RecordMapper::Resolved& RecordMapper::ResolveColumns(const SourceRow& row) {
  std::string signature;
  for (const auto& f : row.fields) signature += f.first + '\x1f';
  if (signature == header_signature_ && !resolved_.field_columns.empty()) return resolved_;
  header_signature_ = signature;
  resolved_ = Resolved();
  for (const FieldMapping& m : spec_.fields) {
    resolved_.field_columns.push_back(ResolveRef(row, m.source, m.entity, m.field, false));
  }
  for (const TagRule& rule : spec_.tags) {
    std::vector<RefColumns> cols;
    for (const auto& [attr, ref] : rule.attrs) {
      cols.push_back(ResolveRef(row, ref, EntityKind::kPerson, attr, true));
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

bool RecordMapper::RawValue(const SourceRow& row, const ColumnRef& ref, const RefColumns& cols,
                            std::optional<std::string>* out, std::string* column,
                            MappingIssue* issue) const {
  out->reset();
  if (!ref.value) {
    if (cols.column < 0) return true;
    const auto& cell = row.fields[static_cast<size_t>(cols.column)];
    *column = cell.first;
    if (!IsBlank(cell.second)) *out = *cell.second;
    return true;
  }
  *column = ref.value->text();
  std::vector<expr::Value> slots;
  slots.reserve(cols.reads.size());
  for (int idx : cols.reads) {
    slots.push_back(idx < 0 ? expr::Value::Null()
                            : expr::SourceValue(row.fields[static_cast<size_t>(idx)].second));
  }
  Result<expr::Value> v = ref.value->Eval(slots);
  if (!v.ok()) {
    issue->column = *column;
    issue->reason = "取值表达式 " + ref.value->text() + " 无法求值：" + v.status().message();
    issue->kind = kProblemTransformFailed;
    return false;
  }
  if (!v->is_null()) {
    std::string text = v->ToCanonical();
    if (!TrimHeaderBlank(text).empty()) *out = std::move(text);
  }
  return true;
}

bool RecordMapper::Normalize(const FieldDef& field, const ColumnRef& ref, std::string* value,
                             std::string* reason, std::string* kind) const {
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
    *kind = problem->code == "code_unknown" ? kProblemUnknownCode : kProblemInvalidValue;
    if (!ref.codes.empty() && !mapped) {
      if (field.type == FieldType::kCode) *kind = kProblemUnknownCode;
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
  out.missing_columns = cols.missing;
  for (size_t i = 0; i < spec_.fields.size(); ++i) {
    const FieldMapping& m = spec_.fields[i];
    std::optional<std::string> raw;
    std::string column;
    MappingIssue failed;
    if (!RawValue(row, m.source, cols.field_columns[i], &raw, &column, &failed)) {
      out.issues.push_back(std::move(failed));
      continue;
    }
    if (!raw) continue;
    std::string v = std::move(*raw);
    std::string reason, kind;
    if (!Normalize(*m.field, m.source, &v, &reason, &kind)) {
      out.issues.push_back({column, reason, kind});
      continue;
    }
    if (v.empty()) continue;
    if (m.entity == spec_.entity) {
      out.values[m.field->key] = v;
      column_of[m.field->key] = column;
    } else {
      out.parent[std::string(EntityName(m.entity)) + "." + m.field->key] = v;
    }
  }
  if (out.issues.empty() && !out.values.empty()) {
    std::map<std::string, std::string> checked = out.values;
    std::vector<FieldIssue> issues = validator_.NormalizeRecord(spec_.entity, &checked, false);
    for (const FieldIssue& issue : issues) {
      auto it = column_of.find(issue.field);
      out.issues.push_back(
          {it == column_of.end() ? issue.field : it->second, issue.message,
           issue.code == "code_unknown" ? kProblemUnknownCode : kProblemInconsistent});
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
        out.issues.push_back({"", rule.tag->label + "的条件无法求值：" + holds.status().message(),
                              kProblemTagRuleFailed});
        continue;
      }
      if (!*holds) continue;
    }
    MappedTag tag;
    tag.tag = rule.tag;
    for (size_t a = 0; a < rule.attrs.size(); ++a) {
      std::optional<std::string> raw;
      std::string column;
      MappingIssue failed;
      if (!RawValue(row, rule.attrs[a].second, cols.attr_columns[r][a], &raw, &column, &failed)) {
        out.issues.push_back(std::move(failed));
        continue;
      }
      if (!raw) continue;
      std::string v = std::move(*raw);
      std::string reason, kind;
      if (!Normalize(*rule.attrs[a].first, rule.attrs[a].second, &v, &reason, &kind)) {
        out.issues.push_back({column, rule.tag->label + "的" + reason, kind});
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

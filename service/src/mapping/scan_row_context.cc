#include "mapping/scan_row_context.h"

#include <rapidjson/document.h>

namespace onetable::mapping {

std::map<std::string, std::string> ParseTagAttrs(const std::string& json) {
  std::map<std::string, std::string> out;
  rapidjson::Document d;
  if (d.Parse(json.c_str(), json.size()).HasParseError() || !d.IsObject()) return out;
  for (auto it = d.MemberBegin(); it != d.MemberEnd(); ++it) {
    if (!it->value.IsString()) continue;
    out.emplace(std::string(it->name.GetString(), it->name.GetStringLength()),
                std::string(it->value.GetString(), it->value.GetStringLength()));
  }
  return out;
}

void ScanRowContext::SetRow(const ScanRow* row) {
  row_ = row;
  parsed_.assign(plan_.request().tags.size(), std::nullopt);
  typed_.assign(plan_.request().fields.size(), false);
  values_.resize(plan_.request().fields.size());
}

int ScanRowContext::IndexOf(const FieldPath& path) {
  auto it = index_by_path_.find(&path);
  if (it != index_by_path_.end()) return it->second;
  const int index = plan_.FieldIndex(path);
  index_by_path_.emplace(&path, index);
  return index;
}

Value ScanRowContext::Field(const FieldPath& path) {
  const int index = IndexOf(path);
  if (row_ == nullptr || index < 0) return Value::Null();
  const size_t i = static_cast<size_t>(index);
  if (typed_[i]) return values_[i];
  const std::optional<std::string>& text = row_->values[i];
  const FieldDef* def = plan_.FieldAt(index);
  if (!text) {
    values_[i] = Value::Null();
  } else if (def == nullptr) {
    values_[i] = Value::String(*text);  // status
  } else {
    values_[i] = ValueFromCanonical(*def, &*text);
  }
  typed_[i] = true;
  return values_[i];
}

const std::map<std::string, std::string>* ScanRowContext::Attrs(int tag_index) {
  if (row_ == nullptr || tag_index < 0) return nullptr;
  const std::optional<std::string>& json = row_->tag_attrs[static_cast<size_t>(tag_index)];
  if (!json) return nullptr;
  auto& slot = parsed_[static_cast<size_t>(tag_index)];
  if (!slot) slot = ParseTagAttrs(*json);
  return &*slot;
}

bool ScanRowContext::HasTag(const std::string& tag) {
  const int index = plan_.TagIndex(tag);
  return row_ != nullptr && index >= 0 && row_->tag_attrs[static_cast<size_t>(index)].has_value();
}

Value ScanRowContext::TagAttr(const std::string& tag, const std::string& attr) {
  const std::map<std::string, std::string>* attrs = Attrs(plan_.TagIndex(tag));
  if (attrs == nullptr) return Value::Null();
  auto it = attrs->find(attr);
  const TagDef* def = catalog_.FindTag(tag);
  const FieldDef* field = def ? def->FindAttribute(attr) : nullptr;
  if (it == attrs->end() || field == nullptr) return Value::Null();
  return ValueFromCanonical(*field, &it->second);
}

Result<Value> ScanRowContext::Aggregate(const AggregateCall& call, const Evaluator&) {
  if (aggregates_ == nullptr || call.id < 0 ||
      static_cast<size_t>(call.id) >= aggregates_->size()) {
    return Status::Internal("汇总值尚未计算");
  }
  return (*aggregates_)[static_cast<size_t>(call.id)];
}

}  // namespace onetable::mapping

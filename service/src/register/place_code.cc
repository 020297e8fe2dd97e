#include "register/place_code.h"

#include <vector>

#include "model/catalog_keys.h"
#include "store/store.h"

namespace onetable {
namespace {

bool AllDigits(const std::string& s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

bool GridCodeChars(const std::string& s) {
  for (char c : s) {
    const bool ok =
        (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
    if (!ok) return false;
  }
  return !s.empty() && s.size() <= 20;
}

Result<std::string> ParentCode(Store& store, EntityKind parent, int64_t parent_id) {
  ASSIGN_OR_RETURN(Row row, store.Get(parent, parent_id));
  const std::string* code = row.Get(keys::kCode);
  return code != nullptr ? *code : std::string();
}

}  // namespace

Status CheckPlaceCode(Store& store, EntityKind kind, int64_t id, int64_t parent_id,
                      const std::string& code) {
  if (kind != EntityKind::kCommunity && kind != EntityKind::kGrid) return Status::Ok();
  if (kind == EntityKind::kCommunity) {
    if (code.size() != 12 || !AllDigits(code)) {
      return Status::Invalid("社区代码 " + code.substr(0, 40) + " 应为 12 位数字");
    }
    if (parent_id > 0) {
      ASSIGN_OR_RETURN(std::string street, ParentCode(store, EntityKind::kStreet, parent_id));
      if (!street.empty() && code.compare(0, street.size(), street) != 0) {
        return Status::Invalid("社区代码 " + code + " 应以所属街道的代码 " + street + " 开头");
      }
    }
    Result<Row> other = store.FindBy(EntityKind::kCommunity, keys::kCode, code);
    if (other.ok() && other->id != id) return Status::Exists("社区代码 " + code + " 已被使用");
    if (!other.ok() && other.status().code() != StatusCode::kNotFound) return other.status();
    return Status::Ok();
  }
  if (!GridCodeChars(code)) {
    return Status::Invalid("网格代码 " + code.substr(0, 40) + " 应为 1–20 位字母、数字或 -");
  }
  if (code.size() >= 12 && parent_id > 0) {
    ASSIGN_OR_RETURN(std::string community, ParentCode(store, EntityKind::kCommunity, parent_id));
    if (!community.empty() && code.compare(0, community.size(), community) != 0) {
      return Status::Invalid("网格代码 " + code + " 应以所属社区的代码 " + community + " 开头");
    }
  }
  ListQuery query;
  query.parent_id = parent_id;
  query.equals[keys::kCode] = code;
  query.limit = 2;
  ASSIGN_OR_RETURN(std::vector<Row> same, store.List(EntityKind::kGrid, query));
  for (const Row& row : same) {
    if (row.id != id) return Status::Exists("本社区已有代码为 " + code + " 的网格");
  }
  return Status::Ok();
}

}  // namespace onetable

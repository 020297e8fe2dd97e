#include "ingest/linkage/blocking.h"

#include <algorithm>

#include "ingest/linkage/chinese_names.h"
#include "model/catalog_keys.h"

namespace onetable::linkage {
namespace {

std::string Get(const std::map<std::string, std::string>& m, const char* key) {
  auto it = m.find(key);
  return it == m.end() ? "" : it->second;
}

Status Lookup(Store* store, std::map<std::string, std::string> equals, const char* rule,
              Block* block, size_t* found = nullptr) {
  ListQuery q;
  q.equals = std::move(equals);
  q.limit = kBlockLimit;
  ASSIGN_OR_RETURN(std::vector<Row> rows, store->List(EntityKind::kPerson, q));
  if (found) *found = rows.size();
  for (Row& r : rows) {
    Candidate& c = block->candidates[r.id];
    if (c.rules.empty()) c.row = std::move(r);
    if (std::find(c.rules.begin(), c.rules.end(), rule) == c.rules.end()) c.rules.push_back(rule);
  }
  return Status::Ok();
}

}  // namespace

std::vector<std::string> NameVariants(const std::string& name) {
  std::vector<std::string> out;
  auto add = [&out](const std::string& v) {
    if (!v.empty() && std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  };
  add(name);
  const ChineseNames& names = ChineseNames::Get();
  const std::string simple = names.ToSimplified(name);
  add(simple);
  auto [surname, given] = names.Split(simple);
  for (const std::string& s : names.SurnameVariants(surname)) add(s + given);
  std::vector<std::string> chars = Characters(given);
  if (chars.size() >= 2) {
    std::reverse(chars.begin(), chars.end());
    std::string reversed;
    for (const std::string& c : chars) reversed += c;
    if (reversed != given) add(surname + reversed);
  }
  return out;
}

Result<Block> BlockCandidates(Store* store, const std::map<std::string, std::string>& values) {
  Block block;
  const std::string name = Get(values, keys::kName);
  const std::string birth = Get(values, keys::kBirthDate);
  const std::string phone = Get(values, keys::kPhone);
  const bool keyed = !Get(values, keys::kIdNumber).empty();
  const std::vector<std::string> variants =
      name.empty() ? std::vector<std::string>{} : NameVariants(name);
  if (keyed) {
    if (birth.empty()) return block;
    for (const std::string& v : variants) {
      RETURN_IF_ERROR(
          Lookup(store, {{keys::kName, v}, {keys::kBirthDate, birth}}, "name+birth_date", &block));
    }
    return block;
  }
  for (size_t i = 0; i < variants.size(); ++i) {
    size_t found = 0;
    RETURN_IF_ERROR(Lookup(store, {{keys::kName, variants[i]}}, "name", &block, &found));
    if (i == 0) {
      if (found < static_cast<size_t>(kBlockLimit)) {
        block.name_count = static_cast<int64_t>(found);
      } else {
        ListQuery q;
        q.equals = {{keys::kName, name}};
        ASSIGN_OR_RETURN(block.name_count, store->Count(EntityKind::kPerson, q));
      }
    }
  }
  if (!birth.empty()) {
    RETURN_IF_ERROR(Lookup(store, {{keys::kBirthDate, birth}}, "birth_date", &block));
    if (birth.size() == 10 && birth.substr(5, 2) != birth.substr(8, 2)) {
      const std::string swapped =
          birth.substr(0, 5) + birth.substr(8, 2) + "-" + birth.substr(5, 2);
      int month = std::atoi(swapped.substr(5, 2).c_str());
      if (month >= 1 && month <= 12) {
        RETURN_IF_ERROR(Lookup(store, {{keys::kBirthDate, swapped}}, "birth_date", &block));
      }
    }
  }
  if (!phone.empty()) RETURN_IF_ERROR(Lookup(store, {{keys::kPhone, phone}}, "phone", &block));
  return block;
}

}  // namespace onetable::linkage

#include "register_fixture.h"

#include <yaml-cpp/yaml.h>

#include <map>
#include <set>

namespace onetable::testing {

namespace {

// Keys that shape the fixture rather than hold a catalog field.
const std::set<std::string> kStructural = {"streets",   "communities", "grids",
                                           "buildings", "households",  "members",
                                           "head",      "status",      "tags"};

const char* ChildKey(EntityKind kind) {
  switch (kind) {
    case EntityKind::kDistrict:
      return "streets";
    case EntityKind::kStreet:
      return "communities";
    case EntityKind::kCommunity:
      return "grids";
    case EntityKind::kGrid:
      return "buildings";
    case EntityKind::kBuilding:
      return "households";
    case EntityKind::kHousehold:
      return "members";
    case EntityKind::kPerson:
      return "";
  }
  return "";
}

Status At(const YAML::Node& n, const std::string& message) {
  return Status::Invalid("register.yaml:" + std::to_string(n.Mark().line + 1) + ": " + message);
}

Status AddTags(Store* store, int64_t person, const YAML::Node& tags) {
  for (const YAML::Node& t : tags) {
    TagAssignment a;
    a.person_id = person;
    a.tag = t["tag"].as<std::string>();
    if (t["from"]) a.valid_from = t["from"].as<std::string>();
    if (t["to"]) a.valid_to = t["to"].as<std::string>();
    a.source = "manual:golden";
    for (auto it = t["attrs"].begin(); it != t["attrs"].end(); ++it) {
      a.attrs[it->first.as<std::string>()] = it->second.as<std::string>();
    }
    auto id = store->AddTag(a);
    if (!id.ok()) return At(t, id.status().message());
  }
  return Status::Ok();
}

Status Load(Store* store, EntityKind kind, int64_t parent, const YAML::Node& node) {
  Row row;
  row.parent_id = parent;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.as<std::string>();
    if (kStructural.count(key)) continue;
    row.values[key] = it->second.as<std::string>();
  }
  if (node["status"]) row.status = node["status"].as<std::string>();
  auto id = store->Insert(kind, row);
  if (!id.ok()) return At(node, id.status().message());
  if (node["tags"]) RETURN_IF_ERROR(AddTags(store, *id, node["tags"]));
  if (kind == EntityKind::kPerson) return Status::Ok();
  const EntityKind child = static_cast<EntityKind>(static_cast<int>(kind) + 1);
  std::map<std::string, int64_t> members;
  for (const YAML::Node& c : node[ChildKey(kind)]) {
    RETURN_IF_ERROR(Load(store, child, *id, c));
    if (child == EntityKind::kPerson) {
      auto last = store->FindBy(EntityKind::kPerson, "id_number", c["id_number"].as<std::string>());
      if (!last.ok()) return At(c, last.status().message());
      members[c["name"].as<std::string>()] = last->id;
    }
  }
  if (kind == EntityKind::kHousehold && node["head"]) {
    auto head = members.find(node["head"].as<std::string>());
    if (head == members.end()) return At(node, "head 不是本户成员");
    ASSIGN_OR_RETURN(Row household, store->Get(EntityKind::kHousehold, *id));
    household.values["head_person_id"] = std::to_string(head->second);
    RETURN_IF_ERROR(store->Update(EntityKind::kHousehold, &household));
  }
  return Status::Ok();
}

}  // namespace

Status LoadRegisterFixture(const std::string& path, Store* store) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    return Status::Invalid(path + ": " + e.what());
  }
  return store->InTransaction([&]() -> Status {
    try {
      // The district and its streets sit side by side at the top of the file.
      YAML::Node district = YAML::Clone(root["district"]);
      district["streets"] = root["streets"];
      return Load(store, EntityKind::kDistrict, 0, district);
    } catch (const YAML::Exception& e) {
      return Status::Invalid(path + ": " + e.what());
    }
  });
}

}  // namespace onetable::testing

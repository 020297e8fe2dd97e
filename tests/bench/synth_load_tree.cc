// `synth_city load-tree`: the benchmark city's tree (district down to households) written into a
// store through the Store interface, one grid per transaction, so the person import that the
// benchmark measures finds every household its 户号 names — as in a community where the
// workers set up buildings and households before the departments' data came in.
#include <fstream>
#include <iostream>
#include <map>
#include <vector>

#include "store/store.h"
#include "synth_sinks.h"

namespace onetable::bench {
namespace {

// One line of the CSV files synth_city writes (RFC 4180, no embedded newlines).
std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

Status ReadCsv(const std::string& path, size_t columns,
               std::vector<std::vector<std::string>>* rows) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("找不到 " + path + "（先运行 synth_city generate）");
  std::string line;
  std::getline(in, line);  // header
  int line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    rows->push_back(SplitCsv(line));
    if (rows->back().size() != columns) {
      return Status::Invalid(path + ":" + std::to_string(line_no) + "：应有 " +
                             std::to_string(columns) + " 列");
    }
  }
  return Status::Ok();
}

void Put(Row* row, const char* key, const std::string& value) {
  if (!value.empty()) row->values[key] = value;
}

class TreeLoader {
 public:
  explicit TreeLoader(Store* store) : store_(store) {}

  // grids.csv:
  // 区县代码,区县名称,街道代码,街道名称,社区代码,社区名称,网格编码,网格名称,网格员,网格员电话
  Status Grid(const std::vector<std::string>& g) {
    ASSIGN_OR_RETURN(int64_t district, Ensure(EntityKind::kDistrict, 0, g[0], g[1], &districts_));
    ASSIGN_OR_RETURN(int64_t street, Ensure(EntityKind::kStreet, district, g[2], g[3], &streets_));
    ASSIGN_OR_RETURN(int64_t community,
                     Ensure(EntityKind::kCommunity, street, g[4], g[5], &communities_));
    Row grid;
    grid.parent_id = community;
    Put(&grid, "code", g[6]);
    Put(&grid, "name", g[7]);
    Put(&grid, "worker_name", g[8]);
    Put(&grid, "worker_phone", g[9]);
    ASSIGN_OR_RETURN(int64_t id, store_->Insert(EntityKind::kGrid, grid));
    grids_[g[6]] = id;
    return Status::Ok();
  }

  // households.csv rows of one grid: 网格编码,楼栋名称,楼栋地址,户号,户别,家庭地址,房号,房屋用途,
  // 产权性质,建筑面积,住房间数,出租人姓名,出租人电话 — grouped by building in file order.
  Status Households(const std::vector<const std::vector<std::string>*>& rows) {
    auto grid = grids_.find((*rows.front())[0]);
    if (grid == grids_.end()) return Status::Invalid("households.csv 中的网格不在 grids.csv 中");
    std::vector<Row> households;
    std::string building_address;
    int64_t building_id = 0;
    auto flush = [&]() -> Status {
      if (households.empty()) return Status::Ok();
      for (Row& h : households) h.parent_id = building_id;
      RETURN_IF_ERROR(store_->InsertBatch(EntityKind::kHousehold, households, nullptr));
      households.clear();
      return Status::Ok();
    };
    for (const auto* r : rows) {
      const std::vector<std::string>& h = *r;
      if (h[2] != building_address) {
        RETURN_IF_ERROR(flush());
        Row building;
        building.parent_id = grid->second;
        Put(&building, "name", h[1]);
        Put(&building, "address", h[2]);
        ASSIGN_OR_RETURN(building_id, store_->Insert(EntityKind::kBuilding, building));
        building_address = h[2];
      }
      Row row;
      const char* keys[] = {"household_number", "household_type", "address",    "room",
                            "house_use",        "property_type",  "floor_area", "room_count",
                            "landlord_name",    "landlord_phone"};
      for (size_t i = 0; i < 10; ++i) Put(&row, keys[i], h[3 + i]);
      households.push_back(std::move(row));
    }
    return flush();
  }

 private:
  Result<int64_t> Ensure(EntityKind kind, int64_t parent, const std::string& code,
                         const std::string& name, std::map<std::string, int64_t>* seen) {
    auto it = seen->find(code);
    if (it != seen->end()) return it->second;
    Row row;
    row.parent_id = parent;
    Put(&row, "code", code);
    Put(&row, "name", name);
    ASSIGN_OR_RETURN(int64_t id, store_->Insert(kind, row));
    (*seen)[code] = id;
    return id;
  }

  Store* store_;
  std::map<std::string, int64_t> districts_, streets_, communities_, grids_;
};

}  // namespace

int LoadTree(const std::string& city_dir, const std::string& store_url, const Catalog& catalog) {
  auto fail = [](const Status& st) {
    std::cerr << "synth_city load-tree：" << st.message() << "\n";
    return 1;
  };
  std::vector<std::vector<std::string>> grids, households;
  Status st = ReadCsv(city_dir + "/grids.csv", 10, &grids);
  if (st.ok()) st = ReadCsv(city_dir + "/households.csv", 13, &households);
  if (!st.ok()) return fail(st);
  auto store = OpenStore(store_url, catalog);
  if (!store.ok()) return fail(store.status());
  ListQuery any;
  any.limit = 1;
  auto existing = (*store)->Count(EntityKind::kDistrict, any);
  if (!existing.ok()) return fail(existing.status());
  if (*existing > 0) return fail(Status::Precondition("存储中已有区县：load-tree 只写入空库"));

  TreeLoader loader(store->get());
  size_t next = 0;
  for (const auto& grid : grids) {
    std::vector<const std::vector<std::string>*> rows;
    while (next < households.size() && households[next][0] == grid[6]) {
      rows.push_back(&households[next++]);
    }
    st = (*store)->InTransaction([&]() -> Status {
      RETURN_IF_ERROR(loader.Grid(grid));
      return rows.empty() ? Status::Ok() : loader.Households(rows);
    });
    if (!st.ok()) return fail(st.Wrap("网格 " + grid[6]));
  }
  if (next != households.size()) {
    return fail(Status::Invalid("households.csv 的网格顺序与 grids.csv 不一致"));
  }
  std::cout << "{\"grids\": " << grids.size() << ", \"households\": " << households.size() << "}\n";
  return 0;
}

}  // namespace onetable::bench

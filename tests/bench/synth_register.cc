// The register as a full 公安/民政 population export: one UTF-8 CSV row per person, codes shown
// as their labels (男, 汉族, 已婚) the way such systems export them, plus the 户号 that places the
// person in a household, and the tree as the files the bench loads it from.
#include "synth_sinks.h"

namespace onetable::bench {
namespace {

// Header → person field (or "" for a column of its own), in file order.
struct Column {
  const char* header;
  const char* field;
  bool label;  // written as the code's label
};
constexpr Column kColumns[] = {
    {"公民身份号码", "id_number", false},
    {"姓名", "name", false},
    {"性别", "gender", true},
    {"民族", "ethnicity", true},
    {"出生日期", "birth_date", false},
    {"证件类型", "id_doc_type", true},
    {"户号", "", false},
    {"与户主关系", "relationship", true},
    {"户籍地址", "hukou_address", false},
    {"户籍地区划代码", "hukou_division", false},
    {"现居住地址", "current_address", false},
    {"联系电话", "phone", false},
    {"文化程度", "education", true},
    {"婚姻状况", "marital_status", true},
    {"政治面貌", "political_status", true},
    {"职业", "occupation", true},
    {"服务处所", "employer", false},
    {"人口类型", "population_type", true},
    {"户口性质", "hukou_nature", true},
    {"居住状态", "residence_status", true},
    {"是否人户分离", "separated", false},
    {"健康状况", "health_status", true},
    {"居住类型", "residence_type", true},
    {"入住日期", "move_in_date", false},
    {"死亡日期", "death_date", false},
    {"出生地", "birthplace", false},
    {"籍贯", "native_place", false},
    {"所属社区", "", false},
    {"所属网格", "", false},
};

}  // namespace

BufferedFile::~BufferedFile() {
  // Callers that care Close() themselves and check it; a destructor has no one to tell.
  Close().IgnoreError();
}

Status BufferedFile::Open(const std::string& path) {
  path_ = path;
  file_ = std::fopen(path.c_str(), "wb");
  if (file_ == nullptr) return Status::Unavailable("无法写入文件 " + path);
  buffer_.reserve(kFlushAt + 4096);
  return Status::Ok();
}

Status BufferedFile::MaybeFlush() {
  if (buffer_.size() < kFlushAt) return Status::Ok();
  return Flush();
}

Status BufferedFile::Flush() {
  if (file_ == nullptr) return Status::Ok();
  if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
    return Status::Unavailable("写入文件 " + path_ + " 失败（磁盘已满？）");
  }
  buffer_.clear();
  return Status::Ok();
}

Status BufferedFile::Close() {
  if (file_ == nullptr) return Status::Ok();
  Status st = Flush();
  if (std::fclose(file_) != 0 && st.ok()) st = Status::Unavailable("关闭文件 " + path_ + " 失败");
  file_ = nullptr;
  return st;
}

RegisterCsvSink::RegisterCsvSink(const Catalog& catalog, std::string dir)
    : catalog_(catalog), dir_(std::move(dir)) {}

Status RegisterCsvSink::Begin(const Division& district) {
  RETURN_IF_ERROR(persons_.Open(dir_ + "/register.csv"));
  RETURN_IF_ERROR(grids_.Open(dir_ + "/grids.csv"));
  RETURN_IF_ERROR(households_.Open(dir_ + "/households.csv"));
  std::string& p = persons_.buffer();
  for (const Column& c : kColumns) {
    if (&c != kColumns) p += ',';
    p += c.header;
  }
  p += '\n';
  grids_.buffer() +=
      "区县代码,区县名称,街道代码,街道名称,社区代码,社区名称,网格编码,网格名称,网格员,网格员电话\n";
  households_.buffer() +=
      "网格编码,楼栋名称,楼栋地址,户号,户别,家庭地址,房号,房屋用途,产权性质,建筑面积,住房间数,"
      "出租人姓名,出租人电话\n";
  district_ = district;
  return Status::Ok();
}

Status RegisterCsvSink::Grid(const GridOut& grid) {
  const CommunityOut& c = *grid.community;
  std::string& g = grids_.buffer();
  for (const std::string* v : std::initializer_list<const std::string*>{
           &district_.code, &district_.name, &c.street->code, &c.street->name, &c.community->code,
           &c.community->name, &grid.code, &grid.name, &grid.worker_name, &grid.worker_phone}) {
    if (v != &district_.code) g += ',';
    AppendCsvField(&g, *v);
  }
  g += '\n';
  return grids_.MaybeFlush();
}

Status RegisterCsvSink::Building(const BuildingOut& building) {
  const GridOut& grid = *building.grid;
  std::string& p = persons_.buffer();
  std::string& hh = households_.buffer();
  for (const demo::HouseholdDraft& h : building.households) {
    const std::string& number = h.row.values.at("household_number");
    AppendCsvField(&hh, grid.code);
    hh += ',';
    AppendCsvField(&hh, building.name);
    hh += ',';
    AppendCsvField(&hh, building.address);
    for (const char* key :
         {"household_number", "household_type", "address", "room", "house_use", "property_type",
          "floor_area", "room_count", "landlord_name", "landlord_phone"}) {
      hh += ',';
      const std::string* v = h.row.Get(key);
      if (v) AppendCsvField(&hh, *v);
    }
    hh += '\n';
    for (const demo::PersonDraft& person : h.members) {
      bool first = true;
      for (const Column& c : kColumns) {
        if (!first) p += ',';
        first = false;
        std::string_view header = c.header;
        if (header == "户号") {
          p += number;
        } else if (header == "所属社区") {
          AppendCsvField(&p, grid.community->community->name);
        } else if (header == "所属网格") {
          AppendCsvField(&p, grid.name);
        } else if (header == "性别") {  // exports write 男 / 女, not the standard's 男性
          const std::string* v = person.row.Get(c.field);
          if (v) p += *v == "1" ? "男" : *v == "2" ? "女" : *v;
        } else if (header == "是否人户分离") {
          const std::string* v = person.row.Get(c.field);
          if (v) p += *v == "1" ? "是" : "否";
        } else if (const std::string* v = person.row.Get(c.field)) {
          AppendCsvField(&p, c.label ? PersonLabel(catalog_, c.field, *v) : *v);
        }
      }
      p += '\n';
    }
  }
  RETURN_IF_ERROR(households_.MaybeFlush());
  return persons_.MaybeFlush();
}

Status RegisterCsvSink::Finish() {
  RETURN_IF_ERROR(grids_.Close());
  RETURN_IF_ERROR(households_.Close());
  return persons_.Close();
}

}  // namespace onetable::bench

#include "model/divisions.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace onetable {
namespace {

namespace fs = std::filesystem;

// One level of the tree as stored on disk.
struct LevelFile {
  std::string file;           // "streets.csv"
  size_t code_length;         // 9
  std::string parent_column;  // "areaCode"; "" for provinces
  size_t parent_length;       // 6
};

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Splits one CSV line. Fields may be quoted ("东城区"), with "" for a quote inside; a division name
// never spans lines, so records are lines.
bool SplitCsvLine(std::string_view line, std::vector<std::string>* fields, std::string* error) {
  fields->clear();
  std::string field;
  size_t i = 0;
  while (true) {
    field.clear();
    if (i < line.size() && line[i] == '"') {
      ++i;
      while (true) {
        if (i >= line.size()) {
          *error = "引号未闭合";
          return false;
        }
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.push_back(line[i++]);
      }
      if (i < line.size() && line[i] != ',') {
        *error = "引号后应为逗号";
        return false;
      }
    } else {
      size_t end = line.find(',', i);
      if (end == std::string_view::npos) end = line.size();
      field.assign(line.substr(i, end - i));
      i = end;
    }
    fields->push_back(field);
    if (i >= line.size()) return true;
    ++i;  // the comma
  }
}

Status ReadFile(const fs::path& path, std::string* content) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("无法读取区划文件 " + path.string());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *content = buffer.str();
  if (content->compare(0, 3, "\xEF\xBB\xBF") == 0) content->erase(0, 3);  // Excel's BOM
  return Status::Ok();
}

// Reads one level's file into the maps. Parents must already be loaded: a row whose parent is
// missing, or whose code does not start with its parent's, means a broken file.
Status LoadLevel(const fs::path& path, const LevelFile& level,
                 std::unordered_map<std::string, Division>* by_code,
                 std::unordered_map<std::string, std::vector<std::string>>* children) {
  std::string content;
  RETURN_IF_ERROR(ReadFile(path, &content));
  const std::string where = path.string();

  std::vector<std::string> fields;
  std::string error;
  size_t code_col = 0, name_col = 0, parent_col = 0, columns = 0;
  bool have_header = false;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < content.size()) {
    size_t end = content.find('\n', pos);
    if (end == std::string::npos) end = content.size();
    std::string_view line(content.data() + pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto at = [&](const std::string& message) {
      return Status::Invalid(where + ":" + std::to_string(line_no) + ": " + message);
    };
    if (line.empty()) continue;
    if (!SplitCsvLine(line, &fields, &error)) return at(error);

    if (!have_header) {
      auto find = [&](const std::string& name, size_t* col) {
        auto it = std::find(fields.begin(), fields.end(), name);
        if (it == fields.end()) return false;
        *col = it - fields.begin();
        return true;
      };
      if (!find("code", &code_col)) return at("表头缺少列 code");
      if (!find("name", &name_col)) return at("表头缺少列 name");
      if (!level.parent_column.empty() && !find(level.parent_column, &parent_col)) {
        return at("表头缺少列 " + level.parent_column);
      }
      columns = fields.size();
      have_header = true;
      continue;
    }

    if (fields.size() != columns) {
      return at("应有" + std::to_string(columns) + "列，实际为" + std::to_string(fields.size()) +
                "列");
    }
    Division d{fields[code_col], fields[name_col],
               level.parent_column.empty() ? std::string() : fields[parent_col]};
    if (d.code.size() != level.code_length || !AllDigits(d.code)) {
      return at("区划代码“" + d.code + "”应为" + std::to_string(level.code_length) + "位数字");
    }
    if (d.name.empty()) return at("区划代码 " + d.code + " 缺少名称");
    if (!level.parent_column.empty()) {
      if (d.parent_code.size() != level.parent_length ||
          d.code.compare(0, level.parent_length, d.parent_code) != 0) {
        return at("上级代码“" + d.parent_code + "”与区划代码 " + d.code + " 不符");
      }
      if (by_code->count(d.parent_code) == 0) {
        return at("上级区划 " + d.parent_code + " 不存在");
      }
    }
    std::string code = d.code;
    std::string parent = d.parent_code;
    if (!by_code->emplace(code, std::move(d)).second) return at("区划代码 " + code + " 重复");
    (*children)[parent].push_back(std::move(code));
  }
  if (!have_header) return Status::Invalid(where + ":1: 文件为空，缺少表头");
  return Status::Ok();
}

}  // namespace

Result<Divisions> Divisions::Load(const std::string& dir) {
  static const LevelFile kLevels[] = {
      {"provinces.csv", 2, "", 0},
      {"cities.csv", 4, "provinceCode", 2},
      {"areas.csv", 6, "cityCode", 4},
      {"streets.csv", 9, "areaCode", 6},
  };
  static const LevelFile kVillages = {"", 12, "streetCode", 9};

  Divisions divisions;
  divisions.by_code_.reserve(64 * 1024);
  for (const LevelFile& level : kLevels) {
    RETURN_IF_ERROR(
        LoadLevel(fs::path(dir) / level.file, level, &divisions.by_code_, &divisions.children_));
  }

  std::vector<fs::path> village_files;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.size() >= 12 && name.compare(0, 8, "villages") == 0 &&
        name.compare(name.size() - 4, 4, ".csv") == 0) {
      village_files.push_back(it->path());
    }
  }
  if (ec) return Status::Invalid("无法列出区划目录 " + dir + "：" + ec.message());
  std::sort(village_files.begin(), village_files.end());
  for (const fs::path& file : village_files) {
    RETURN_IF_ERROR(LoadLevel(file, kVillages, &divisions.by_code_, &divisions.children_));
  }

  for (auto& [parent, codes] : divisions.children_) std::sort(codes.begin(), codes.end());

  // Codes no longer in force (optional): code,name,... rows, checked for shape only. Read into a
  // scratch tree so that they never become parents of current codes.
  const fs::path historic = fs::path(dir) / "areas-historic.csv";
  if (fs::exists(historic, ec)) {
    static const LevelFile kHistoric = {"", 6, "", 0};
    std::unordered_map<std::string, Division> rows;
    std::unordered_map<std::string, std::vector<std::string>> unused;
    RETURN_IF_ERROR(LoadLevel(historic, kHistoric, &rows, &unused));
    for (auto& [code, d] : rows) divisions.historic_areas_.emplace(code, d.name);
  }
  return divisions;
}

const Division* Divisions::Find(std::string_view code) const {
  auto it = by_code_.find(std::string(code));
  return it == by_code_.end() ? nullptr : &it->second;
}

std::vector<const Division*> Divisions::Children(std::string_view code) const {
  std::vector<const Division*> out;
  auto it = children_.find(std::string(code));
  if (it == children_.end()) return out;
  out.reserve(it->second.size());
  for (const std::string& child : it->second) out.push_back(&by_code_.at(child));
  return out;
}

std::optional<Problem> Divisions::CheckCommunityCode(std::string_view code) const {
  std::string c(code);
  if (c.size() != 12 || !AllDigits(c)) {
    return Problem{"division_format", "社区/村代码应为12位数字"};
  }
  if (c.compare(9, 3, "000") == 0) {
    return Problem{"division_format",
                   "社区/村代码 " + c + " 末三位为000，这是乡镇/街道代码，不是社区/村"};
  }
  std::string street = c.substr(0, 9);
  const Division* s = Find(street);
  if (s == nullptr) {
    return Problem{"division_unknown_street",
                   "社区/村代码 " + c + " 的前9位 " + street + " 不是已知的乡镇/街道"};
  }
  // Only streets with a loaded village list can tell a wrong community from a missing list.
  if (children_.count(street) != 0 && by_code_.count(c) == 0) {
    return Problem{"division_unknown_community",
                   "社区/村代码 " + c + " 不在“" + s->name + "”的社区/村名单中"};
  }
  return std::nullopt;
}

std::optional<Problem> Divisions::CheckIdAreaCode(std::string_view code) const {
  std::string c(code);
  if (c.size() != 6 || !AllDigits(c)) {
    return Problem{"id_region", "身份证号前6位不是行政区划代码"};
  }
  if (Find(c) != nullptr || historic_areas_.count(c) != 0) return std::nullopt;
  // A city's or province's own code (xxxx00, xx0000), as some early numbers carry.
  if (c.compare(4, 2, "00") == 0 && Find(c.substr(0, 4)) != nullptr) return std::nullopt;
  if (c.compare(2, 4, "0000") == 0 && Find(c.substr(0, 2)) != nullptr) return std::nullopt;
  // The message never holds the number or part of it (it may reach logs).
  return Problem{"id_region",
                 "身份证号前6位不是现行或曾经使用过的行政区划代码（GB/T 2260），请核对"};
}

std::optional<Problem> Divisions::CheckDivisionCode(std::string_view code) const {
  std::string c(code);
  if ((c.size() != 6 && c.size() != 9 && c.size() != 12) || !AllDigits(c)) {
    return Problem{"division_format", "区划代码应为6位、9位或12位数字"};
  }
  if (c.size() == 12) {
    // Community lists are partial: judge 12-digit codes as CheckCommunityCode does.
    if (auto problem = CheckCommunityCode(c)) return Problem{"division_unknown", problem->message};
    return std::nullopt;
  }
  if (Find(c) == nullptr) {
    return Problem{"division_unknown",
                   "区划代码 " + c + (c.size() == 6 ? " 不是已知的区县" : " 不是已知的乡镇/街道")};
  }
  return std::nullopt;
}

}  // namespace onetable

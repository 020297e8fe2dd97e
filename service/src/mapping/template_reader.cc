#include "mapping/template_reader.h"

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <utility>

#include "csv/csv_reader.h"
#include "xlsx/xlsx_reader.h"

namespace onetable::mapping {
namespace fs = std::filesystem;

Result<std::vector<std::vector<std::string>>> ReadTemplateRows(const std::string& bytes,
                                                               const std::string& name) {
  std::string ext = fs::path(name).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::vector<std::vector<std::string>> rows;
  if (ext == ".csv") {
    std::istringstream in(bytes);
    connectors::CsvReader reader(in, name, connectors::CsvOptions{});
    connectors::Row row;
    while (rows.size() < kTemplateRows) {
      ASSIGN_OR_RETURN(bool more, reader.Next(&row));
      if (!more) break;
      rows.push_back(row.cells);
    }
    return rows;
  }
  if (ext == ".xlsx") {
    ASSIGN_OR_RETURN(auto book, connectors::XlsxWorkbook::Open(
                                    std::make_unique<std::istringstream>(bytes), name));
    const Status enough = Status::Internal("enough rows");
    Status st = book->ReadSheet(connectors::SheetSelector::First(), [&](connectors::Row row) {
      rows.push_back(std::move(row.cells));
      return rows.size() >= kTemplateRows ? enough : Status::Ok();
    });
    if (!st.ok() && !(st.code() == enough.code() && st.message() == enough.message())) return st;
    return rows;
  }
  return Status::Invalid("模板 “" + name + "” 应为 .xlsx 或 .csv 文件");
}

Result<std::vector<std::vector<std::string>>> ReadTemplateFile(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return Status::NotFound("找不到模板文件 " + path);
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in && !in.eof()) return Status::Invalid("无法读取模板文件 " + path);
  return ReadTemplateRows(bytes.str(), path);
}

}  // namespace onetable::mapping

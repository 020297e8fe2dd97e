#include "xlsx/xlsx_reader.h"

#include <fstream>
#include <map>
#include <utility>

#include "xlsx/xlsx_parts.h"
#include "xlsx/xlsx_sheet.h"

namespace onetable::connectors {
namespace {

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

XlsxWorkbook::XlsxWorkbook(std::unique_ptr<GuardedZip> zip, XlsxOptions options)
    : zip_(std::move(zip)), options_(std::move(options)) {}

Result<std::unique_ptr<XlsxWorkbook>> XlsxWorkbook::OpenFile(const std::string& path,
                                                             const XlsxOptions& options) {
  auto file = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!file->is_open()) return Status::NotFound("无法打开文件 " + path);
  return Open(std::move(file), BaseName(path), options);
}

Result<std::unique_ptr<XlsxWorkbook>> XlsxWorkbook::Open(std::unique_ptr<std::istream> in,
                                                         std::string file_name,
                                                         const XlsxOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<GuardedZip> zip,
                   GuardedZip::Open(std::move(in), std::move(file_name), options.zip));
  std::unique_ptr<XlsxWorkbook> workbook(new XlsxWorkbook(std::move(zip), options));
  RETURN_IF_ERROR(workbook->Load());
  return workbook;
}

std::string XlsxWorkbook::Where(const std::string& part) const {
  return zip_->file_name() + " 中的 " + part;
}

Status XlsxWorkbook::Load() {
  const std::string& file = zip_->file_name();
  std::vector<Relationship> rels;
  auto read_rels = [&](const std::string& part) {
    return zip_->Read(part, [&](std::istream& in) {
      ASSIGN_OR_RETURN(rels, ParseRelationships(in, Where(part)));
      return Status::Ok();
    });
  };

  // The package relationships say where the workbook is; nearly always xl/workbook.xml.
  workbook_part_ = "xl/workbook.xml";
  if (zip_->Has("_rels/.rels")) {
    RETURN_IF_ERROR(read_rels("_rels/.rels"));
    for (const Relationship& rel : rels) {
      if (RelationshipIs(rel, "officeDocument") && !rel.external) {
        workbook_part_ = ResolvePartPath("", rel.target);
      }
    }
  }
  if (!zip_->Has(workbook_part_)) {
    return Status::Invalid(file + ": 缺少工作簿 " + workbook_part_ + "，不是有效的 xlsx 文件");
  }
  WorkbookInfo info;
  RETURN_IF_ERROR(zip_->Read(workbook_part_, [&](std::istream& in) {
    ASSIGN_OR_RETURN(info, ParseWorkbook(in, Where(workbook_part_)));
    return Status::Ok();
  }));
  date1904_ = info.date1904;

  rels.clear();
  std::string workbook_rels = RelationshipsPathFor(workbook_part_);
  if (zip_->Has(workbook_rels)) RETURN_IF_ERROR(read_rels(workbook_rels));
  std::map<std::string, const Relationship*> by_id;
  for (const Relationship& rel : rels) {
    if (rel.external) continue;
    by_id[rel.id] = &rel;
    if (RelationshipIs(rel, "sharedStrings")) {
      shared_strings_part_ = ResolvePartPath(workbook_part_, rel.target);
    } else if (RelationshipIs(rel, "styles")) {
      styles_part_ = ResolvePartPath(workbook_part_, rel.target);
    }
  }
  // Some writers leave these relationships out but still use the usual names.
  if (shared_strings_part_.empty() && zip_->Has("xl/sharedStrings.xml")) {
    shared_strings_part_ = "xl/sharedStrings.xml";
  }
  if (styles_part_.empty() && zip_->Has("xl/styles.xml")) styles_part_ = "xl/styles.xml";

  for (const WorkbookInfo::Sheet& s : info.sheets) {
    Sheet sheet;
    sheet.name = s.name;
    sheet.hidden = s.hidden;
    auto rel = by_id.find(s.relationship_id);
    if (rel != by_id.end()) {
      sheet.part = ResolvePartPath(workbook_part_, rel->second->target);
      sheet.worksheet = RelationshipIs(*rel->second, "worksheet");
    }
    sheets_.push_back(std::move(sheet));
  }
  return Status::Ok();
}

Status XlsxWorkbook::LoadSharedData() {
  if (shared_loaded_) return Status::Ok();
  if (!styles_part_.empty() && zip_->Has(styles_part_)) {
    RETURN_IF_ERROR(zip_->Read(styles_part_, [&](std::istream& in) {
      ASSIGN_OR_RETURN(styles_, ParseCellStyles(in, Where(styles_part_)));
      return Status::Ok();
    }));
  }
  if (!shared_strings_part_.empty() && zip_->Has(shared_strings_part_)) {
    RETURN_IF_ERROR(zip_->Read(shared_strings_part_, [&](std::istream& in) {
      ASSIGN_OR_RETURN(shared_strings_, ParseSharedStrings(in, Where(shared_strings_part_)));
      return Status::Ok();
    }));
  }
  shared_loaded_ = true;
  return Status::Ok();
}

Result<const XlsxWorkbook::Sheet*> XlsxWorkbook::Select(const SheetSelector& which) const {
  const std::string& file = zip_->file_name();
  if (sheets_.empty()) return Status::Invalid(file + ": 工作簿中没有工作表");
  if (!which.name.empty()) {
    for (const Sheet& sheet : sheets_) {
      if (sheet.name == which.name) return &sheet;
    }
    std::string names;
    for (const Sheet& sheet : sheets_) names += (names.empty() ? "" : "、") + sheet.name;
    return Status::NotFound(file + ": 没有名为“" + which.name + "”的工作表（现有：" + names + "）");
  }
  if (which.index == 0) return &sheets_.front();
  if (which.index < 0 || static_cast<size_t>(which.index) > sheets_.size()) {
    return Status::NotFound(file + ": 没有第 " + std::to_string(which.index) + " 个工作表（共 " +
                            std::to_string(sheets_.size()) + " 个）");
  }
  return &sheets_[static_cast<size_t>(which.index - 1)];
}

Status XlsxWorkbook::ReadSheet(const SheetSelector& which,
                               const std::function<Status(Row)>& on_row) {
  ASSIGN_OR_RETURN(const Sheet* sheet, Select(which));
  std::string where = zip_->file_name() + " 工作表 " + sheet->name;
  if (!sheet->worksheet) return Status::Invalid(where + ": 是图表工作表，没有单元格数据");
  if (sheet->part.empty() || !zip_->Has(sheet->part)) {
    return Status::Invalid(where + ": 缺少工作表数据" +
                           (sheet->part.empty() ? std::string() : " " + sheet->part) +
                           "，文件已损坏");
  }
  RETURN_IF_ERROR(LoadSharedData());
  SheetContext context;
  context.where = where;
  context.shared_strings = &shared_strings_;
  context.styles = &styles_;
  context.date1904 = date1904_;
  context.max_columns = options_.max_columns;
  context.max_cell_bytes = options_.max_cell_bytes;
  return zip_->Read(sheet->part,
                    [&](std::istream& in) { return ReadSheetRows(in, context, on_row); });
}

Result<std::vector<Row>> XlsxWorkbook::ReadAllRows(const SheetSelector& which) {
  std::vector<Row> rows;
  RETURN_IF_ERROR(ReadSheet(which, [&](Row row) {
    rows.push_back(std::move(row));
    return Status::Ok();
  }));
  return rows;
}

}  // namespace onetable::connectors

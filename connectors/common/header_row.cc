#include "common/header_row.h"

#include <algorithm>
#include <utility>

#include "onetable/text.h"

namespace onetable::connectors {

std::string NormalizeHeaderCell(std::string_view cell) {
  return std::string(TrimHeaderBlank(cell));
}

size_t CountKnownHeaderCells(const std::vector<std::string>& cells,
                             const std::vector<std::string>& known_names) {
  size_t count = 0;
  for (const std::string& cell : cells) {
    std::string_view name = TrimHeaderBlank(cell);
    if (name.empty()) continue;
    for (const std::string& known : known_names) {
      if (TrimHeaderBlank(known) == name) {
        ++count;
        break;
      }
    }
  }
  return count;
}

bool IsBlankRow(const std::vector<std::string>& cells) {
  return std::all_of(cells.begin(), cells.end(),
                     [](const std::string& c) { return TrimHeaderBlank(c).empty(); });
}

HeaderedTable::HeaderedTable(HeaderSpec spec, std::string source_name, bool pad_short_rows)
    : spec_(std::move(spec)),
      source_name_(std::move(source_name)),
      pad_short_rows_(pad_short_rows) {}

Status HeaderedTable::NotFound() const {
  if (spec_.row_number > 0) {
    return Status::Invalid(source_name_ + ": 指定的表头行（第 " + std::to_string(spec_.row_number) +
                           " 行）为空或不存在");
  }
  std::string names;
  for (size_t i = 0; i < spec_.known_names.size() && i < 8; ++i) {
    if (i > 0) names += "、";
    names += spec_.known_names[i];
  }
  if (spec_.known_names.size() > 8) names += " 等";
  std::string want = spec_.predicate ? std::string("符合表头条件的行")
                                     : "至少含 " + std::to_string(spec_.min_matches) +
                                           " 个已知列名（" + names + "）的行";
  return Status::Invalid(source_name_ + ": 未找到表头：前 " + std::to_string(spec_.max_scan_rows) +
                         " 个非空行中没有" + want);
}

Result<HeaderedTable::RowKind> HeaderedTable::Accept(Row* row) {
  if (!header_found_) {
    if (spec_.row_number > 0) {
      if (row->number < spec_.row_number) return RowKind::kSkipped;
      if (row->number > spec_.row_number || IsBlankRow(row->cells)) return NotFound();
    } else {
      if (IsBlankRow(row->cells)) return RowKind::kSkipped;
      if (++scanned_ > spec_.max_scan_rows) return NotFound();
      bool is_header = spec_.predicate ? spec_.predicate(row->cells)
                                       : spec_.known_names.empty() ||
                                             CountKnownHeaderCells(row->cells, spec_.known_names) >=
                                                 spec_.min_matches;
      if (!is_header) return RowKind::kSkipped;
    }
    header_.clear();
    for (const std::string& cell : row->cells) header_.push_back(NormalizeHeaderCell(cell));
    while (!header_.empty() && header_.back().empty()) header_.pop_back();
    header_found_ = true;
    header_row_number_ = row->number;
    return RowKind::kHeader;
  }

  if (row->error.empty() && IsBlankRow(row->cells)) return RowKind::kSkipped;
  std::vector<std::string>& cells = row->cells;
  while (cells.size() > header_.size() && cells.back().empty()) cells.pop_back();
  if (cells.size() < header_.size() && pad_short_rows_) cells.resize(header_.size());
  if (cells.size() != header_.size() && row->error.empty()) {
    row->error = source_name_ + " 第 " + std::to_string(row->number) + " 行: 列数不符：表头有 " +
                 std::to_string(header_.size()) + " 列，本行有 " + std::to_string(cells.size()) +
                 " 列";
  }
  return RowKind::kData;
}

Status HeaderedTable::Finish() const { return header_found_ ? Status::Ok() : NotFound(); }

bool LooksLikeHeader(const std::vector<std::string>& cells) {
  int filled = 0;
  for (const std::string& raw : cells) {
    std::string c = NormalizeHeaderCell(raw);
    if (c.empty()) continue;
    ++filled;
    bool numeric = true;
    for (char ch : c) {
      if (!((ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '/' || ch == ':' ||
            ch == 'X' || ch == 'x' || ch == ' ')) {
        numeric = false;
        break;
      }
    }
    if (numeric) return false;
  }
  return filled >= 2;
}

}  // namespace onetable::connectors

#include "mapping/preview_sink.h"

#include <algorithm>

namespace onetable::mapping {

namespace {

std::string OneLine(std::string cell) {
  for (char& c : cell) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return cell;
}

}  // namespace

std::string AlignedText(const std::vector<std::vector<std::string>>& rows) {
  std::vector<int> widths;
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(OneLine(row[i])));
    }
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& row) {
    std::string text;
    for (size_t i = 0; i < row.size(); ++i) {
      const std::string cell = OneLine(row[i]);
      text += cell;
      if (i + 1 < row.size()) text += std::string(widths[i] - DisplayWidth(cell) + 2, ' ');
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  };
  for (size_t r = 0; r < rows.size(); ++r) {
    line(rows[r]);
    if (r == 0) {
      std::vector<std::string> rule;
      for (size_t i = 0; i < rows[0].size(); ++i) rule.push_back(std::string(widths[i], '-'));
      line(rule);
    }
  }
  if (!out.empty()) out.pop_back();
  return out;
}

Status PreviewSink::Begin(const TableMeta& meta) {
  meta_ = meta;
  rows_.clear();
  rows_.push_back(meta.headers);
  return Status::Ok();
}

Status PreviewSink::Row(const std::vector<std::string>& cells) {
  if (cells.size() != meta_.headers.size()) {
    return Status::Invalid("预览行的列数与表头不一致");
  }
  rows_.push_back(cells);
  return Status::Ok();
}

Status PreviewSink::End() {
  out_ << TitleLine(meta_) << "\n" << AlignedText(rows_) << "\n";
  out_.flush();
  return out_ ? Status::Ok() : Status::Internal("无法输出预览");
}

}  // namespace onetable::mapping

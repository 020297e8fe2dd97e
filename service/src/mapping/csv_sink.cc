#include "mapping/csv_sink.h"

namespace onetable::mapping {

std::string CsvField(const std::string& cell) {
  std::string text = EscapeFormula(cell);
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

Status CsvSink::Begin(const TableMeta& meta) {
  columns_ = meta.headers.size();
  out_ << "\xEF\xBB\xBF";
  return WriteLine(meta.headers);
}

Status CsvSink::Row(const std::vector<std::string>& cells) {
  if (cells.size() != columns_) {
    return Status::Invalid("CSV 行的单元格数 " + std::to_string(cells.size()) + " 与表头列数 " +
                           std::to_string(columns_) + " 不符");
  }
  return WriteLine(cells);
}

Status CsvSink::End() {
  out_.flush();
  if (!out_) return Status::Internal("写入 CSV 失败");
  return Status::Ok();
}

Status CsvSink::WriteLine(const std::vector<std::string>& cells) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) line += ',';
    line += CsvField(cells[i]);
  }
  line += "\r\n";
  out_ << line;
  if (!out_) return Status::Internal("写入 CSV 失败");
  return Status::Ok();
}

}  // namespace onetable::mapping

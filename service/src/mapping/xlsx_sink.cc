#include "mapping/xlsx_sink.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "onetable/utf8.h"

namespace onetable::mapping {

namespace {

// Excel sheet names: at most 31 characters, none of []:*?/\ .
std::string SheetName(const std::string& title) {
  std::string out;
  size_t chars = 0;
  for (size_t i = 0; i < title.size() && chars < 31;) {
    const utf8::CodePoint cp = utf8::DecodeAt(title, i);
    const size_t n = cp.status == utf8::Decode::kOk ? cp.length : 1;
    if (cp.status != utf8::Decode::kOk) {
      out.append(utf8::kReplacement);  // Excel refuses a sheet name that is not UTF-8
      ++chars;
    } else if (n > 1 || std::string_view("[]:*?/\\'").find(title[i]) == std::string_view::npos) {
      out.append(title, i, n);
      ++chars;
    }
    i += n;
  }
  return out.empty() ? "Sheet1" : out;
}

// The value of `text` when it is a number Excel can hold exactly as written: [-]digits[.digits],
// at most 15 digits, no leading zero before another digit. nullopt for anything else.
std::optional<double> PlainNumber(const std::string& text) {
  size_t i = text.size() > 0 && text[0] == '-' ? 1 : 0;
  const size_t first_digit = i;
  int digits = 0;
  bool point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c == '.' && !point && digits > 0) {
      point = true;
    } else {
      return std::nullopt;
    }
  }
  if (digits == 0 || digits > 15 || text.back() == '.') return std::nullopt;
  if (text[first_digit] == '0' && text.size() > first_digit + 1 && text[first_digit + 1] != '.') {
    return std::nullopt;
  }
  return std::strtod(text.c_str(), nullptr);
}

Status XlsxError(lxw_error err, uint32_t row, size_t col) {
  if (err == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED) {
    return Status::Invalid("第 " + std::to_string(row + 1) + " 行第 " + std::to_string(col + 1) +
                           " 列的内容超过 XLSX 单元格上限 32767 个字符");
  }
  return Status::Internal(std::string("写入 XLSX 失败：") + lxw_strerror(err));
}

}  // namespace

Result<std::unique_ptr<XlsxSink>> XlsxSink::Open(const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<AtomicFile> file, AtomicFile::Create(path));
  auto sink = std::unique_ptr<XlsxSink>(new XlsxSink(std::move(file)));
  size_t slash = path.rfind('/');
  sink->tmpdir_ = slash == std::string::npos ? "." : path.substr(0, slash);
  if (sink->tmpdir_.empty()) sink->tmpdir_ = "/";
  return sink;
}

XlsxSink::~XlsxSink() {
  // libxlsxwriter has no abort: close into the temporary, which AtomicFile then removes.
  if (workbook_ != nullptr) workbook_close(workbook_);
}

Status XlsxSink::Begin(const TableMeta& meta) {
  if (workbook_ != nullptr) return Status::Internal("XlsxSink::Begin 调用了两次");
  if (meta.headers.empty()) return Status::Invalid("表格没有列");
  if (meta.headers.size() > LXW_COL_MAX) return Status::Invalid("列数超过 XLSX 上限");
  lxw_workbook_options options = {};
  options.constant_memory = LXW_TRUE;
  options.tmpdir = const_cast<char*>(tmpdir_.c_str());
  workbook_ = workbook_new_opt(file_->temp_path().c_str(), &options);
  if (workbook_ == nullptr) return Status::Internal("无法创建 XLSX 文件 " + file_->target());
  lxw_doc_properties props = {};
  props.title = const_cast<char*>(meta.title.c_str());
  workbook_set_properties(workbook_, &props);
  sheet_ = workbook_add_worksheet(workbook_, SheetName(meta.title).c_str());
  if (sheet_ == nullptr) sheet_ = workbook_add_worksheet(workbook_, nullptr);
  if (sheet_ == nullptr) return Status::Internal("无法创建 XLSX 工作表");

  lxw_format* title = workbook_add_format(workbook_);
  format_set_bold(title);
  format_set_font_size(title, 14);
  format_set_align(title, LXW_ALIGN_CENTER);
  format_set_align(title, LXW_ALIGN_VERTICAL_CENTER);
  lxw_format* header = workbook_add_format(workbook_);
  format_set_bold(header);
  format_set_align(header, LXW_ALIGN_CENTER);
  format_set_border(header, LXW_BORDER_THIN);
  bold_ = workbook_add_format(workbook_);
  format_set_bold(bold_);

  columns_ = meta.headers.size();
  fixed_widths_ = meta.widths;
  fixed_widths_.resize(columns_, 0);
  numeric_ = meta.numeric;
  numeric_.resize(columns_, false);
  estimated_.assign(columns_, 0);

  const std::string line = TitleLine(meta);
  lxw_error err = columns_ > 1
                      ? worksheet_merge_range(sheet_, 0, 0, 0, static_cast<lxw_col_t>(columns_ - 1),
                                              line.c_str(), title)
                      : worksheet_write_string(sheet_, 0, 0, line.c_str(), title);
  if (err != LXW_NO_ERROR) return XlsxError(err, 0, 0);
  worksheet_set_row(sheet_, 0, 24, nullptr);
  worksheet_freeze_panes(sheet_, 2, 0);
  next_row_ = 1;
  return WriteRow(meta.headers, header);
}

Status XlsxSink::WriteRow(const std::vector<std::string>& cells, lxw_format* format) {
  if (sheet_ == nullptr) return Status::Internal("XlsxSink 未调用 Begin");
  if (cells.size() != columns_) {
    return Status::Invalid("XLSX 行的单元格数 " + std::to_string(cells.size()) + " 与表头列数 " +
                           std::to_string(columns_) + " 不符");
  }
  if (next_row_ >= LXW_ROW_MAX) {
    return Status::Invalid("行数超过 XLSX 单个工作表的上限 " + std::to_string(LXW_ROW_MAX) +
                           "，请改用 CSV 或缩小范围");
  }
  const bool sample = rows_written_ <= kSampleRows;
  for (size_t c = 0; c < cells.size(); ++c) {
    const std::string text = EscapeFormula(cells[c]);
    if (sample) estimated_[c] = std::max(estimated_[c], DisplayWidth(text));
    if (text.empty() && format == nullptr) continue;
    const lxw_col_t col = static_cast<lxw_col_t>(c);
    // The header row (row 1) is text whatever its column holds.
    const std::optional<double> number =
        numeric_[c] && next_row_ > 1 ? PlainNumber(cells[c]) : std::nullopt;
    lxw_error err = number ? worksheet_write_number(sheet_, next_row_, col, *number, format)
                           : worksheet_write_string(sheet_, next_row_, col, text.c_str(), format);
    if (err != LXW_NO_ERROR) return XlsxError(err, next_row_, c);
  }
  ++next_row_;
  if (++rows_written_ == kSampleRows + 1) SetWidths();  // header + kSampleRows rows seen
  return Status::Ok();
}

void XlsxSink::SetWidths() {
  if (widths_set_ || sheet_ == nullptr) return;
  widths_set_ = true;
  for (size_t c = 0; c < columns_; ++c) {
    double width = fixed_widths_[c] > 0 ? fixed_widths_[c] : std::clamp(estimated_[c] + 2, 6, 50);
    worksheet_set_column(sheet_, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), width,
                         nullptr);
  }
}

Status XlsxSink::Row(const std::vector<std::string>& cells) { return WriteRow(cells, nullptr); }

Status XlsxSink::TotalRow(const std::vector<std::string>& cells) { return WriteRow(cells, bold_); }

Status XlsxSink::End() {
  if (workbook_ == nullptr) return Status::Internal("XlsxSink 未调用 Begin");
  SetWidths();
  lxw_error err = workbook_close(workbook_);
  workbook_ = nullptr;
  sheet_ = nullptr;
  if (err != LXW_NO_ERROR) {
    return Status::Internal("写入 XLSX 失败（" + file_->target() + "）：" + lxw_strerror(err));
  }
  return file_->Commit();
}

}  // namespace onetable::mapping

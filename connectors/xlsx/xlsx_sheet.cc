#include "xlsx/xlsx_sheet.h"

#include <charconv>
#include <utility>

#include "Poco/SAX/Attributes.h"
#include "Poco/SAX/DefaultHandler.h"
#include "xlsx/xml_sax.h"

namespace onetable::connectors {
namespace {

using Poco::XML::Attributes;
using Poco::XML::XMLChar;
using Poco::XML::XMLString;

bool ParseUnsigned(const std::string& s, uint64_t* out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

class SheetHandler : public Poco::XML::DefaultHandler {
 public:
  SheetHandler(const SheetContext& context, const std::function<Status(Row)>& on_row)
      : ctx_(context), on_row_(on_row) {}

  void startElement(const XMLString&, const XMLString& local, const XMLString&,
                    const Attributes& attrs) override {
    if (local == "sheetData") {
      in_sheet_data_ = true;
    } else if (!in_sheet_data_) {
      return;
    } else if (local == "row") {
      row_ = Row{};
      uint64_t number = 0;
      row_.number = ParseUnsigned(attrs.getValue("", "r"), &number) && number > 0
                        ? static_cast<int64_t>(number)
                        : last_row_ + 1;
      last_row_ = row_.number;
      next_column_ = 0;
      row_has_cells_ = false;
    } else if (local == "c") {
      int column = 0;
      int64_t ignored_row = 0;
      column_ =
          ParseCellRef(attrs.getValue("", "r"), &column, &ignored_row) ? column : next_column_;
      next_column_ = column_ + 1;
      type_ = attrs.getValue("", "t");
      uint64_t style = 0;
      style_ = ParseUnsigned(attrs.getValue("", "s"), &style) ? style : 0;
      value_.clear();
      inline_text_.clear();
      oversized_ = false;
    } else if (local == "v") {
      in_v_ = true;
    } else if (local == "is") {
      in_inline_ = true;
    } else if (local == "rPh") {
      in_phonetic_ = true;
    } else if (local == "t" && in_inline_ && !in_phonetic_) {
      in_inline_t_ = true;
    }
  }

  void endElement(const XMLString&, const XMLString& local, const XMLString&) override {
    if (local == "sheetData") {
      in_sheet_data_ = false;
    } else if (!in_sheet_data_) {
      return;
    } else if (local == "v") {
      in_v_ = false;
    } else if (local == "is") {
      in_inline_ = false;
    } else if (local == "rPh") {
      in_phonetic_ = false;
    } else if (local == "t") {
      in_inline_t_ = false;
    } else if (local == "c") {
      EndCell();
    } else if (local == "row") {
      if (!row_has_cells_) return;
      Status status = on_row_(std::move(row_));
      if (!status.ok()) throw XmlStop(status);
    }
  }

  void characters(const XMLChar ch[], int start, int length) override {
    std::string* target = in_v_ ? &value_ : in_inline_t_ ? &inline_text_ : nullptr;
    if (target == nullptr) return;
    size_t n = static_cast<size_t>(length);
    if (target->size() + n > ctx_.max_cell_bytes) {
      oversized_ = true;
      n = ctx_.max_cell_bytes > target->size() ? ctx_.max_cell_bytes - target->size() : 0;
    }
    target->append(ch + start, n);
  }

 private:
  void CellError(const std::string& message) {
    if (!row_.error.empty()) return;  // the first problem in a row is the one to fix first
    row_.error = ctx_.where + " 单元格 " + ColumnName(column_) + std::to_string(row_.number) +
                 ": " + message;
  }

  void EndCell() {
    row_has_cells_ = true;
    if (column_ >= static_cast<int>(ctx_.max_columns)) {
      CellError("超出列数上限 " + std::to_string(ctx_.max_columns) + "，该单元格被忽略");
      return;
    }
    std::string text = CellText();
    if (oversized_)
      CellError("内容超过上限 " + std::to_string(ctx_.max_cell_bytes) + " 字节（已截断）");
    if (row_.cells.size() <= static_cast<size_t>(column_)) row_.cells.resize(column_ + 1);
    row_.cells[column_] = std::move(text);
  }

  std::string CellText() {
    if (type_ == "s") {
      uint64_t index = 0;
      size_t count = ctx_.shared_strings ? ctx_.shared_strings->size() : 0;
      if (!ParseUnsigned(value_, &index) || index >= count) {
        CellError("共享字符串索引 " + value_ + " 超出范围（共有 " + std::to_string(count) +
                  " 个）");
        return "";
      }
      return (*ctx_.shared_strings)[index];
    }
    if (type_ == "inlineStr")
      return DecodeOoxmlEscapes(inline_text_.empty() ? value_ : inline_text_);
    if (type_ == "str") return DecodeOoxmlEscapes(value_);
    if (type_ == "e") return value_;
    if (type_ == "b") return value_ == "1" ? "TRUE" : value_ == "0" ? "FALSE" : value_;
    if (type_ == "d") {
      size_t t = value_.find('T');
      if (t == std::string::npos) return value_;
      std::string time = value_.substr(t + 1);
      return time.rfind("00:00:00", 0) == 0 ? value_.substr(0, t)
                                            : value_.substr(0, t) + " " + time;
    }
    if (value_.empty()) return "";
    NumberKind kind = NumberKind::kNumber;
    if (ctx_.styles != nullptr && style_ < ctx_.styles->size()) kind = (*ctx_.styles)[style_];
    if (kind == NumberKind::kNumber) return FormatNumber(value_);
    double serial = 0;
    auto [ptr, ec] = std::from_chars(value_.data(), value_.data() + value_.size(), serial);
    if (ec != std::errc() || ptr != value_.data() + value_.size()) {
      CellError("日期单元格的值 \"" + value_ + "\" 不是数字");
      return value_;
    }
    Result<std::string> formatted = FormatSerial(serial, kind, ctx_.date1904);
    if (!formatted.ok()) {
      CellError(formatted.status().message());
      return value_;
    }
    return formatted.value();
  }

  const SheetContext& ctx_;
  const std::function<Status(Row)>& on_row_;
  bool in_sheet_data_ = false;
  Row row_;
  int64_t last_row_ = 0;
  bool row_has_cells_ = false;
  int next_column_ = 0;
  int column_ = 0;
  std::string type_;
  uint64_t style_ = 0;
  std::string value_;
  std::string inline_text_;
  bool oversized_ = false;
  bool in_v_ = false;
  bool in_inline_ = false;
  bool in_inline_t_ = false;
  bool in_phonetic_ = false;
};

}  // namespace

Status ReadSheetRows(std::istream& in, const SheetContext& context,
                     const std::function<Status(Row)>& on_row) {
  SheetHandler handler(context, on_row);
  return ParseXml(in, &handler, context.where);
}

}  // namespace onetable::connectors

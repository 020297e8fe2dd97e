#include "mapping/table_sink.h"

#include <stdlib.h>
#include <unistd.h>

#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <utility>

#include "mapping/atomic_file.h"
#include "mapping/csv_sink.h"
#include "mapping/json_sink.h"
#include "mapping/xlsx_sink.h"
#include "onetable/text.h"
#include "onetable/utf8.h"

namespace onetable::mapping {

namespace {

// Passes the rows to the sink that writes them; subclasses finish the output in End.
class ForwardingSink : public TableSink {
 public:
  explicit ForwardingSink(TableSink* inner) : inner_(inner) {}
  Status Begin(const TableMeta& meta) override { return inner_->Begin(meta); }
  Status Row(const std::vector<std::string>& cells) override { return inner_->Row(cells); }
  Status TotalRow(const std::vector<std::string>& cells) override {
    return inner_->TotalRow(cells);
  }
  Status End() override { return inner_->End(); }

 private:
  TableSink* inner_;
};

// A byte-stream sink (CSV, JSON) over an AtomicFile: the file appears when End succeeds.
class FileSink : public ForwardingSink {
 public:
  FileSink(std::unique_ptr<AtomicFile> file, std::unique_ptr<TableSink> inner)
      : ForwardingSink(inner.get()), file_(std::move(file)), inner_(std::move(inner)) {}

  Status End() override {
    RETURN_IF_ERROR(ForwardingSink::End());
    return file_->Commit();
  }

 private:
  std::unique_ptr<AtomicFile> file_;  // declared first: the inner sink writes to its stream
  std::unique_ptr<TableSink> inner_;
};

bool IsWide(uint32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

}  // namespace

std::optional<TableFormat> ParseTableFormat(std::string_view name) {
  const std::string lower = AsciiLower(name);
  if (lower == "xlsx") return TableFormat::kXlsx;
  if (lower == "csv") return TableFormat::kCsv;
  if (lower == "json") return TableFormat::kJson;
  return std::nullopt;
}

const char* TableFormatName(TableFormat format) {
  switch (format) {
    case TableFormat::kXlsx:
      return "xlsx";
    case TableFormat::kCsv:
      return "csv";
    case TableFormat::kJson:
      return "json";
  }
  return "?";
}

Result<std::unique_ptr<TableSink>> OpenTableSink(TableFormat format, const std::string& path) {
  if (format == TableFormat::kXlsx) {
    ASSIGN_OR_RETURN(std::unique_ptr<XlsxSink> sink, XlsxSink::Open(path));
    return std::unique_ptr<TableSink>(std::move(sink));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<AtomicFile> file, AtomicFile::Create(path));
  std::ostream& out = file->stream();
  if (!out) return Status::Internal("无法写入 " + path);
  std::unique_ptr<TableSink> inner;
  if (format == TableFormat::kCsv) {
    inner = std::make_unique<CsvSink>(out);
  } else {
    inner = std::make_unique<JsonSink>(out);
  }
  return std::unique_ptr<TableSink>(new FileSink(std::move(file), std::move(inner)));
}

namespace {

// XLSX to a stream: libxlsxwriter writes a file (in constant memory), so the workbook goes to a
// temporary file that End copies to the stream; the file is removed with the sink.
class XlsxStreamSink : public ForwardingSink {
 public:
  XlsxStreamSink(std::ostream& out, std::string placeholder, std::string path,
                 std::unique_ptr<XlsxSink> inner)
      : ForwardingSink(inner.get()),
        out_(out),
        placeholder_(std::move(placeholder)),
        path_(std::move(path)),
        inner_(std::move(inner)) {}
  ~XlsxStreamSink() override {
    inner_.reset();
    std::error_code ec;
    std::filesystem::remove(path_, ec);
    std::filesystem::remove(placeholder_, ec);
  }

  Status End() override {
    RETURN_IF_ERROR(ForwardingSink::End());
    std::ifstream in(path_, std::ios::binary);
    if (!in) return Status::Internal("cannot read back " + path_);
    out_ << in.rdbuf();
    if (!out_) return Status::Internal("sending the XLSX file failed");
    return Status::Ok();
  }

 private:
  std::ostream& out_;
  std::string placeholder_;  // the mkstemp file that reserves the name
  std::string path_;
  std::unique_ptr<XlsxSink> inner_;
};

}  // namespace

Result<std::unique_ptr<TableSink>> OpenTableSink(TableFormat format, std::ostream& out) {
  if (format == TableFormat::kCsv) return std::unique_ptr<TableSink>(new CsvSink(out));
  if (format == TableFormat::kJson) return std::unique_ptr<TableSink>(new JsonSink(out));
  std::string pattern = (std::filesystem::temp_directory_path() / "onetable-table-XXXXXX").string();
  const int fd = mkstemp(pattern.data());
  if (fd < 0) return Status::Internal("cannot create a temporary file for XLSX");
  close(fd);
  const std::string path = pattern + ".xlsx";
  Result<std::unique_ptr<XlsxSink>> inner = XlsxSink::Open(path);
  if (!inner.ok()) {
    std::error_code ec;
    std::filesystem::remove(pattern, ec);
    return inner.status();
  }
  return std::unique_ptr<TableSink>(new XlsxStreamSink(out, pattern, path, std::move(*inner)));
}

std::string EscapeFormula(std::string cell) {
  if (!cell.empty()) {
    char c = cell[0];
    if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') {
      cell.insert(cell.begin(), '\'');
    }
  }
  return cell;
}

int DisplayWidth(std::string_view text) {
  int width = 0;
  size_t i = 0;
  while (i < text.size()) {
    // A byte that is not UTF-8 is one narrow character (U+FFFD).
    const utf8::CodePoint cp = utf8::DecodeAt(text, i);
    i += cp.status == utf8::Decode::kOk ? cp.length : 1;
    width += IsWide(cp.value) ? 2 : 1;
  }
  return width;
}

std::string TitleLine(const TableMeta& meta) {
  std::string line = meta.title;
  auto add = [&](const std::string& part) {
    if (part.empty()) return;
    if (!line.empty()) line += " — ";
    line += part;
  };
  add(meta.scope);
  if (!meta.as_of.empty()) add("截至 " + meta.as_of);
  return line;
}

}  // namespace onetable::mapping

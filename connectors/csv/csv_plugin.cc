// The `csv` connector plugin: departmental CSV exports (UTF-8, UTF-8 with BOM, GBK, GB18030;
// RFC 4180), one file or a glob, over the csv reader library.
//
// Options: path (file or glob, relative to the connector YAML), encoding (auto|utf-8|gbk|
// gb18030), delimiter ("," or "tab" or one character), header_row (0: detect the first row that
// looks like a header: at least two filled cells, none of them a number or a date).
//
// Records: one per data row; fields are header cell -> value; the record key is
// "<file>:<row>", the location the file's path relative to the YAML's directory. A ragged row
// or a row over a limit is handed back as rejected; a file that cannot be decoded (wrong
// encoding, a quote never closed) is rejected from the failing point on, and the next file is
// read.
//
// Cursor: per file its size, mtime and the last row delivered (common/file_set.h, tag "csv1"):
// a file interrupted half-way and unchanged since resumes after that row.
//
// Built twice: as the plugin onetable_connector_csv.so (exporting onetable_connector_v1) and
// statically, where it is reached as onetable_csv_connector().
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "common/file_set.h"
#include "common/header_row.h"
#include "common/sdk_buffer.h"
#include "csv/csv_reader.h"
#include "onetable/connector.h"

namespace onetable::connectors {
namespace {

const OtOptionDecl kOptions[] = {
    {"path", OT_OPTION_STRING, nullptr, "CSV 文件路径或通配符（相对于连接器配置文件所在目录）"},
    {"encoding", OT_OPTION_STRING, "auto", "文件编码：auto（自动识别）、utf-8、gbk 或 gb18030"},
    {"delimiter", OT_OPTION_STRING, ",", "分隔符：逗号 “,”、tab 或其他单个字符"},
    {"header_row", OT_OPTION_INT, "0", "表头所在行号；0 表示自动识别"},
};

constexpr char kCursorTag[] = "csv1";

struct Handle {
  CsvOptions csv;
  int64_t header_row = 0;
  std::vector<FileState> files;
  size_t current = 0;
  int64_t total_bytes = 0;
  int64_t done_bytes = 0;  // bytes of the files finished
  // The file being read.
  std::unique_ptr<std::ifstream> stream;
  std::unique_ptr<CsvReader> reader;
  std::unique_ptr<HeaderedTable> table;
  int64_t resume_after = 0;
};

void* Open(const OtKeyValue* options, size_t option_count, const char* cursor, const char* base_dir,
           int* unreachable, char* err, size_t err_len) {
  try {
    auto h = std::make_unique<Handle>();
    std::string path, encoding = "auto", delimiter = ",";
    for (size_t i = 0; i < option_count; ++i) {
      std::string key = options[i].key, value = options[i].value ? options[i].value : "";
      if (key == "path") path = value;
      if (key == "encoding") encoding = value;
      if (key == "delimiter") delimiter = value;
      if (key == "header_row") h->header_row = std::atoll(value.c_str());
    }
    if (encoding != "auto") {
      auto parsed = ParseTextEncoding(encoding);
      if (!parsed.ok()) {
        CopyOut("选项 encoding 无效：" + parsed.status().message(), err, err_len);
        return nullptr;
      }
      h->csv.encoding = *parsed;
    }
    if (delimiter == "tab" || delimiter == "\\t" || delimiter == "\t") {
      h->csv.delimiter = '\t';
    } else if (delimiter.size() == 1 && delimiter[0] != '"') {
      h->csv.delimiter = delimiter[0];
    } else {
      CopyOut("选项 delimiter 应为单个字符（如 “,”）或 tab", err, err_len);
      return nullptr;
    }
    if (h->header_row < 0) {
      CopyOut("选项 header_row 不能为负数", err, err_len);
      return nullptr;
    }
    auto files = OpenFileSet(base_dir ? base_dir : ".", path, kCursorTag, cursor ? cursor : "");
    if (!files.ok()) {
      *unreachable = 1;
      CopyOut(files.status().message(), err, err_len);
      return nullptr;
    }
    h->files = std::move(*files);
    for (const FileState& f : h->files) h->total_bytes += f.size;
    return h.release();
  } catch (const std::exception& e) {
    CopyOut(std::string("打开 CSV 来源时出错：") + e.what(), err, err_len);
    return nullptr;
  }
}

// Opens the current file for reading; false with `*message` when it cannot be opened.
bool StartFile(Handle* h, std::string* message) {
  FileState& f = h->files[h->current];
  h->stream = std::make_unique<std::ifstream>(f.path, std::ios::binary);
  if (!*h->stream) {
    *message = "无法打开文件 " + f.location + "：" + std::strerror(errno);
    return false;
  }
  h->reader = std::make_unique<CsvReader>(*h->stream, f.location, h->csv);
  HeaderSpec spec;
  spec.row_number = h->header_row;
  spec.predicate = LooksLikeHeader;
  h->table = std::make_unique<HeaderedTable>(spec, f.location, false);
  h->resume_after = f.done_row;
  return true;
}

void EndFile(Handle* h) {
  FileState& f = h->files[h->current];
  f.complete = true;
  h->done_bytes += f.size;
  h->reader.reset();
  h->table.reset();
  h->stream.reset();
  ++h->current;
}

int NextBatch(void* handle, size_t max_records, const OtBatchSink* sink, char* cursor_out,
              size_t cursor_len, char* err, size_t err_len) {
  auto* h = static_cast<Handle*>(handle);
  try {
    size_t delivered = 0;
    while (h->current < h->files.size() && delivered < max_records) {
      FileState& f = h->files[h->current];
      if (!h->reader) {
        std::string message;
        if (!StartFile(h, &message)) {
          CopyOut(message, err, err_len);
          return OT_BATCH_UNREACHABLE;
        }
      }
      Row row;
      auto more = h->reader->Next(&row);
      Status failure;
      if (!more.ok()) failure = more.status();
      if (more.ok() && !*more) {
        failure = h->table->Finish();
        if (failure.ok()) {
          EndFile(h);
          continue;
        }
      }
      if (!failure.ok()) {
        // The rest of this file cannot be read: quarantine it as one row and go on.
        RejectRow(sink, f, f.done_row + 1, failure.message());
        ++delivered;
        EndFile(h);
        continue;
      }
      auto kind = h->table->Accept(&row);
      if (!kind.ok()) {
        RejectRow(sink, f, row.number, kind.status().message());
        ++delivered;
        f.done_row = row.number;
        EndFile(h);
        continue;
      }
      if (*kind != HeaderedTable::RowKind::kData) continue;
      if (row.number <= h->resume_after) continue;  // committed by an earlier run
      f.done_row = row.number;
      ++delivered;
      DeliverDataRow(sink, f, h->table->header(), row);
    }
    int64_t position = h->done_bytes;
    if (h->stream && *h->stream) position += static_cast<int64_t>(h->stream->tellg());
    if (sink->progress) sink->progress(sink->ctx, position, h->total_bytes);
    std::string cursor = EncodeFileCursor(kCursorTag, h->files);
    if (cursor.size() + 1 > cursor_len) {
      CopyOut("读取位置信息过长（文件过多）", err, err_len);
      return OT_BATCH_ERROR;
    }
    CopyOut(cursor, cursor_out, cursor_len);
    return h->current < h->files.size() ? OT_BATCH_MORE : OT_BATCH_DONE;
  } catch (const std::exception& e) {
    CopyOut(std::string("读取 CSV 时出错：") + e.what(), err, err_len);
    return OT_BATCH_ERROR;
  }
}

void Close(void* handle) { delete static_cast<Handle*>(handle); }

const OtConnectorV1 kCsvConnector = {ONETABLE_CONNECTOR_ABI_VERSION,
                                     "csv",
                                     "CSV 文件（部门导出）",
                                     kOptions,
                                     sizeof kOptions / sizeof kOptions[0],
                                     Open,
                                     NextBatch,
                                     Close};

}  // namespace
}  // namespace onetable::connectors

extern "C" const OtConnectorV1* onetable_csv_connector(void) {
  return &onetable::connectors::kCsvConnector;
}

#ifdef ONETABLE_PLUGIN_MODULE
extern "C" __attribute__((visibility("default"))) const OtConnectorV1* onetable_connector_v1(void) {
  return onetable_csv_connector();
}
#endif

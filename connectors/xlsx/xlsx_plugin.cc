// The `xlsx` connector plugin: spreadsheets written by Excel, WPS, LibreOffice, over the xlsx
// reader library (zip limits and XML guards are the reader's).
//
// Options: path (file or glob, relative to the connector YAML), sheet (name, or 1-based
// position; empty: the first sheet), header_row (0: detect the first row that looks like a
// header: at least two filled cells, none of them a number or a date).
//
// A sheet is read whole when its file is reached (spreadsheets are bounded by the zip limits)
// and handed out in batches. Records: fields are header cell -> value; the record key is
// "<file>:<row>" (spreadsheet row number). A row with an unreadable cell is handed back as
// rejected; a file that cannot be read at all (damaged, over a limit, no such sheet) is
// rejected as a whole and the next file is read.
//
// Cursor: as the csv plugin's (per file size, mtime, last row delivered): a file interrupted
// half-way with the same size and mtime resumes after that row.
//
// Built twice: as the plugin onetable_connector_xlsx.so and statically, where it is reached as
// onetable_xlsx_connector().
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "common/file_set.h"
#include "common/header_row.h"
#include "common/sdk_buffer.h"
#include "onetable/connector.h"
#include "xlsx/xlsx_reader.h"

namespace onetable::connectors {
namespace {

const OtOptionDecl kOptions[] = {
    {"path", OT_OPTION_STRING, nullptr, "XLSX 文件路径或通配符（相对于连接器配置文件所在目录）"},
    {"sheet", OT_OPTION_STRING, "", "工作表名称或序号（从 1 起）；留空为第一个工作表"},
    {"header_row", OT_OPTION_INT, "0", "表头所在行号；0 表示自动识别"},
};

constexpr char kCursorTag[] = "xlsx1";

struct Handle {
  SheetSelector sheet;
  int64_t header_row = 0;
  std::vector<FileState> files;
  size_t current = 0;
  // The sheet being handed out.
  bool loaded = false;
  std::vector<Row> rows;
  size_t next_row = 0;
  std::unique_ptr<HeaderedTable> table;
};

void* Open(const OtKeyValue* options, size_t option_count, const char* cursor, const char* base_dir,
           int* unreachable, char* err, size_t err_len) {
  try {
    auto h = std::make_unique<Handle>();
    std::string path, sheet;
    for (size_t i = 0; i < option_count; ++i) {
      std::string key = options[i].key, value = options[i].value ? options[i].value : "";
      if (key == "path") path = value;
      if (key == "sheet") sheet = value;
      if (key == "header_row") h->header_row = std::atoll(value.c_str());
    }
    if (!sheet.empty() && sheet.find_first_not_of("0123456789") == std::string::npos) {
      h->sheet = SheetSelector::ByIndex(std::atoi(sheet.c_str()));
      if (h->sheet.index < 1) {
        CopyOut("选项 sheet 的序号从 1 开始", err, err_len);
        return nullptr;
      }
    } else if (!sheet.empty()) {
      h->sheet = SheetSelector::ByName(sheet);
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
    return h.release();
  } catch (const std::exception& e) {
    CopyOut(std::string("打开 XLSX 来源时出错：") + e.what(), err, err_len);
    return nullptr;
  }
}

void EndFile(Handle* h) {
  h->files[h->current].complete = true;
  h->rows.clear();
  h->rows.shrink_to_fit();
  h->next_row = 0;
  h->loaded = false;
  h->table.reset();
  ++h->current;
}

int NextBatch(void* handle, size_t max_records, const OtBatchSink* sink, char* cursor_out,
              size_t cursor_len, char* err, size_t err_len) {
  auto* h = static_cast<Handle*>(handle);
  try {
    size_t delivered = 0;
    while (h->current < h->files.size() && delivered < max_records) {
      FileState& f = h->files[h->current];
      if (!h->loaded) {
        struct stat st {};
        if (stat(f.path.c_str(), &st) != 0) {
          CopyOut("无法读取文件 " + f.location + "：" + std::strerror(errno), err, err_len);
          return OT_BATCH_UNREACHABLE;
        }
        Status failed;
        auto book = XlsxWorkbook::OpenFile(f.path);
        if (book.ok()) {
          auto rows = (*book)->ReadAllRows(h->sheet);
          if (rows.ok()) {
            h->rows = std::move(*rows);
          } else {
            failed = rows.status();
          }
        } else {
          failed = book.status();
        }
        if (!failed.ok()) {
          RejectRow(sink, f, 0, failed.message());
          ++delivered;
          EndFile(h);
          continue;
        }
        HeaderSpec spec;
        spec.row_number = h->header_row;
        spec.predicate = LooksLikeHeader;
        h->table = std::make_unique<HeaderedTable>(spec, f.location, true);
        h->loaded = true;
      }
      if (h->next_row >= h->rows.size()) {
        Status done = h->table->Finish();
        if (!done.ok()) {
          RejectRow(sink, f, 0, done.message());
          ++delivered;
        }
        EndFile(h);
        continue;
      }
      Row row = std::move(h->rows[h->next_row++]);
      auto kind = h->table->Accept(&row);
      if (!kind.ok()) {
        RejectRow(sink, f, row.number, kind.status().message());
        ++delivered;
        f.done_row = row.number;
        EndFile(h);
        continue;
      }
      if (*kind != HeaderedTable::RowKind::kData) continue;
      if (row.number <= f.done_row) continue;  // committed by an earlier run
      f.done_row = row.number;
      ++delivered;
      DeliverDataRow(sink, f, h->table->header(), row);
    }
    if (sink->progress) {
      sink->progress(sink->ctx, static_cast<int64_t>(h->current), h->files.size());
    }
    std::string cursor = EncodeFileCursor(kCursorTag, h->files);
    if (cursor.size() + 1 > cursor_len) {
      CopyOut("读取位置信息过长（文件过多）", err, err_len);
      return OT_BATCH_ERROR;
    }
    CopyOut(cursor, cursor_out, cursor_len);
    return h->current < h->files.size() ? OT_BATCH_MORE : OT_BATCH_DONE;
  } catch (const std::exception& e) {
    CopyOut(std::string("读取 XLSX 时出错：") + e.what(), err, err_len);
    return OT_BATCH_ERROR;
  }
}

void Close(void* handle) { delete static_cast<Handle*>(handle); }

const OtConnectorV1 kXlsxConnector = {
    ONETABLE_CONNECTOR_ABI_VERSION,       "xlsx", "XLSX 电子表格", kOptions,
    sizeof kOptions / sizeof kOptions[0], Open,   NextBatch,       Close};

}  // namespace
}  // namespace onetable::connectors

extern "C" const OtConnectorV1* onetable_xlsx_connector(void) {
  return &onetable::connectors::kXlsxConnector;
}

#ifdef ONETABLE_PLUGIN_MODULE
extern "C" __attribute__((visibility("default"))) const OtConnectorV1* onetable_connector_v1(void) {
  return onetable_xlsx_connector();
}
#endif

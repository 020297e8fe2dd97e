// What the file connectors (csv, xlsx) share around their readers: the set of files a glob
// names with how far each was read, the cursor that carries that between runs, and handing a
// row to the SDK's sink as a record or a rejected row.
//
// Cursor: "<tag>" (e.g. "csv1") then one line per file: size, mtime in ns, the last row
// delivered, whether the file was finished, and its location. On the next run a file with the
// same location, size and mtime that was interrupted half-way resumes after that row; a finished
// or changed file is read from the start (its unchanged records are then skipped by the
// runtime's content hash, and a changed connector spec applies to all of it).
//
// Thread-safety: functions over their arguments.
#ifndef ONETABLE_CONNECTORS_COMMON_FILE_SET_H_
#define ONETABLE_CONNECTORS_COMMON_FILE_SET_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/row.h"
#include "onetable/connector.h"
#include "onetable/status.h"

namespace onetable::connectors {

struct FileState {
  std::string path;      // as globbed (absolute or relative to the working directory)
  std::string location;  // relative to the YAML's directory, for messages and record keys
  int64_t size = 0;
  int64_t mtime_ns = 0;
  int64_t done_row = 0;  // last row delivered (0: none)
  bool complete = false;
};

std::string EncodeFileCursor(const std::string& tag, const std::vector<FileState>& files);

// An unreadable cursor, or one of another tag, gives no states: reading again is always safe.
std::vector<FileState> DecodeFileCursor(const std::string& tag, const std::string& cursor);

// The files `pattern` names under `base_dir` (file_glob.h), in order, each with its size and
// mtime and, from `cursor` (may be empty), the row to resume after. Fails (kUnavailable, the
// message naming the pattern or file) when nothing matches or a file cannot be read.
Result<std::vector<FileState>> OpenFileSet(const std::string& base_dir, const std::string& pattern,
                                           const std::string& cursor_tag,
                                           const std::string& cursor);

// Hands `reason` for row `row` of `file` (0: the whole file) to the sink as a rejected row;
// `raw` is the row's text when there is one.
void RejectRow(const OtBatchSink* sink, const FileState& file, int64_t row,
               const std::string& reason, const std::vector<std::string>* raw = nullptr);

// Hands one data row to the sink: as a record keyed "<location>:<row>" with a field per named
// header cell, or as a rejected row when the reader marked it (Row::error) or a named cell holds
// a NUL byte (it would be cut where it crosses the plugin ABI as a C string).
void DeliverDataRow(const OtBatchSink* sink, const FileState& file,
                    const std::vector<std::string>& header, const Row& row);

}  // namespace onetable::connectors

#endif  // ONETABLE_CONNECTORS_COMMON_FILE_SET_H_

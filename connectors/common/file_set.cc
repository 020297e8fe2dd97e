#include "common/file_set.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <utility>

#include "common/file_glob.h"
#include "onetable/text.h"

namespace onetable::connectors {
namespace {

std::string Relative(const std::string& path, const std::string& base_dir) {
  std::string prefix = base_dir.empty() || base_dir.back() == '/' ? base_dir : base_dir + "/";
  if (!prefix.empty() && path.rfind(prefix, 0) == 0) return path.substr(prefix.size());
  return path;
}

}  // namespace

std::string EncodeFileCursor(const std::string& tag, const std::vector<FileState>& files) {
  std::ostringstream out;
  out << tag << '\n';
  for (const FileState& f : files) {
    out << f.size << '\t' << f.mtime_ns << '\t' << f.done_row << '\t' << (f.complete ? 1 : 0)
        << '\t' << f.location << '\n';
  }
  return out.str();
}

std::vector<FileState> DecodeFileCursor(const std::string& tag, const std::string& cursor) {
  std::vector<FileState> out;
  std::istringstream in(cursor);
  std::string line;
  if (!std::getline(in, line) || line != tag) return out;
  while (std::getline(in, line)) {
    FileState f;
    std::istringstream fields(line);
    int complete = 0;
    if (!(fields >> f.size >> f.mtime_ns >> f.done_row >> complete)) continue;
    fields.get();
    std::getline(fields, f.location);
    f.complete = complete != 0;
    out.push_back(std::move(f));
  }
  return out;
}

Result<std::vector<FileState>> OpenFileSet(const std::string& base_dir, const std::string& pattern,
                                           const std::string& cursor_tag,
                                           const std::string& cursor) {
  ASSIGN_OR_RETURN(std::vector<std::string> paths, ExpandGlob(base_dir, pattern));
  if (paths.empty()) {
    return Status::Unavailable("找不到文件：" + pattern + "（相对于 " + base_dir + "）");
  }
  const std::vector<FileState> previous = DecodeFileCursor(cursor_tag, cursor);
  std::vector<FileState> files;
  for (const std::string& path : paths) {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) {
      return Status::Unavailable("无法读取文件 " + path + "：" + std::strerror(errno));
    }
    FileState f;
    f.path = path;
    f.location = Relative(path, base_dir);
    f.size = st.st_size;
    f.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    for (const FileState& p : previous) {
      if (p.location == f.location && p.size == f.size && p.mtime_ns == f.mtime_ns &&
          !p.complete) {
        f.done_row = p.done_row;
      }
    }
    files.push_back(std::move(f));
  }
  return files;
}

void RejectRow(const OtBatchSink* sink, const FileState& file, int64_t row,
               const std::string& reason, const std::vector<std::string>* raw) {
  const std::string text = raw != nullptr ? Join(*raw, ",") : std::string();
  OtRejectedRow r{file.location.c_str(), row, nullptr, reason.c_str(),
                  raw != nullptr ? text.c_str() : nullptr};
  sink->reject(sink->ctx, &r);
}

void DeliverDataRow(const OtBatchSink* sink, const FileState& file,
                    const std::vector<std::string>& header, const Row& row) {
  if (!row.error.empty()) {
    RejectRow(sink, file, row.number, row.error, &row.cells);
    return;
  }
  // Values cross the plugin ABI as C strings: a NUL would cut "ID\0GARBAGE" to a valid-looking
  // "ID". Such a row is quarantined here, naming the column, instead.
  for (size_t i = 0; i < header.size() && i < row.cells.size(); ++i) {
    if (header[i].empty() || row.cells[i].find('\0') == std::string::npos) continue;
    std::vector<std::string> raw = row.cells;
    for (std::string& cell : raw) {
      for (char& c : cell) {
        if (c == '\0') c = ' ';
      }
    }
    const std::string reason = "“" + header[i] + "”含有控制字符（NUL），请检查来源数据";
    const std::string text = Join(raw, ",");
    OtRejectedRow r{file.location.c_str(), row.number, header[i].c_str(), reason.c_str(),
                    text.c_str()};
    sink->reject(sink->ctx, &r);
    return;
  }
  std::vector<OtKeyValue> fields;
  fields.reserve(header.size());
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i].empty()) continue;
    fields.push_back({header[i].c_str(), i < row.cells.size() ? row.cells[i].c_str() : ""});
  }
  const std::string key = file.location + ":" + std::to_string(row.number);
  OtRecord record{key.c_str(), file.location.c_str(), row.number, fields.data(), fields.size()};
  sink->record(sink->ctx, &record);
}

}  // namespace onetable::connectors

// Fuzz target: the XLSX reader (connectors/xlsx) — zip guard, part discovery, the SAX readers of
// workbook, relationships, shared strings, styles and sheets — over an untrusted workbook.
//
// Two input forms, so that both the zip layer and the XML behind it get mutated usefully:
//   - bytes starting with "PK": the .xlsx file itself;
//   - otherwise a list of entries, each a line "@@ NAME" followed by its content; the target
//     zips them (stored, uncompressed) and reads the result. Seeds are real workbooks unpacked
//     this way (tests/fuzz/corpus/xlsx/), so the fuzzer edits XML rather than deflate streams.
// Every sheet is read; a failure must be a message, never a crash.
#include <Poco/DateTime.h>
#include <Poco/Path.h>
#include <Poco/Zip/Compress.h>

#include <cstdint>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "xlsx/xlsx_reader.h"

namespace {

using onetable::connectors::Row;
using onetable::connectors::SheetSelector;
using onetable::connectors::XlsxOptions;
using onetable::connectors::XlsxWorkbook;

std::vector<std::pair<std::string, std::string>> SplitEntries(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> entries;
  size_t at = 0;
  while (at < text.size()) {
    size_t eol = text.find('\n', at);
    if (eol == std::string_view::npos) eol = text.size();
    const std::string_view line = text.substr(at, eol - at);
    at = eol + 1;
    if (line.substr(0, 3) == "@@ ") {
      entries.emplace_back(std::string(line.substr(3)), "");
    } else if (!entries.empty()) {
      entries.back().second.append(line.data(), line.size());
      entries.back().second.push_back('\n');
    }
  }
  return entries;
}

// Zips `entries`; empty when Poco refuses a name (the harness's problem, not the reader's).
std::string Zip(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::stringstream out(std::ios::in | std::ios::out | std::ios::binary);
  try {
    Poco::Zip::Compress compress(out, true);
    for (const auto& [name, data] : entries) {
      if (name.empty() || name.size() > 200) continue;
      std::istringstream in(data);
      compress.addFile(in, Poco::DateTime(2024, 3, 1), Poco::Path(name, Poco::Path::PATH_UNIX),
                       Poco::Zip::ZipCommon::CM_STORE);
    }
    compress.close();
  } catch (...) {
    return "";
  }
  return out.str();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string bytes;
  if (input.substr(0, 2) == "PK") {
    bytes = std::string(input);
  } else {
    bytes = Zip(SplitEntries(input));
    if (bytes.empty()) return 0;
  }
  XlsxOptions options;
  // Small limits, so that the over-limit paths run without the fuzzer building huge inputs.
  options.zip.max_entry_bytes = 1 << 20;
  options.zip.max_total_bytes = 4 << 20;
  options.max_columns = 64;
  options.max_cell_bytes = 4096;
  auto book = XlsxWorkbook::Open(std::make_unique<std::istringstream>(bytes), "fuzz.xlsx", options);
  if (!book.ok()) return 0;
  const size_t sheets = (*book)->sheets().size();
  for (size_t i = 0; i < sheets && i < 8; ++i) {
    size_t rows = 0;
    (void)(*book)->ReadSheet(SheetSelector::ByIndex(static_cast<int>(i + 1)), [&](Row row) {
      ++rows;
      return onetable::Status::Ok();
    });
  }
  if (sheets > 0) (void)(*book)->ReadSheet(SheetSelector::ByName((*book)->sheets()[0].name),
                                           [](Row) { return onetable::Status::Ok(); });
  (void)(*book)->ReadSheet(SheetSelector::ByName("不存在"), [](Row) { return onetable::Status::Ok(); });
  return 0;
}

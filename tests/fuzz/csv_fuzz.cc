// Fuzz target: the CSV reader and encoding detection (connectors/csv) over untrusted bytes, as a
// department's export reaches them. The first byte picks the options (delimiter, a declared or
// detected encoding, small limits and chunk sizes so splits and over-limit records happen); the
// rest is the file. Every record and error must come out without a crash, leak or UB, and a
// record must stay within the limits it was read with.
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <sstream>
#include <string>
#include <string_view>

#include "common/header_row.h"
#include "csv/csv_reader.h"
#include "csv/text_encoding.h"

namespace {

using onetable::connectors::CsvOptions;
using onetable::connectors::CsvParser;
using onetable::connectors::CsvReader;
using onetable::connectors::Row;
using onetable::connectors::TextEncoding;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  const std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);

  // Detection alone, over the whole input and over a cut-off sample.
  (void)onetable::connectors::DetectTextEncoding(bytes, true);
  (void)onetable::connectors::DetectTextEncoding(std::string_view(bytes).substr(0, bytes.size() / 2),
                                                 false);
  (void)onetable::connectors::ParseTextEncoding(std::string_view(bytes).substr(0, 16));

  CsvOptions options;
  options.delimiter = (mode & 1) ? '\t' : ',';
  switch ((mode >> 1) & 7) {
    case 0: break;  // detect
    case 1: options.encoding = TextEncoding::kUtf8; break;
    case 2: options.encoding = TextEncoding::kUtf8Bom; break;
    case 3: options.encoding = TextEncoding::kGbk; break;
    case 4: options.encoding = TextEncoding::kGb18030; break;
    default: break;
  }
  if (mode & 0x10) {
    options.max_field_bytes = 16;
    options.max_columns = 8;
    options.max_record_bytes = 64;
  }
  // Tiny chunks split every multi-byte sequence and record; on long inputs they only make each
  // run slow (detection re-reads what it holds back), so they are used on short ones.
  options.chunk_bytes = (mode & 0x20) ? (bytes.size() < 1024 ? 1 : 61) : (mode & 0x40) ? 7 : 4096;

  std::istringstream in(bytes);
  CsvReader reader(in, "fuzz.csv", options);
  Row row;
  int64_t last_line = 0;
  for (int i = 0; i < 100000; ++i) {
    auto next = reader.Next(&row);
    if (!next.ok() || !*next) break;
    if (row.number < last_line) std::abort();  // records come out in file order
    last_line = row.number;
    if (row.cells.size() > options.max_columns) std::abort();
    for (const std::string& cell : row.cells) {
      if (cell.size() > options.max_field_bytes) std::abort();
    }
    (void)onetable::connectors::LooksLikeHeader(row.cells);
    (void)onetable::connectors::IsBlankRow(row.cells);
    for (const std::string& cell : row.cells) (void)onetable::connectors::NormalizeHeaderCell(cell);
  }
  (void)reader.lost_lines();

  // The parser alone over the bytes as text, fed in two pieces.
  CsvParser parser(options, "fuzz.csv");
  std::deque<Row> out;
  const size_t cut = bytes.size() / 3;
  parser.Feed(std::string_view(bytes).substr(0, cut), &out);
  parser.Feed(std::string_view(bytes).substr(cut), &out);
  (void)parser.Finish(&out);
  return 0;
}

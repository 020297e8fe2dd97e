// CsvSink: a table as CSV for Excel and for programs: UTF-8 with a byte order mark (so Excel
// reads Chinese correctly), RFC 4180 (fields with a comma, quote, CR or LF are quoted, quotes
// doubled, CRLF line ends), a header line and then the rows. No title line: the file stays
// machine-readable. Cells are escaped against formula injection (see table_sink.h).
//
// Thread-safety: one thread. The stream must outlive the sink.
#ifndef ONETABLE_MAPPING_CSV_SINK_H_
#define ONETABLE_MAPPING_CSV_SINK_H_

#include <ostream>
#include <string>
#include <vector>

#include "mapping/table_sink.h"

namespace onetable::mapping {

class CsvSink : public TableSink {
 public:
  explicit CsvSink(std::ostream& out) : out_(out) {}

  Status Begin(const TableMeta& meta) override;
  Status Row(const std::vector<std::string>& cells) override;
  Status End() override;

 private:
  Status WriteLine(const std::vector<std::string>& cells);

  std::ostream& out_;
  size_t columns_ = 0;
};

// One CSV field: escaped against formulas, quoted when needed.
std::string CsvField(const std::string& cell);

}  // namespace onetable::mapping

#endif  // ONETABLE_MAPPING_CSV_SINK_H_

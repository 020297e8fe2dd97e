// PreviewSink: a table as aligned text for a terminal (`onetable table --preview N`): the title
// line, the header, a rule, then the rows, columns padded to their widest cell, East Asian wide
// characters counting two columns (table_sink.h DisplayWidth). Subtotal and total rows are
// marked the same way as data rows; the generator already limits how many rows arrive.
//
// Rows are held until End (only the previewed ones, so memory is bounded by the preview size);
// newlines and tabs inside cells are shown as spaces so each row stays on one line.
//
// Thread-safety: one thread. The stream must outlive the sink.
#ifndef ONETABLE_MAPPING_PREVIEW_SINK_H_
#define ONETABLE_MAPPING_PREVIEW_SINK_H_

#include <ostream>
#include <string>
#include <vector>

#include "mapping/table_sink.h"

namespace onetable::mapping {

class PreviewSink : public TableSink {
 public:
  explicit PreviewSink(std::ostream& out) : out_(out) {}

  Status Begin(const TableMeta& meta) override;
  Status Row(const std::vector<std::string>& cells) override;
  Status End() override;

 private:
  std::ostream& out_;
  TableMeta meta_;
  std::vector<std::vector<std::string>> rows_;
};

// Renders rows (the first is the header) as aligned text lines joined with "\n", a rule of
// dashes under the header, two spaces between columns, no trailing blanks.
std::string AlignedText(const std::vector<std::vector<std::string>>& rows);

}  // namespace onetable::mapping

#endif  // ONETABLE_MAPPING_PREVIEW_SINK_H_

// JsonSink: a table as a JSON array of objects keyed by header, written as it goes:
//   [{"序号":"1","姓名":"张三",…},…]
// Values are strings, exactly as in the other formats but without formula escaping. Headers must
// be distinct. Invalid UTF-8 in a cell is an error rather than broken JSON.
//
// Thread-safety: one thread. The stream must outlive the sink.
#ifndef ONETABLE_MAPPING_JSON_SINK_H_
#define ONETABLE_MAPPING_JSON_SINK_H_

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "mapping/table_sink.h"

namespace onetable::mapping {

class JsonSink : public TableSink {
 public:
  explicit JsonSink(std::ostream& out);
  ~JsonSink() override;

  Status Begin(const TableMeta& meta) override;
  Status Row(const std::vector<std::string>& cells) override;
  Status End() override;

 private:
  struct Impl;  // keeps RapidJSON out of the header
  std::unique_ptr<Impl> impl_;
};

}  // namespace onetable::mapping

#endif  // ONETABLE_MAPPING_JSON_SINK_H_

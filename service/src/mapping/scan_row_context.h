// ScanRowContext: the RowContext (expr/eval.h) over rows streamed by Store::Scan. It answers
// field paths from the ScanRow by the plan's indices, tags from the tag attributes the store
// read (JSON text, parsed here, once per row and tag, only when asked), row_number() from the
// generator, and aggregates from values the generator folded for the current group.
//
// Thread-safety: one thread; the plan, the catalog and every row set must outlive their use.
#ifndef ONETABLE_MAPPING_SCAN_ROW_CONTEXT_H_
#define ONETABLE_MAPPING_SCAN_ROW_CONTEXT_H_

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "expr/eval.h"
#include "mapping/expr_names.h"
#include "mapping/scan_plan.h"
#include "store/store.h"

namespace onetable::mapping {

class ScanRowContext : public RowContext {
 public:
  ScanRowContext(const ScanPlan& plan, const Catalog& catalog) : plan_(plan), catalog_(catalog) {}

  // Moves to another row; `row` must stay alive while this context answers for it.
  void SetRow(const ScanRow* row);
  void SetRowNumber(int64_t n) { row_number_ = n; }
  // Results of the group's aggregates, by AggregateCall::id (null: none at this grain).
  void SetAggregates(const std::vector<Value>* values) { aggregates_ = values; }

  Value Field(const FieldPath& path) override;
  bool HasTag(const std::string& tag) override;
  Value TagAttr(const std::string& tag, const std::string& attr) override;
  int64_t RowNumber() override { return row_number_; }
  Result<Value> Aggregate(const AggregateCall& call, const Evaluator& eval) override;

 private:
  const std::map<std::string, std::string>* Attrs(int tag_index);
  int IndexOf(const FieldPath& path);

  const ScanPlan& plan_;
  const Catalog& catalog_;
  const ScanRow* row_ = nullptr;
  int64_t row_number_ = 0;
  const std::vector<Value>* aggregates_ = nullptr;
  std::vector<std::optional<std::map<std::string, std::string>>> parsed_;  // per tag
  // Typed values of the current row, parsed once however many expressions read them.
  std::vector<Value> values_;
  std::vector<bool> typed_;
  // Plan indices by the address of the FieldPath asked for: the paths live in the checked trees
  // (expr/eval.h), so a pointer is a cheaper key than the path's text, row after row.
  std::unordered_map<const FieldPath*, int> index_by_path_;
};

// Parses a tag assignment's attrs JSON ({"key":"value",…}); malformed text gives no attributes.
std::map<std::string, std::string> ParseTagAttrs(const std::string& json);

}  // namespace onetable::mapping

#endif  // ONETABLE_MAPPING_SCAN_ROW_CONTEXT_H_

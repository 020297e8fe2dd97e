#include "mapping/change_roster.h"

#include <cstdint>
#include <functional>
#include <unordered_map>
#include <utility>

#include "mapping/table_access.h"

namespace onetable::mapping {

namespace {

bool ContainsRowNumber(const Expr& root) {
  bool found = false;
  VisitExpr(root, [&](const Expr& e) {
    if (e.kind == ExprKind::kCall && e.name == "row_number") found = true;
  });
  return found;
}

bool IsRowNumber(const Expr& e) {
  return e.kind == ExprKind::kCall && e.name == "row_number" && e.children.empty();
}

using CellHashes = std::vector<uint64_t>;

CellHashes HashCells(const std::vector<std::string>& cells) {
  CellHashes out;
  out.reserve(cells.size());
  for (const std::string& c : cells) out.push_back(std::hash<std::string>{}(c));
  return out;
}

// Receives the data rows of one generated table with the grain id each stands for
// (TableRequest::row_key) and hands both on; subtotal and total rows are dropped.
class KeyedRows : public TableSink {
 public:
  using Visit = std::function<Status(int64_t key, const std::vector<std::string>& cells)>;
  explicit KeyedRows(Visit visit) : visit_(std::move(visit)) {}

  void SetKey(int64_t key) { key_ = key; }
  Status Begin(const TableMeta&) override { return Status::Ok(); }
  Status Row(const std::vector<std::string>& cells) override { return visit_(key_, cells); }
  Status TotalRow(const std::vector<std::string>&) override { return Status::Ok(); }
  Status End() override { return Status::Ok(); }

 private:
  Visit visit_;
  int64_t key_ = 0;
};

class ChangeWriter {
 public:
  ChangeWriter(const MappingSpec& spec, TableSink* sink, int64_t max_rows)
      : spec_(spec), sink_(sink), max_rows_(max_rows) {
    for (const ColumnSpec& c : spec.columns) {
      compared_.push_back(!ContainsRowNumber(*c.value));
      numbered_.push_back(IsRowNumber(*c.value));
    }
  }

  Status Write(const char* kind, const std::string& changed, std::vector<std::string> cells) {
    if (max_rows_ > 0 && written_ >= max_rows_) {
      dropped_ = true;
      return Status::Ok();
    }
    ++written_;
    for (size_t i = 0; i < cells.size() && i < numbered_.size(); ++i) {
      if (numbered_[i]) cells[i] = std::to_string(written_);
    }
    std::vector<std::string> row{kind, changed};
    row.insert(row.end(), std::make_move_iterator(cells.begin()),
               std::make_move_iterator(cells.end()));
    return sink_->Row(row);
  }

  // The headers of the compared columns whose cells differ (、-joined); "" when none.
  std::string Changed(const CellHashes& before, const CellHashes& after) const {
    std::string out;
    for (size_t i = 0; i < after.size() && i < compared_.size(); ++i) {
      if (!compared_[i] || (i < before.size() && before[i] == after[i])) continue;
      out += (out.empty() ? "" : "、") + spec_.columns[i].header;
    }
    return out;
  }

  int64_t written() const { return written_; }
  bool dropped() const { return dropped_; }

 private:
  const MappingSpec& spec_;
  TableSink* sink_;
  int64_t max_rows_;
  int64_t written_ = 0;
  bool dropped_ = false;
  std::vector<bool> compared_;
  std::vector<bool> numbered_;
};

// Generates `spec` as of `as_of` and passes each data row, masked, with its key to `visit`.
Result<TableResult> Pass(const Catalog& catalog, Store* store, const MappingSpec& spec,
                         TableRequest request, const std::string& as_of,
                         const std::vector<bool>& masked, KeyedRows::Visit visit) {
  KeyedRows keyed(std::move(visit));
  MaskingSink masking(&keyed, masked);
  request.as_of = as_of;
  request.max_rows = 0;
  request.row_key = [&keyed](int64_t key) { keyed.SetKey(key); };
  TableGenerator generator(catalog, store);
  return generator.Generate(spec, request, &masking);
}

}  // namespace

Status CheckChangesSince(const MappingSpec& spec, const std::string& as_of_override,
                         const std::string& since, const Date& today) {
  ASSIGN_OR_RETURN(Date as_of, ResolveAsOf(spec, as_of_override, today));
  Date from;
  if (since.size() != 10 || ParseDate(since, &from)) {
    return Status::Invalid("参数 changes_since 应为日期 YYYY-MM-DD，收到 “" + since.substr(0, 32) +
                           "”");
  }
  if (!(from < as_of)) {
    return Status::Invalid("参数 changes_since（" + from.ToString() + "）应早于基准日（" +
                           as_of.ToString() + "）");
  }
  return Status::Ok();
}

Result<TableResult> GenerateChanges(const Catalog& catalog, Store* store, const MappingSpec& spec,
                                    const TableRequest& request, const std::string& since,
                                    const std::vector<bool>& masked, TableSink* sink) {
  RETURN_IF_ERROR(CheckChangesSince(spec, request.as_of, since, request.today));
  ASSIGN_OR_RETURN(Date as_of, ResolveAsOf(spec, request.as_of, request.today));
  Date from;
  ParseDate(since, &from);

  // 1. The earlier table, as hashes per key.
  std::unordered_map<int64_t, CellHashes> before;
  ASSIGN_OR_RETURN(TableResult first, Pass(catalog, store, spec, request, from.ToString(), masked,
                                           [&](int64_t key, const std::vector<std::string>& cells) {
                                             before[key] = HashCells(cells);
                                             return Status::Ok();
                                           }));

  TableMeta meta = MetaOf(spec, first.scope_name, as_of);
  meta.title += "变动名单（" + from.ToString() + " 至 " + as_of.ToString() + "）";
  meta.headers.insert(meta.headers.begin(), {kChangeKindHeader, kChangedColumnsHeader});
  meta.widths.insert(meta.widths.begin(), {8, 24});
  meta.numeric.insert(meta.numeric.begin(), {false, false});
  RETURN_IF_ERROR(sink->Begin(meta));
  ChangeWriter writer(spec, sink, request.max_rows);

  // 2. The later table: new keys are 新增, differing rows 变更; what is left of `before` after it
  //    is what was removed.
  ASSIGN_OR_RETURN(TableResult result,
                   Pass(catalog, store, spec, request, as_of.ToString(), masked,
                        [&](int64_t key, const std::vector<std::string>& cells) -> Status {
                          auto it = before.find(key);
                          if (it == before.end()) return writer.Write(kChangeAdded, "", cells);
                          const std::string changed = writer.Changed(it->second, HashCells(cells));
                          before.erase(it);
                          if (changed.empty()) return Status::Ok();
                          return writer.Write(kChangeChanged, changed, cells);
                        }));

  // 3. The earlier table again, writing the rows whose keys are gone.
  if (!before.empty()) {
    ASSIGN_OR_RETURN(TableResult again,
                     Pass(catalog, store, spec, request, from.ToString(), masked,
                          [&](int64_t key, const std::vector<std::string>& cells) -> Status {
                            if (before.erase(key) == 0) return Status::Ok();
                            return writer.Write(kChangeRemoved, "", cells);
                          }));
    (void)again;
  }
  RETURN_IF_ERROR(sink->End());
  result.counts = TableCounts();
  result.counts.data_rows = writer.written();
  result.counts.truncated = writer.dropped();
  return result;
}

}  // namespace onetable::mapping

#include "mapping/table_rows.h"

namespace onetable::mapping {

namespace {

constexpr char kStopMessage[] = "已达到行数上限";

bool ReadsRegister(const Expr& root) {
  bool reads = false;
  VisitExpr(root, [&](const Expr& e) {
    switch (e.kind) {
      case ExprKind::kField:
      case ExprKind::kAlive:
      case ExprKind::kHasTag:
      case ExprKind::kTagAttr:
      case ExprKind::kAggregate:
        reads = true;
        break;
      case ExprKind::kCall:
        reads = reads || (e.name == "age" && e.children.empty());
        break;
      default:
        break;
    }
  });
  return reads;
}

}  // namespace

bool TableRows::IsStop(const Status& st) {
  return st.code() == StatusCode::kInternal && st.message() == kStopMessage;
}

void TableRows::Sum::Add(const Value& v) {
  if (v.kind() == Value::Kind::kInt) {
    i += v.as_int();
    any = true;
  } else if (v.kind() == Value::Kind::kDecimal) {
    d += v.as_number();
    decimal = any = true;
  }
}

std::string TableRows::Sum::Cell() const {
  if (decimal) return FormatDecimal(d + static_cast<double>(i));
  return std::to_string(i);
}

TableRows::TableRows(const MappingSpec& spec, TableSink* sink, int64_t max_rows)
    : spec_(spec), sink_(sink), max_rows_(max_rows) {
  for (const ColumnSpec& c : spec.columns) {
    reads_register_.push_back(ReadsRegister(*c.value));
    group_column_.push_back(spec.subtotal_by != nullptr && !c.summable &&
                            c.value_text == spec.subtotal_text);
  }
  subtotal_.resize(spec.columns.size());
  total_.resize(spec.columns.size());
}

Status TableRows::Write(const std::vector<std::string>& cells, bool total_style,
                        const std::vector<bool>& from_register) {
  RETURN_IF_ERROR(total_style ? sink_->TotalRow(cells) : sink_->Row(cells));
  ++written_;
  counts_.cells += static_cast<int64_t>(cells.size());
  for (size_t i = 0; i < cells.size(); ++i) {
    if (from_register[i] && !cells[i].empty()) ++counts_.register_cells;
  }
  return Status::Ok();
}

Status TableRows::WriteSums(std::vector<Sum>* sums, const std::string& label, const Value* group) {
  const size_t n = spec_.columns.size();
  std::vector<std::string> cells(n);
  std::vector<bool> from_register(n, false);
  for (size_t i = 0; i < n; ++i) {
    if (spec_.columns[i].summable) {
      cells[i] = (*sums)[i].Cell();
      from_register[i] = true;
    } else if (group != nullptr && group_column_[i]) {
      cells[i] = group->ToCell();
      from_register[i] = true;
    }
    (*sums)[i].Clear();
  }
  if (n > 0) {
    const bool shows_group = group != nullptr && group_column_[0] && !cells[0].empty();
    cells[0] = shows_group ? cells[0] + " " + label : label;
    from_register[0] = false;
  }
  return Write(cells, true, from_register);
}

Status TableRows::Add(const Evaluator& eval, ScanRowContext& ctx) {
  auto stop = [this]() {
    counts_.truncated = true;
    return Status::Internal(kStopMessage);
  };
  if (Full()) return stop();
  const int64_t number = counts_.data_rows + 1;
  ctx.SetRowNumber(number);
  if (spec_.subtotal_by != nullptr) {
    ASSIGN_OR_RETURN(Value key, eval.Eval(*spec_.subtotal_by, ctx));
    if (has_group_ && !(key == group_)) {
      RETURN_IF_ERROR(WriteSums(&subtotal_, "小计", &group_));
      ++counts_.subtotal_rows;
      if (Full()) return stop();
    }
    group_ = std::move(key);
    has_group_ = true;
  }
  const size_t n = spec_.columns.size();
  std::vector<std::string> cells(n);
  for (size_t i = 0; i < n; ++i) {
    const ColumnSpec& c = spec_.columns[i];
    ASSIGN_OR_RETURN(Value v, eval.Eval(*c.value, ctx));
    cells[i] = v.ToCell();
    if (c.summable) {
      subtotal_[i].Add(v);
      total_[i].Add(v);
    }
  }
  counts_.data_rows = number;
  return Write(cells, false, reads_register_);
}

Status TableRows::Finish() {
  if (counts_.truncated) return Status::Ok();
  if (spec_.subtotal_by != nullptr && has_group_) {
    if (Full()) {
      counts_.truncated = true;
      return Status::Ok();
    }
    RETURN_IF_ERROR(WriteSums(&subtotal_, "小计", &group_));
    ++counts_.subtotal_rows;
  }
  if (spec_.total) {
    if (Full()) {
      counts_.truncated = true;
      return Status::Ok();
    }
    RETURN_IF_ERROR(WriteSums(&total_, "合计", nullptr));
    ++counts_.total_rows;
  }
  return Status::Ok();
}

}  // namespace onetable::mapping

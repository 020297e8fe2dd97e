// The mapping layer is written in the expression language (service/src/expr/): its names (Expr,
// Value, Evaluator, RowContext, …) are used unqualified throughout onetable::mapping.
#ifndef ONETABLE_MAPPING_EXPR_NAMES_H_
#define ONETABLE_MAPPING_EXPR_NAMES_H_

namespace onetable::expr {}

namespace onetable::mapping {
using namespace ::onetable::expr;  // NOLINT(build/namespaces): one language, one set of names
}  // namespace onetable::mapping

#endif  // ONETABLE_MAPPING_EXPR_NAMES_H_

# The expression language: lexer, parser, checker and evaluator, shared by mapping columns and
# filters (service/src/mapping/) and connector tag rules (service/src/ingest/). Depends only on
# the model, so that ingest does not pull in table generation. Included from
# service/CMakeLists.txt (its scope: ONETABLE_SRC is service/src).
add_library(onetable_expr STATIC
  ${ONETABLE_SRC}/expr/alive_rule.cc
  ${ONETABLE_SRC}/expr/ast.cc
  ${ONETABLE_SRC}/expr/cell_functions.cc
  ${ONETABLE_SRC}/expr/check.cc
  ${ONETABLE_SRC}/expr/check_calls.cc
  ${ONETABLE_SRC}/expr/eval.cc
  ${ONETABLE_SRC}/expr/lexer.cc
  ${ONETABLE_SRC}/expr/parser.cc
  ${ONETABLE_SRC}/expr/record_expr.cc
  ${ONETABLE_SRC}/expr/transform_functions.cc
  ${ONETABLE_SRC}/expr/value.cc
  ${ONETABLE_SRC}/expr/yaml_source.cc
)
# RE2 (Debian libre2-dev): regex_extract runs in linear time, so no cell can hang an import.
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
target_link_libraries(onetable_expr PUBLIC onetable_model yaml-cpp PkgConfig::RE2)

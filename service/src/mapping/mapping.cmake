# The mapping layer: mapping specs, the expression language, and the table writers.
# Included from service/CMakeLists.txt (its scope: ONETABLE_SRC is service/src).
add_library(onetable_mapping STATIC
  ${ONETABLE_SRC}/mapping/atomic_file.cc
  ${ONETABLE_SRC}/mapping/cell_functions.cc
  ${ONETABLE_SRC}/mapping/csv_sink.cc
  ${ONETABLE_SRC}/mapping/expr_ast.cc
  ${ONETABLE_SRC}/mapping/expr_check.cc
  ${ONETABLE_SRC}/mapping/expr_check_calls.cc
  ${ONETABLE_SRC}/mapping/expr_eval.cc
  ${ONETABLE_SRC}/mapping/expr_lexer.cc
  ${ONETABLE_SRC}/mapping/expr_parser.cc
  ${ONETABLE_SRC}/mapping/json_sink.cc
  ${ONETABLE_SRC}/mapping/mapping_spec.cc
  ${ONETABLE_SRC}/mapping/pushdown.cc
  ${ONETABLE_SRC}/mapping/table_sink.cc
  ${ONETABLE_SRC}/mapping/value.cc
  ${ONETABLE_SRC}/mapping/xlsx_sink.cc
  ${ONETABLE_SRC}/mapping/yaml_source.cc
)
target_include_directories(onetable_mapping PUBLIC ${RAPIDJSON_INCLUDE_DIR})
target_link_libraries(onetable_mapping PUBLIC
  onetable_model yaml-cpp PkgConfig::XLSXWRITER Poco::Foundation Poco::Zip)

# The mapping layer: mapping specs, the table generator and writers (the expression language
# they are written in is onetable_expr, service/src/expr/).
# Included from service/CMakeLists.txt (its scope: ONETABLE_SRC is service/src).
add_library(onetable_mapping STATIC
  ${ONETABLE_SRC}/mapping/atomic_file.cc
  ${ONETABLE_SRC}/mapping/change_roster.cc
  ${ONETABLE_SRC}/mapping/csv_sink.cc
  ${ONETABLE_SRC}/mapping/fold_conditions.cc
  ${ONETABLE_SRC}/mapping/json_sink.cc
  ${ONETABLE_SRC}/mapping/mapping_spec.cc
  ${ONETABLE_SRC}/mapping/preview_sink.cc
  ${ONETABLE_SRC}/mapping/pushdown.cc
  ${ONETABLE_SRC}/mapping/scan_plan.cc
  ${ONETABLE_SRC}/mapping/scan_row_context.cc
  ${ONETABLE_SRC}/mapping/table_generator.cc
  ${ONETABLE_SRC}/mapping/table_rows.cc
  ${ONETABLE_SRC}/mapping/table_run.cc
  ${ONETABLE_SRC}/mapping/table_scope.cc
  ${ONETABLE_SRC}/mapping/table_access.cc
  ${ONETABLE_SRC}/mapping/table_sink.cc
  ${ONETABLE_SRC}/mapping/template_draft.cc
  ${ONETABLE_SRC}/mapping/template_reader.cc
  ${ONETABLE_SRC}/mapping/xlsx_sink.cc
)
target_include_directories(onetable_mapping PUBLIC ${RAPIDJSON_INCLUDE_DIR})
target_link_libraries(onetable_mapping PUBLIC
  onetable_expr onetable_model onetable_store onetable_access onetable_app onetable_audit
  onetable_csv_reader onetable_xlsx_reader yaml-cpp PkgConfig::XLSXWRITER Poco::Foundation
  Poco::Zip)

# `onetable table`, `onetable mapping draft` and the mapping half of `check` (service/src/cli/).
target_sources(onetable_cli PRIVATE ${ONETABLE_SRC}/cli/table_verbs.cc)
target_link_libraries(onetable_cli PUBLIC onetable_mapping)

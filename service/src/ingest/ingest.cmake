# Ingest: connector plugins (loader), connector specs, the runtime, identity resolution,
# survivorship and the review queue. Included from service/CMakeLists.txt (ONETABLE_SRC is
# service/src). Plugins themselves live in connectors/<name>/.
# The identity tables (pinyin readings, surname variants) embedded from schema/identity.
file(GLOB ONETABLE_IDENTITY_DATA CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/schema/identity/*.tsv)
set(ONETABLE_LINKAGE_DATA_CC ${CMAKE_CURRENT_BINARY_DIR}/linkage_data.cc)
add_custom_command(
  OUTPUT ${ONETABLE_LINKAGE_DATA_CC}
  COMMAND ${CMAKE_COMMAND} -DDATA_DIR=${CMAKE_SOURCE_DIR}/schema/identity
          -DOUT=${ONETABLE_LINKAGE_DATA_CC} -P ${ONETABLE_SRC}/ingest/linkage/embed_data.cmake
  DEPENDS ${ONETABLE_IDENTITY_DATA} ${ONETABLE_SRC}/ingest/linkage/embed_data.cmake
  COMMENT "Embedding identity tables")

add_library(onetable_ingest STATIC
  ${ONETABLE_SRC}/ingest/address.cc
  ${ONETABLE_SRC}/ingest/connector_runs.cc
  ${ONETABLE_SRC}/ingest/connector_spec.cc
  ${ONETABLE_SRC}/ingest/content_hash.cc
  ${ONETABLE_SRC}/ingest/identity.cc
  ${ONETABLE_SRC}/ingest/linkage/blocking.cc
  ${ONETABLE_SRC}/ingest/linkage/chinese_names.cc
  ${ONETABLE_SRC}/ingest/linkage/comparisons.cc
  ${ONETABLE_SRC}/ingest/linkage/match_model.cc
  ${ONETABLE_SRC}/ingest/placement.cc
  ${ONETABLE_LINKAGE_DATA_CC}
  ${ONETABLE_SRC}/ingest/plugin_loader.cc
  ${ONETABLE_SRC}/ingest/record_applier.cc
  ${ONETABLE_SRC}/ingest/record_mapper.cc
  ${ONETABLE_SRC}/ingest/review_queue.cc
  ${ONETABLE_SRC}/ingest/runtime.cc
  ${ONETABLE_SRC}/ingest/survivorship.cc
)
# Built plugins land in one directory (connectors/CMakeLists.txt sets it); the loader looks
# there unless ONETABLE_PLUGIN_DIR says otherwise.
set(ONETABLE_PLUGIN_OUTPUT_DIR ${CMAKE_BINARY_DIR}/plugins CACHE INTERNAL "")
target_compile_definitions(onetable_ingest PRIVATE
  ONETABLE_PLUGIN_DIR="${ONETABLE_PLUGIN_OUTPUT_DIR}")
target_include_directories(onetable_ingest PUBLIC ${RAPIDJSON_INCLUDE_DIR})
target_link_libraries(onetable_ingest PUBLIC onetable_expr onetable_store onetable_model
  onetable_audit onetable_register yaml-cpp PkgConfig::OPENCC
  OpenSSL::Crypto ${CMAKE_DL_LIBS})

target_sources(onetable_cli PRIVATE ${ONETABLE_SRC}/cli/import_verbs.cc)
target_link_libraries(onetable_cli PUBLIC onetable_ingest)

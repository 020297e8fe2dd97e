# Deliveries: push a department table's new, changed and vanished rows to the department's
# system (http, mysql, file targets) with retries and receipts. Included from
# service/CMakeLists.txt (ONETABLE_SRC is service/src).
find_package(Poco QUIET COMPONENTS NetSSL)
add_library(onetable_delivery STATIC
  ${ONETABLE_SRC}/delivery/batch_content.cc
  ${ONETABLE_SRC}/delivery/change_planner.cc
  ${ONETABLE_SRC}/delivery/change_scope.cc
  ${ONETABLE_SRC}/delivery/delivery_admin.cc
  ${ONETABLE_SRC}/delivery/delivery_entries.cc
  ${ONETABLE_SRC}/delivery/delivery_run.cc
  ${ONETABLE_SRC}/delivery/delivery_schedule.cc
  ${ONETABLE_SRC}/delivery/delivery_spec.cc
  ${ONETABLE_SRC}/delivery/file_target.cc
  ${ONETABLE_SRC}/delivery/http_target.cc
  ${ONETABLE_SRC}/delivery/mysql_target.cc
)
target_include_directories(onetable_delivery PUBLIC ${RAPIDJSON_INCLUDE_DIR})
target_link_libraries(onetable_delivery PUBLIC onetable_mapping onetable_access onetable_audit
  onetable_app onetable_store onetable_model yaml-cpp Poco::Net Poco::Foundation Threads::Threads)
if(TARGET Poco::NetSSL)
  target_compile_definitions(onetable_delivery PRIVATE ONETABLE_DELIVERY_TLS)
  target_link_libraries(onetable_delivery PUBLIC Poco::NetSSL)
endif()

# `onetable deliver` and the delivery half of `check` (service/src/cli/); the API and `serve`'s
# scheduler (service/src/http/).
target_sources(onetable_cli PRIVATE ${ONETABLE_SRC}/cli/deliver_verbs.cc)
target_link_libraries(onetable_cli PUBLIC onetable_delivery)
target_sources(onetable_http PRIVATE ${ONETABLE_SRC}/http/delivery_handlers.cc)
target_link_libraries(onetable_http PUBLIC onetable_delivery)

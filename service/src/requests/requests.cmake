# Table requests (issue 20): departments ask for new tables with their blank templates.
# Included from service/CMakeLists.txt after the mapping layer (ONETABLE_SRC is service/src).
add_library(onetable_requests STATIC
  ${ONETABLE_SRC}/requests/request_delivery.cc
  ${ONETABLE_SRC}/requests/request_draft.cc
  ${ONETABLE_SRC}/requests/request_form.cc
  ${ONETABLE_SRC}/requests/request_steps.cc
  ${ONETABLE_SRC}/requests/table_requests.cc
)
target_link_libraries(onetable_requests PUBLIC onetable_mapping onetable_delivery onetable_auth onetable_audit
  onetable_access onetable_app onetable_store yaml-cpp)

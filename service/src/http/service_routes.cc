#include "http/service_routes.h"

#include "http/account_choices.h"
#include "http/audit_handlers.h"
#include "http/auth_handlers.h"
#include "http/catalog_handlers.h"
#include "http/connector_handlers.h"
#include "http/delivery_handlers.h"
#include "http/mapping_edit_handlers.h"
#include "http/mapping_handlers.h"
#include "http/metrics.h"
#include "http/openapi.h"
#include "http/person_handlers.h"
#include "http/quality_handlers.h"
#include "http/register_handlers.h"
#include "http/request_handlers.h"
#include "http/review_handlers.h"
#include "http/static_files.h"
#include "http/table_handlers.h"
#include "http/tag_handlers.h"
#include "http/transfer_handlers.h"
#include "http/tree_handlers.h"
#include "http/users_handlers.h"

namespace onetable {

Status RegisterServiceRoutes(Router* router, const ServiceContext& service,
                             const std::string& web_dir) {
  if (service.metrics == nullptr) return Status::Internal("RegisterServiceRoutes needs Metrics");
  RETURN_IF_ERROR(RegisterTreeRoutes(router, service));
  RETURN_IF_ERROR(RegisterAuthRoutes(router, service));
  RETURN_IF_ERROR(RegisterUserRoutes(router, service));
  RETURN_IF_ERROR(RegisterAccountChoicesRoute(router, service));
  RETURN_IF_ERROR(RegisterAuditRoutes(router, service));
  RETURN_IF_ERROR(RegisterRegisterRoutes(router, service));
  RETURN_IF_ERROR(RegisterPersonRoutes(router, service));
  RETURN_IF_ERROR(RegisterTagRoutes(router, service));
  RETURN_IF_ERROR(RegisterReviewRoutes(router, service));
  RETURN_IF_ERROR(RegisterConnectorRoutes(router, service));
  RETURN_IF_ERROR(RegisterDeliveryRoutes(router, service));
  RETURN_IF_ERROR(RegisterMappingRoutes(router, service));
  RETURN_IF_ERROR(RegisterTableRoutes(router, service));
  RETURN_IF_ERROR(RegisterCatalogRoutes(router, service));
  RETURN_IF_ERROR(RegisterMappingEditRoutes(router, service));
  RETURN_IF_ERROR(RegisterQualityRoutes(router, service));
  RETURN_IF_ERROR(RegisterRequestRoutes(router, service));
  RETURN_IF_ERROR(RegisterTransferRoutes(router, service));
  if (!web_dir.empty()) RETURN_IF_ERROR(RegisterStaticRoutes(router, web_dir));  // the UI, at /
  RETURN_IF_ERROR(RegisterMetricsRoute(router, service.metrics));
  return RegisterOpenApiRoute(router);  // last: it documents the routes above
}

}  // namespace onetable

#include "http/service_context.h"

namespace onetable {

Result<const Principal*> Caller(const RequestContext& ctx) {
  if (ctx.principal == nullptr) return Status::Unauthenticated("请先登录");
  return ctx.principal;
}

Result<const Principal*> Authorize(const ServiceContext& service, const RequestContext& ctx,
                                   Permission permission) {
  ASSIGN_OR_RETURN(const Principal* who, Caller(ctx));
  RETURN_IF_ERROR(service.policy.Require(*who, permission));
  return who;
}

}  // namespace onetable

#include "http/request_audit.h"

#include <cstdio>
#include <string>

#include "access/access.h"
#include "store/store.h"

namespace onetable {
namespace {

bool Numeric(const std::string& text) {
  if (text.empty() || text.size() > 18) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::string AuditObjectOf(const RequestContext& ctx) {
  std::string out = ctx.request.method;
  if (ctx.route.empty()) return out;
  out += ' ';
  const std::string_view route = ctx.route;
  size_t i = 0;
  while (i < route.size()) {
    if (route[i] == '{') {
      const size_t close = route.find('}', i);
      if (close == std::string_view::npos) break;
      const std::string name(route.substr(i + 1, close - i - 1));
      auto it = ctx.params.find(name);
      if (it != ctx.params.end() && Numeric(it->second)) {
        out += it->second;
      } else {
        out.append(route.data() + i, close - i + 1);
      }
      i = close + 1;
    } else {
      out.push_back(route[i++]);
    }
  }
  return out;
}

Actor ActorOf(const RequestContext& ctx) {
  Actor actor;
  if (ctx.principal != nullptr) {
    actor.user = ctx.principal->user;
    actor.role = ctx.principal->role;
  }
  actor.source_addr = ctx.request.remote_addr;
  actor.request_id = std::string(ctx.request_id);
  return actor;
}

Status AuditAs(const RequestContext& ctx, std::string_view user, std::string_view role,
               std::string_view action, std::string_view object, std::string_view result,
               std::string_view detail) {
  Actor actor = ActorOf(ctx);
  actor.user = std::string(user);
  actor.role = std::string(role);
  if (ctx.store == nullptr) {
    std::fprintf(stderr, "audit: no store for request %s, record %.*s lost\n",
                 actor.request_id.c_str(), static_cast<int>(action.size()), action.data());
    return Status::Internal("audit without a store");
  }
  return AppendAudit(*ctx.store, actor, action, object, result, detail);
}

Status Audit(const RequestContext& ctx, std::string_view action, std::string_view object,
             std::string_view result, std::string_view detail) {
  const Actor actor = ActorOf(ctx);
  return AuditAs(ctx, actor.user, actor.role, action, object, result, detail);
}

}  // namespace onetable

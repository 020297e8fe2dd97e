// What a security administrator chooses from when making or editing an account, so the form
// offers lists instead of raw codes (the password rule is in GET /api/v1/me, auth_handlers.h):
//
//   GET /api/v1/account-choices   (Permission::kManageUsers)
//     → {"communities": [{"code", "name", "street", "district",
//                         "grids": [{"code", "name", "scope"}]}],
//        "tables": [{"id", "title", "department", "columns": [header]}],
//        "sensitive": [{"grant", "label"}]}
// `scope` is the code to store for a grid worker (the bare grid code when it is unique in the
// register, else "<community code>/<grid code>"; access.h). Tables are every mapping that checks;
// "columns" are their headers, for column grants "<id>:<header>". "sensitive" lists "sensitive"
// (everything), "sensitive:minor" and "sensitive:<key>" for each sensitive field and tag.
// Names and codes only: never a count, a person or a value of the register.
//
// Thread-safety: the handler keeps no state.
#ifndef ONETABLE_HTTP_ACCOUNT_CHOICES_H_
#define ONETABLE_HTTP_ACCOUNT_CHOICES_H_

#include "http/router.h"
#include "http/service_context.h"
#include "onetable/status.h"

namespace onetable {

// `service` must outlive the router.
Status RegisterAccountChoicesRoute(Router* router, const ServiceContext& service);

}  // namespace onetable

#endif  // ONETABLE_HTTP_ACCOUNT_CHOICES_H_

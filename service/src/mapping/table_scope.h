// The scope of one generated table: the part of the register a request names by code (a
// district's 6 digits, a street's 9, a community's 12, a grid's code — bare when it is unique, or
// written "社区代码/网格编码"), checked against what the caller may see.
//
// Errors name the request parameter: an unknown code is kNotFound ("参数 scope：…"), a scope
// smaller than the table's grain or malformed is kInvalidArgument, a scope outside the caller's
// is kPermissionDenied.
//
// Thread-safety: reads the store it is given (one thread).
#ifndef ONETABLE_MAPPING_TABLE_SCOPE_H_
#define ONETABLE_MAPPING_TABLE_SCOPE_H_

#include <string>
#include <vector>

#include "model/entity.h"
#include "onetable/status.h"
#include "store/store.h"

namespace onetable::mapping {

struct ResolvedScope {
  std::vector<ScanScope> scopes;  // rows under any of these; empty: everything
  std::string name;               // for the title: "东风社区 第01网格"; "" for everything
};

// `code` "" means everything `allowed` covers (allowed empty: the whole register). A non-empty
// `allowed` lists the codes the caller may see; `code` must lie within one of them.
Result<ResolvedScope> ResolveScope(Store* store, const std::string& code,
                                   const std::vector<std::string>& allowed, EntityKind grain);

}  // namespace onetable::mapping

#endif  // ONETABLE_MAPPING_TABLE_SCOPE_H_

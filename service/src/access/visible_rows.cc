#include "access/visible_rows.h"

#include <algorithm>
#include <set>
#include <utility>

namespace onetable {
namespace {

// Candidates read per scan; filtering may drop some, so a page may take several scans.
constexpr int kMinBatch = 64;

// Returned by a scan's visitor to stop once enough ids were read; never leaves this file.
Status StopScan() { return Status(StatusCode::kFailedPrecondition, "scan stopped"); }

// The scan scopes for the caller: the finest level of RowScope that applies to `kind`. Sets
// `none` when the caller may see no row of `kind` at all.
std::vector<ScanScope> ScopesFor(const RowScope& visible, EntityKind kind, bool* none) {
  std::vector<ScanScope> scopes;
  *none = false;
  const std::set<int64_t>* ids = nullptr;
  EntityKind level = EntityKind::kCommunity;
  if (visible.grid_ids.has_value() && kind >= EntityKind::kGrid) {
    ids = &*visible.grid_ids;
    level = EntityKind::kGrid;
  } else if (visible.community_ids.has_value()) {
    ids = &*visible.community_ids;
  } else if (visible.grid_ids.has_value()) {
    *none = true;  // grid-scoped callers see nothing above their grids
    return scopes;
  } else {
    return scopes;  // everything
  }
  if (ids->empty()) *none = true;
  for (int64_t id : *ids) scopes.push_back(ScanScope{level, id});
  return scopes;
}

// The scan of `kind` rows the caller may see under `filter` (its parent, or the caller's scope;
// its predicates, status and fields). Sets `none` when the caller may see no such row at all.
Status PrepareScan(const AccessPolicy& policy, const Principal& who, Store& store, EntityKind kind,
                   const RowFilter& filter, ScanRequest* request, bool* none) {
  *none = false;
  request->grain = kind;
  request->leaf = kind;
  if (filter.parent_id > 0) {
    const std::optional<EntityKind> parent = ParentKind(kind);
    if (!parent.has_value()) return Status::Invalid("该类记录没有上级");
    RETURN_IF_ERROR(policy.RequireRow(who, store, *parent, filter.parent_id));
    request->scopes.push_back(ScanScope{*parent, filter.parent_id});
  } else {
    ASSIGN_OR_RETURN(RowScope visible, policy.Visible(who, store));
    request->scopes = ScopesFor(visible, kind, none);
    if (*none) return Status::Ok();
  }
  request->predicates = filter.predicates;
  if (!filter.status.empty()) {
    request->predicates.push_back(
        ScanPredicate{std::string(EntityName(kind)) + ".status", "==", {filter.status}});
  }
  request->fields = filter.fields;
  return Status::Ok();
}

}  // namespace

Result<std::vector<Row>> ListVisible(const AccessPolicy& policy, const Principal& who, Store& store,
                                     EntityKind kind, const RowFilter& filter, const Page& page,
                                     bool* more) {
  *more = false;
  const std::string prefix = std::string(EntityName(kind)) + ".";
  ScanRequest request;
  bool none = false;
  RETURN_IF_ERROR(PrepareScan(policy, who, store, kind, filter, &request, &none));
  if (none) return std::vector<Row>{};
  const int batch = std::max(page.limit + 1, kMinBatch);
  request.page_size = batch;
  const size_t after_index = request.predicates.size();
  request.predicates.push_back(ScanPredicate{prefix + "id", ">", {std::to_string(page.after)}});

  std::vector<Row> out;
  const size_t want = static_cast<size_t>(page.limit) + 1;
  int64_t after = page.after;
  while (out.size() < want) {
    request.predicates[after_index].values = {std::to_string(after)};
    std::vector<int64_t> ids;
    int scanned = 0;
    Status st = store.Scan(request, [&](const ScanRow& row) -> Status {
      ++scanned;
      after = row.ids[0];
      if (!filter.keep || filter.keep(row)) ids.push_back(row.ids[0]);
      return scanned >= batch ? StopScan() : Status::Ok();
    });
    const bool stopped = st.code() == StatusCode::kFailedPrecondition && scanned >= batch;
    if (!st.ok() && !stopped) return st;
    for (int64_t id : ids) {
      Result<Row> row = store.Get(kind, id);
      if (!row.ok()) {
        if (row.status().code() == StatusCode::kNotFound) continue;  // deleted meanwhile
        return row.status();
      }
      Status allowed = policy.RequireRow(who, store, kind, id);
      if (allowed.code() == StatusCode::kNotFound) continue;
      RETURN_IF_ERROR(allowed);
      out.push_back(std::move(*row));
      if (out.size() >= want) break;
    }
    if (!stopped) break;  // the scan ran out of rows
  }
  *more = out.size() > static_cast<size_t>(page.limit);
  if (*more) out.resize(page.limit);
  return out;
}

Result<std::vector<int64_t>> MatchVisibleIds(const AccessPolicy& policy, const Principal& who,
                                             Store& store, EntityKind kind,
                                             const RowFilter& filter) {
  ScanRequest request;
  bool none = false;
  RETURN_IF_ERROR(PrepareScan(policy, who, store, kind, filter, &request, &none));
  if (none) return std::vector<int64_t>{};
  std::vector<int64_t> ids;
  RETURN_IF_ERROR(store.Scan(request, [&](const ScanRow& row) -> Status {
    if (!filter.keep || filter.keep(row)) ids.push_back(row.ids[0]);
    return Status::Ok();
  }));
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace onetable

// RegisterStore: the register itself — the tree of rows (district → street → community → grid →
// building → household → person), memberships, tags, provenance and history, the review queue,
// and the streaming Scan that generated tables read. One of the interfaces Store is made of
// (store/store.h); the status codes every store method reports are listed there.
//
// Rows carry their catalog fields as strings in canonical form (see model/validation.h); a key
// absent from Row::values is NULL. Callers validate before writing; the store enforces integrity
// (parents exist, unique keys, compare-and-set versions).
//
// Thread-safety: one connection; use it from one thread at a time.
#ifndef ONETABLE_STORE_REGISTER_STORE_H_
#define ONETABLE_STORE_REGISTER_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/entity.h"
#include "onetable/status.h"

namespace onetable {

// Row status. Persons are never hard-deleted: a person who moved away or died keeps the row.
inline constexpr char kStatusActive[] = "active";
inline constexpr char kStatusMovedAway[] = "moved_away";
inline constexpr char kStatusDeceased[] = "deceased";

struct Row {
  int64_t id = 0;
  int64_t parent_id = 0;  // 0: none (districts; a person outside any household)
  int64_t version = 0;    // 1 after insert, +1 on every update
  std::string status = kStatusActive;
  std::map<std::string, std::string> values;

  // The value of `key`, or nullptr when NULL.
  const std::string* Get(const std::string& key) const {
    auto it = values.find(key);
    return it == values.end() ? nullptr : &it->second;
  }
};

struct ListQuery {
  int64_t parent_id = 0;               // 0: any parent
  std::string status;                  // "": any status
  std::map<std::string, std::string> equals;  // catalog field = value (AND)
  int64_t after_id = 0;                // keyset paging: rows with id > after_id
  int limit = 100;
};

// One stay of a row under a parent: a person in a household (with relationship), a household in
// a building, a building in a grid. valid_to is empty while current.
struct Membership {
  int64_t parent_id = 0;
  std::string relationship;  // GB/T 4761 code for persons; empty otherwise
  std::string valid_from;    // UTC timestamp "YYYY-MM-DD HH:MM:SS"
  std::string valid_to;
  std::string actor;         // who made the change
};

struct TagAssignment {
  int64_t id = 0;
  int64_t person_id = 0;
  std::string tag;                          // catalog tag key
  std::map<std::string, std::string> attrs;  // catalog attribute key -> canonical value
  std::string valid_from;                   // YYYY-MM-DD or empty
  std::string valid_to;
  std::string source;                       // source id or "manual:<user>"
  int64_t version = 0;
};

// Where a golden value came from. One current entry per (entity, id, field); the field's history
// is every observation of it in the order made: the values replaced, the values that lost
// (AppendHistory) and the current one. Only the current one is kept in provenance alone.
struct FieldObservation {
  EntityKind entity = EntityKind::kPerson;
  int64_t entity_id = 0;
  std::string field;
  std::string value;           // canonical; empty with is_null for NULL
  bool is_null = false;
  std::string source;          // connector source id, or "manual"
  int64_t source_record_id = 0;  // 0 for manual entry
  std::string actor;           // worker's user name for manual entry
  std::string observed_at;     // UTC timestamp
  bool pinned = false;
};

struct ReviewItem {
  int64_t id = 0;
  std::string kind;      // "duplicate" | "conflict"
  std::string status = "open";  // open | linked | kept_apart | resolved
  EntityKind entity = EntityKind::kPerson;
  int64_t entity_id = 0;
  int64_t other_id = 0;  // the candidate duplicate, 0 for conflicts
  std::string field;     // for conflicts
  std::string detail;    // JSON: scores, competing values with their sources
  std::string created_at;
  std::string resolved_by;
  std::string resolution;
  int64_t version = 0;
};

// --- table generation (see service/src/mapping/) ---------------------------------------------

// A streaming read for generated tables (Store::Scan): the rows of one grain (persons,
// households, ...) in a scope, each joined with its ancestors and its household's head, and for
// summary tables with the rows below it down to `leaf` (LEFT JOIN, so a grain row without
// children still comes once, with 0 ids below).
//
// A path names a column of the joined chain as "<entity>.<key>": entity is a tree kind in the
// chain (district … person) or "head" (the head person of the chain's household); key is a
// stored catalog field of it, "id", "status", or household's derived "member_count" (active
// members without a death date). Identifiers reach SQL only after being checked against the
// catalog; every value is a bound parameter.
struct ScanPredicate {
  std::string path;
  // == != < <= > >= | in, not in (values: the list) | between, not between (values: low, high)
  // | is null, is not null (no values) | has_tag (values: {tag key}; on the chain's person)
  // | alive_at (path: a person's "<chain>.status"; values: {YYYY-MM-DD, the 居住状态 codes that
  //   end residence...}): the person is alive at that date as expr/alive_rule.h defines it
  std::string op;
  std::vector<std::string> values;  // canonical text, bound as SQL parameters
  // The caller checks it again on the rows it gets: the store may leave out what it cannot write
  // in SQL (equality on an encrypted value read as of a past instant, which has no blind index).
  bool rechecked = false;
};

// A condition inside an aggregate the store computes (ScanAggregate): a predicate, or all / any
// of its children (SQL AND / OR; kAll without children is true).
struct ScanCondition {
  enum class Kind { kPredicate, kAll, kAny };
  Kind kind = Kind::kAll;
  ScanPredicate predicate;  // kPredicate
  std::vector<ScanCondition> children;
};

// An aggregate the store computes for each grain row over the rows of `over` below it
// (ScanRequest::aggregates): the number of distinct `over` rows for which `where` holds, or the
// sum of the integer field `value` (a path, as in ScanPredicate) over them, nulls skipped, 0 when
// none. A `where` that is null (unknown) for a row does not count it, as in SQL.
struct ScanAggregate {
  enum class Fn { kCount, kSum };
  Fn fn = Fn::kCount;
  EntityKind over = EntityKind::kPerson;  // below the grain, at or above the leaf
  std::string value;                      // kSum: the summed field (kSum needs over == leaf)
  ScanCondition where;
};

struct ScanScope {
  EntityKind kind = EntityKind::kCommunity;  // at or above the grain
  int64_t id = 0;
};

struct ScanOrderKey {
  std::string path;
  bool descending = false;  // NULLs sort first ascending, last descending (both dialects)
};

struct ScanRequest {
  EntityKind grain = EntityKind::kPerson;
  EntityKind leaf = EntityKind::kPerson;  // >= grain; rows below the grain joined down to here
  std::vector<ScanScope> scopes;          // rows under any of these; empty: every row
  std::vector<ScanPredicate> predicates;  // all must hold (on the joined row)
  std::vector<std::string> fields;        // paths read into ScanRow::values, in this order
  std::vector<std::string> tags;          // tag keys read into ScanRow::tag_attrs (chain's person)
  std::string tag_date;  // YYYY-MM-DD: only assignments valid that day count; "": any
  // "YYYY-MM-DD HH:MM:SS" (UTC): read persons as the register held them at that instant — a
  // status or field (other than a date field: dates are facts, read as known now) replaced
  // later reads its value of then, and a person sits in the household he was in then (for the
  // chain above him, scopes, the persons below a summary row, and member_count). "": as now.
  // Rows as now cost nothing extra; history is read in the same query, only for the fields
  // changed and persons moved since then.
  std::string history_at;
  std::vector<ScanOrderKey> order;  // then by the id of each level from grain down to leaf
  // Non-empty: one row per grain row (ScanRow::ids holds the grain's id only), with these
  // aggregates computed by the store in ScanRow::aggregates (SQL GROUP BY the grain row). Then
  // `fields` and `order` must be of the grain or above and `tags` empty; predicates and scopes
  // select the grain rows as without aggregates.
  std::vector<ScanAggregate> aggregates;
  // Rows fetched per query (keyset paging); 0: the store chooses (SQLite streams one query,
  // MySQL pages so the client never buffers a whole result).
  int page_size = 0;
};

struct ScanRow {
  std::vector<int64_t> ids;  // one per level grain..leaf; 0 where the LEFT JOIN found nothing
  std::vector<std::optional<std::string>> values;     // per ScanRequest::fields; nullopt: NULL
  std::vector<std::optional<std::string>> tag_attrs;  // per ScanRequest::tags: the valid
                                                      // assignment's attrs JSON, nullopt: none
  std::vector<int64_t> aggregates;                    // per ScanRequest::aggregates
};

// What changed in the register from an instant on (RegisterStore::ChangesSince): the inputs of
// an incremental delivery (service/src/delivery/change_scope.h).
struct RegisterChanges {
  // Persons whose status or fields changed, who joined, left or moved between households, were
  // inserted, merged (both ids) or whose tags were written. Sorted, unique.
  std::vector<int64_t> persons;
  // Households updated or moved, or whose head changed in a merge. Sorted, unique.
  std::vector<int64_t> households;
  // Households a person of `persons` joined or left (their members' head or member count may
  // have changed). Sorted, unique.
  std::vector<int64_t> housemates_of;
  // A building or a row above it was updated, moved or deleted since then.
  bool above_households = false;
  // More than the limit asked for: the caller recomputes everything instead.
  bool truncated = false;
};

class RegisterStore {
 public:
  RegisterStore() = default;
  RegisterStore(const RegisterStore&) = delete;
  RegisterStore& operator=(const RegisterStore&) = delete;
  virtual ~RegisterStore() = default;

  // --- the tree -----------------------------------------------------------------------------
  // Inserts a row (version 1); returns its id. Records the first membership for persons,
  // households and buildings.
  virtual Result<int64_t> Insert(EntityKind kind, const Row& row) = 0;
  // Inserts many rows in one transaction; all or nothing. Appends the new ids to `ids` if given.
  virtual Status InsertBatch(EntityKind kind, const std::vector<Row>& rows,
                             std::vector<int64_t>* ids) = 0;
  virtual Result<Row> Get(EntityKind kind, int64_t id) = 0;
  // The row whose catalog field `field` equals `value` (e.g. a person by id_number, a community
  // by code); kNotFound when none.
  virtual Result<Row> FindBy(EntityKind kind, const std::string& field,
                             const std::string& value) = 0;
  // FindBy for many values in one read (an import batch's keys): value -> id of the row FindBy
  // would answer (the lowest id); a value no row has is absent.
  virtual Result<std::map<std::string, int64_t>> FindIdsBy(
      EntityKind kind, const std::string& field, const std::vector<std::string>& values) = 0;
  virtual Result<std::vector<Row>> List(EntityKind kind, const ListQuery& query) = 0;
  virtual Result<int64_t> Count(EntityKind kind, const ListQuery& query) = 0;
  // Compare-and-set: writes values and status when row.version is current, then sets
  // row.version to the new version. The parent is not changed here (see Move).
  virtual Status Update(EntityKind kind, Row* row) = 0;
  // Moves a row to another parent (a person to another household, with `relationship`),
  // closing its current membership and opening a new one. Compare-and-set on
  // expected_version; returns the new version.
  virtual Result<int64_t> Move(EntityKind kind, int64_t id, int64_t expected_version,
                               int64_t new_parent_id, const std::string& relationship,
                               const std::string& actor) = 0;
  virtual Result<std::vector<Membership>> MembershipHistory(EntityKind kind, int64_t id) = 0;
  // Deletes a row (compare-and-set). Refused while children exist. Persons are not deleted:
  // use Update with a status.
  virtual Status Delete(EntityKind kind, int64_t id, int64_t expected_version) = 0;

  // --- tags ---------------------------------------------------------------------------------
  virtual Result<int64_t> AddTag(const TagAssignment& tag) = 0;
  virtual Result<std::vector<TagAssignment>> ListTags(int64_t person_id) = 0;
  virtual Status UpdateTag(TagAssignment* tag) = 0;  // compare-and-set
  virtual Status DeleteTag(int64_t id, int64_t expected_version) = 0;

  // --- provenance and history ---------------------------------------------------------------
  // Makes `obs` the field's current provenance; the observation it replaces joins the history.
  virtual Status RecordObservation(const FieldObservation& obs) = 0;
  // RecordObservation of each of `obs`, for fields of rows that have no provenance and no history
  // yet (rows just inserted): one write for all of them. Each (entity, id, field) at most once.
  virtual Status RecordFirstObservations(const std::vector<FieldObservation>& obs) = 0;
  // Appends an observation to the field's history only (a losing value): the current provenance
  // is left as it is.
  virtual Status AppendHistory(const FieldObservation& obs) = 0;
  // Current provenance of every field of a row.
  virtual Result<std::vector<FieldObservation>> Provenance(EntityKind kind, int64_t id) = 0;
  // Every observation of one field, oldest first.
  virtual Result<std::vector<FieldObservation>> History(EntityKind kind, int64_t id,
                                                        const std::string& field) = 0;

  // --- review queue -------------------------------------------------------------------------
  virtual Result<int64_t> AddReview(const ReviewItem& item) = 0;
  virtual Result<std::vector<ReviewItem>> ListReview(const std::string& status,
                                                     int64_t after_id, int limit) = 0;
  virtual Result<ReviewItem> GetReview(int64_t id) = 0;
  // Closes an open item (compare-and-set) with a new status and a resolution note.
  virtual Status ResolveReview(int64_t id, int64_t expected_version, const std::string& status,
                               const std::string& resolution, const std::string& actor) = 0;
  // The open review items of `kind` about (entity, entity_id, field, other_id).
  virtual Result<std::vector<ReviewItem>> FindOpenReview(const std::string& kind,
                                                         EntityKind entity, int64_t entity_id,
                                                         const std::string& field,
                                                         int64_t other_id) = 0;

  // --- table generation (see service/src/mapping/) -------------------------------------------
  // Streams the rows of `request` to `visit`, in order, without holding them all in memory.
  // A path, op or tag the catalog does not know, or a scope below the grain, is
  // kInvalidArgument. `visit` returning an error stops the scan and Scan returns that error.
  // `visit` must not use this store (its connection is busy reading).
  virtual Status Scan(const ScanRequest& request,
                      const std::function<Status(const ScanRow&)>& visit) = 0;

  // --- change tracking ----------------------------------------------------------------------
  // What changed at or after `since` ("YYYY-MM-DD HH:MM:SS" UTC, the store's NowUtc clock),
  // read from field_change, membership and register_change. Stops with `truncated` once more
  // than `limit` person and household ids were found.
  virtual Result<RegisterChanges> ChangesSince(const std::string& since, size_t limit) = 0;
};

}  // namespace onetable

#endif  // ONETABLE_STORE_REGISTER_STORE_H_

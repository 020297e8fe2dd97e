// Store: the register's persistence, one interface with two backends (SQLite, MySQL/MariaDB)
// that pass one contract suite (tests/contract). The tree is district → street → community →
// grid → building → household → person; every row has an integer id, a parent id and a version.
//
// Rows carry their catalog fields as strings in canonical form (see model/validation.h); a key
// absent from Row::values is NULL. Callers validate before writing; the store enforces integrity
// (parents exist, unique keys, compare-and-set versions) and reports violations as Status:
//   kNotFound            the row does not exist
//   kConflict            the expected version is stale (someone else wrote first)
//   kAlreadyExists       a unique key is taken (e.g. a person's id_number)
//   kFailedPrecondition  the parent does not exist, or children still exist on delete
//   kUnavailable         the database cannot be reached
//
// Thread-safety: a Store is one connection; use it from one thread at a time. Open one Store
// per thread for concurrency.
#ifndef ONETABLE_STORE_STORE_H_
#define ONETABLE_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "model/catalog.h"
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

// Where a golden value came from. One current entry per (entity, id, field); each observation
// is also appended to the field's history.
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

struct SourceRecord {
  int64_t id = 0;
  std::string source;        // connector id
  std::string record_key;    // the source's own key for the record (stable across runs)
  std::string content_hash;  // hex digest of the normalized content
  std::string payload;       // the record as received (JSON)
  int64_t person_id = 0;     // resolved golden record, 0 if none yet
  std::string fetched_at;
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

struct User {
  int64_t id = 0;
  std::string name;
  std::string role;           // admin | community_admin | grid_worker | department
  std::string display_name;
  std::string password_hash;  // encoded hash, never the password
  std::vector<std::string> scopes;  // division / grid codes the user may see
  std::vector<std::string> grants;  // mapping ids a department may run
  bool disabled = false;
  int64_t version = 0;
};

struct AuditEntry {
  int64_t id = 0;
  std::string at;  // UTC timestamp; filled by the store when empty
  std::string user;
  std::string role;
  std::string source_addr;
  std::string action;  // login, write, download, run, ...
  std::string object;  // e.g. "person/42"
  std::string result;  // ok, denied, failed, ...
  std::string request_id;
  std::string detail;  // never personal values
};

struct AuditQuery {
  std::string user;
  std::string action;
  std::string since;  // inclusive, UTC timestamp
  int64_t after_id = 0;
  int limit = 100;
};

class Store {
 public:
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  virtual ~Store() = default;

  // "sqlite" or "mysql".
  virtual std::string Dialect() const = 0;

  // --- schema -------------------------------------------------------------------------------
  // Highest migration applied; 0 for an empty database.
  virtual Result<int> SchemaVersion() = 0;
  // Applies the migrations this binary knows that are not applied yet. Refuses
  // (kFailedPrecondition) a database whose version is newer than the binary's.
  virtual Status Migrate() = 0;

  // --- transactions -------------------------------------------------------------------------
  // Runs `fn` in one transaction: commits when it returns OK, rolls back otherwise and returns
  // its Status. Nested calls join the outer transaction.
  virtual Status InTransaction(const std::function<Status()>& fn) = 0;

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
  virtual Status RecordObservation(const FieldObservation& obs) = 0;
  // Current provenance of every field of a row.
  virtual Result<std::vector<FieldObservation>> Provenance(EntityKind kind, int64_t id) = 0;
  // Every observation of one field, oldest first.
  virtual Result<std::vector<FieldObservation>> History(EntityKind kind, int64_t id,
                                                        const std::string& field) = 0;

  // --- source records and cursors -----------------------------------------------------------
  // Inserts or updates the record with (source, record_key). Returns true when it is new or its
  // content hash changed, false when unchanged. Fills record->id.
  virtual Result<bool> PutSourceRecord(SourceRecord* record) = 0;
  virtual Result<SourceRecord> GetSourceRecord(const std::string& source,
                                               const std::string& record_key) = 0;
  // A connector's saved position; "" when it has none.
  virtual Result<std::string> GetCursor(const std::string& source) = 0;
  virtual Status SetCursor(const std::string& source, const std::string& cursor) = 0;

  // --- review queue -------------------------------------------------------------------------
  virtual Result<int64_t> AddReview(const ReviewItem& item) = 0;
  virtual Result<std::vector<ReviewItem>> ListReview(const std::string& status,
                                                     int64_t after_id, int limit) = 0;
  virtual Result<ReviewItem> GetReview(int64_t id) = 0;
  // Closes an open item (compare-and-set) with a new status and a resolution note.
  virtual Status ResolveReview(int64_t id, int64_t expected_version, const std::string& status,
                               const std::string& resolution, const std::string& actor) = 0;

  // --- users and audit ----------------------------------------------------------------------
  virtual Result<int64_t> AddUser(const User& user) = 0;
  virtual Result<User> GetUser(const std::string& name) = 0;
  virtual Result<std::vector<User>> ListUsers() = 0;
  virtual Status UpdateUser(User* user) = 0;  // compare-and-set; replaces scopes and grants
  // Append-only: there is no update or delete of audit entries.
  virtual Result<int64_t> AppendAudit(const AuditEntry& entry) = 0;
  virtual Result<std::vector<AuditEntry>> ListAudit(const AuditQuery& query) = 0;
};

// Opens a store from a URL: "sqlite:PATH" (created if missing) or
// "mysql://user:pass@host:port/db" / "mysql://user:pass@localhost/db?socket=/path".
// `catalog` must outlive the store. Does not migrate. Errors name the URL (without password).
Result<std::unique_ptr<Store>> OpenStore(const std::string& url, const Catalog& catalog);

}  // namespace onetable

#endif  // ONETABLE_STORE_STORE_H_

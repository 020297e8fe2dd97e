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
//   kAborted             the database rolled the transaction back to break a deadlock (MySQL)
//
// Thread-safety: a Store is one connection; use it from one thread at a time. Open one Store
// per thread for concurrency.
#ifndef ONETABLE_STORE_STORE_H_
#define ONETABLE_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
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


// --- ingest (see service/src/ingest/) ----------------------------------------------------------

inline constexpr char kImportRunning[] = "running";
inline constexpr char kImportDone[] = "done";
inline constexpr char kImportFailed[] = "failed";
inline constexpr char kImportInterrupted[] = "interrupted";

// One `onetable import` of a connector and what it did. Counts are per source row:
// read = new + updated + unchanged + rejected; linked counts the updated rows that attached to an
// existing golden record for the first time; review counts review items the run opened.
struct ImportRun {
  int64_t id = 0;
  std::string source;          // connector id
  std::string title;
  std::string connector_type;  // csv, xlsx, ...
  std::string spec_file;       // the connector YAML
  std::string status = kImportRunning;  // running | done | failed | interrupted
  std::string started_at;      // UTC timestamp; filled by the store when empty
  std::string finished_at;
  int64_t read = 0, created = 0, updated = 0, unchanged = 0, linked = 0, review = 0,
          rejected = 0;
  std::string message;         // why a run failed (Chinese), empty when done
};

// A source row the runtime could not take in. One entry per problem; a row with two bad cells
// has two entries.
struct QuarantinedRow {
  int64_t id = 0;
  int64_t run_id = 0;
  std::string source;
  std::string location;  // file / table / URL
  int64_t row = 0;       // 1-based, 0 when meaningless
  std::string column;    // source column, empty when the whole row is bad
  std::string reason;    // Chinese
  std::string raw;       // the row as read (JSON of its cells, or the text), may be empty
  std::string created_at;
};

// What the register knows of a source: its trust at its last run (survivorship compares it).
struct SourceInfo {
  std::string source;
  std::string title;
  std::string connector_type;
  int trust = 0;
  std::string updated_at;
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
  std::string op;
  std::vector<std::string> values;  // canonical text, bound as SQL parameters
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
  std::vector<ScanOrderKey> order;  // then by the id of each level from grain down to leaf
  // Rows fetched per query (keyset paging); 0: the store chooses (SQLite streams one query,
  // MySQL pages so the client never buffers a whole result).
  int page_size = 0;
};

struct ScanRow {
  std::vector<int64_t> ids;  // one per level grain..leaf; 0 where the LEFT JOIN found nothing
  std::vector<std::optional<std::string>> values;     // per ScanRequest::fields; nullopt: NULL
  std::vector<std::optional<std::string>> tag_attrs;  // per ScanRequest::tags: the valid
                                                      // assignment's attrs JSON, nullopt: none
};

// --- auth types (see service/src/http/auth.h) -------------------------------------------------
// Times are Unix seconds (UTC) from the authenticator's clock, so tests can move it. Tokens are
// never stored: only the hex SHA-256 of a token, which is what lookups take.

// A signed-in browser or client: 30-minute idle and 12-hour absolute expiry are decided by the
// authenticator from these times.
struct AuthSession {
  int64_t id = 0;
  std::string token_hash;  // 64 lower-case hex digits
  int64_t user_id = 0;
  int64_t created_at = 0;
  int64_t last_seen_at = 0;
  int64_t expires_at = 0;  // absolute end
};

// A department's API token: no expiry, revocable, remembers when it was last used.
struct ApiToken {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string token_hash;
  std::string label;       // what the admin called it ("民政局报表系统")
  std::string created_by;  // admin user name
  int64_t created_at = 0;
  int64_t last_used_at = 0;  // 0: never
  int64_t revoked_at = 0;    // 0: valid
};

// Failed logins of one account name (known or not, so that lockout does not reveal which names
// exist). failures counts within the window that started at window_start.
struct LoginThrottle {
  std::string user_name;
  int failures = 0;
  int64_t window_start = 0;
  int64_t locked_until = 0;  // logins refused while now < locked_until
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

  // --- ingest -------------------------------------------------------------------------------
  // These have default bodies that fail (kInternal) so a test double needs only what it uses;
  // SqlStore implements them all (sql_store_ingest.cc).

  // Import runs: AddImportRun fills started_at when empty and returns the id; UpdateImportRun
  // rewrites status, finished_at, counts and message of run.id (kNotFound when missing).
  virtual Result<int64_t> AddImportRun(const ImportRun& run);
  virtual Status UpdateImportRun(const ImportRun& run);
  virtual Result<ImportRun> GetImportRun(int64_t id);
  // Runs of `source` ("" any), id > after_id, oldest first.
  virtual Result<std::vector<ImportRun>> ListImportRuns(const std::string& source,
                                                        int64_t after_id, int limit);
  // Marks the source's runs still 'running' as 'interrupted' (their process died); returns how
  // many.
  virtual Result<int64_t> MarkRunsInterrupted(const std::string& source);
  virtual Result<int64_t> AddQuarantine(const QuarantinedRow& row);
  // Quarantined rows of one run (run_id 0: of every run), id > after_id, in id order.
  virtual Result<std::vector<QuarantinedRow>> ListQuarantine(int64_t run_id, int64_t after_id,
                                                             int limit);

  // Sources: PutSourceInfo inserts or replaces; GetSourceInfo is kNotFound for an unknown source.
  virtual Status PutSourceInfo(const SourceInfo& info);
  virtual Result<SourceInfo> GetSourceInfo(const std::string& source);

  // Appends an observation to the field's history only (a losing value): the current provenance
  // is left as it is.
  virtual Status AppendHistory(const FieldObservation& obs);
  // Source records attached to a golden person, in id order.
  virtual Result<std::vector<SourceRecord>> ListSourceRecords(int64_t person_id);

  // The open review item of `kind` about (entity, entity_id, field, other_id), if any.
  virtual Result<std::vector<ReviewItem>> FindOpenReview(const std::string& kind,
                                                         EntityKind entity, int64_t entity_id,
                                                         const std::string& field,
                                                         int64_t other_id);

  // Merges person `merged` into `survivor`: tags, provenance, history, source records,
  // memberships' open stay and household heads move to the survivor, the survivor keeps its own
  // current values (callers settle values first), `merged`'s row is deleted and person_alias
  // maps its id to the survivor (and aliases of `merged` are re-pointed). One transaction.
  // kNotFound when either is missing; kInvalidArgument when they are the same person.
  virtual Status MergePersons(int64_t survivor, int64_t merged, const std::string& actor);
  // The id a person id stands for now: the survivor for a merged id, `id` itself otherwise.
  virtual Result<int64_t> ResolvePersonId(int64_t id);
  // Records that two persons are different people (order does not matter); KeptApart tells.
  virtual Status KeepApart(int64_t a, int64_t b, const std::string& actor);
  virtual Result<bool> KeptApart(int64_t a, int64_t b);

  // --- users and audit ----------------------------------------------------------------------
  virtual Result<int64_t> AddUser(const User& user) = 0;
  virtual Result<User> GetUser(const std::string& name) = 0;
  virtual Result<std::vector<User>> ListUsers() = 0;
  virtual Status UpdateUser(User* user) = 0;  // compare-and-set; replaces scopes and grants
  // Append-only: there is no update or delete of audit entries.
  virtual Result<int64_t> AppendAudit(const AuditEntry& entry) = 0;
  virtual Result<std::vector<AuditEntry>> ListAudit(const AuditQuery& query) = 0;

  // --- table generation (see service/src/mapping/) -------------------------------------------
  // Streams the rows of `request` to `visit`, in order, without holding them all in memory.
  // A path, op or tag the catalog does not know, or a scope below the grain, is
  // kInvalidArgument. `visit` returning an error stops the scan and Scan returns that error.
  // `visit` must not use this store (its connection is busy reading). Default body: kInternal.
  virtual Status Scan(const ScanRequest& request,
                      const std::function<Status(const ScanRow&)>& visit);

  // --- auth (see service/src/http/) ---
  // Default bodies fail (kInternal) so test doubles need only what they use; SqlStore implements
  // them all (sql_store_auth.cc).
  virtual Result<User> GetUserById(int64_t id);

  // Sessions. FindSession and FindApiToken are kNotFound for an unknown hash.
  virtual Result<int64_t> AddSession(const AuthSession& session);
  virtual Result<AuthSession> FindSession(const std::string& token_hash);
  // Sets last_seen_at to `seen_at` unless it is already later.
  virtual Status TouchSession(int64_t id, int64_t seen_at);
  virtual Status DeleteSession(int64_t id);
  // Ends every session of a user (password reset, disabling, role change); returns how many.
  virtual Result<int64_t> DeleteUserSessions(int64_t user_id);
  // Deletes sessions past expires_at at `now` or last seen before `idle_before`.
  virtual Result<int64_t> PurgeSessions(int64_t now, int64_t idle_before);

  // Login throttling, per account name. GetLoginThrottle returns a zero record for a name with
  // no failures. RecordLoginFailure counts one failure atomically: a failure while locked is not
  // counted; a window older than `window_seconds` starts again at 1; reaching `max_failures`
  // locks the name until now + lock_seconds and starts a new count. Returns the record after.
  virtual Result<LoginThrottle> GetLoginThrottle(const std::string& user_name);
  virtual Result<LoginThrottle> RecordLoginFailure(const std::string& user_name, int64_t now,
                                                   int64_t window_seconds, int max_failures,
                                                   int64_t lock_seconds);
  virtual Status ClearLoginThrottle(const std::string& user_name);

  // API tokens. RevokeApiToken is kNotFound unless token `id` belongs to `user_id`; revoking a
  // revoked token keeps its first revocation time. ListApiTokens: oldest first, revoked too.
  virtual Result<int64_t> AddApiToken(const ApiToken& token);
  virtual Result<ApiToken> FindApiToken(const std::string& token_hash);
  virtual Result<std::vector<ApiToken>> ListApiTokens(int64_t user_id);
  virtual Status TouchApiToken(int64_t id, int64_t used_at);
  virtual Status RevokeApiToken(int64_t user_id, int64_t id, int64_t revoked_at);
};

// Opens a store from a URL: "sqlite:PATH" (created if missing) or
// "mysql://user:pass@host:port/db" / "mysql://user:pass@localhost/db?socket=/path".
// `catalog` must outlive the store. Does not migrate. Errors name the URL (without password).
Result<std::unique_ptr<Store>> OpenStore(const std::string& url, const Catalog& catalog);

}  // namespace onetable

#endif  // ONETABLE_STORE_STORE_H_

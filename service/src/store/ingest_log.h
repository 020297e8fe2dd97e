// IngestLog: what the connector runtime keeps beside the register (see service/src/ingest/):
// the source records it has seen with their content hashes, each connector's cursor, import runs
// and their quarantined rows, the sources' trust, person merges and kept-apart pairs, and the run
// leases that keep one run of a connector at a time across processes and instances. One of the
// interfaces Store is made of (store/store.h, which lists the status codes).
//
// Thread-safety: one connection; use it from one thread at a time.
#ifndef ONETABLE_STORE_INGEST_LOG_H_
#define ONETABLE_STORE_INGEST_LOG_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "onetable/status.h"

namespace onetable {

struct SourceRecord {
  int64_t id = 0;
  std::string source;        // connector id
  std::string record_key;    // the source's own key for the record (stable across runs); with
                             // encryption at rest ListSourceRecords gives its blind index
  std::string content_hash;  // hex digest of the normalized content
  std::string payload;       // the record as received (JSON)
  int64_t person_id = 0;     // resolved golden record, 0 if none yet
  std::string fetched_at;
};

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
  // Rows per named problem whose mapped values did not all land as sent (runtime.h lists the
  // kinds: unplaced, unknown_code, ...); kinds with no rows are absent.
  std::map<std::string, int64_t> problems;
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

// A named lease: while now < expires_at only `holder` may run what the name stands for (a
// connector run: "connector:<source id>"). Times are Unix seconds (UTC) from the caller's clock.
struct Lease {
  std::string name;
  std::string holder;       // who runs it, e.g. "host:pid:random"
  int64_t acquired_at = 0;  // when this holder took it (renewals keep it)
  int64_t expires_at = 0;   // the holder renews before this; after it anyone may take over
};

struct LeaseClaim {
  bool granted = false;
  Lease current;  // ours if granted, else the other holder's
  // Set when granted over a lease whose holder let it expire: that old lease (its run died).
  std::optional<Lease> expired;
};

class IngestLog {
 public:
  IngestLog() = default;
  IngestLog(const IngestLog&) = delete;
  IngestLog& operator=(const IngestLog&) = delete;
  virtual ~IngestLog() = default;

  // --- source records and cursors -----------------------------------------------------------
  // Inserts or updates the record with (source, record_key). Returns true when it is new or its
  // content hash changed, false when unchanged. Fills record->id.
  virtual Result<bool> PutSourceRecord(SourceRecord* record) = 0;
  virtual Result<SourceRecord> GetSourceRecord(const std::string& source,
                                               const std::string& record_key) = 0;
  // GetSourceRecord for many keys in one read (an import batch's): record_key -> record; a key
  // with no record is absent.
  virtual Result<std::map<std::string, SourceRecord>> GetSourceRecords(
      const std::string& source, const std::vector<std::string>& record_keys) = 0;
  // Source records attached to a golden person, in id order.
  virtual Result<std::vector<SourceRecord>> ListSourceRecords(int64_t person_id) = 0;
  // A connector's saved position; "" when it has none.
  virtual Result<std::string> GetCursor(const std::string& source) = 0;
  virtual Status SetCursor(const std::string& source, const std::string& cursor) = 0;

  // --- import runs and quarantine -----------------------------------------------------------
  // AddImportRun fills started_at when empty and returns the id; UpdateImportRun rewrites
  // status, finished_at, counts and message of run.id (kNotFound when missing).
  virtual Result<int64_t> AddImportRun(const ImportRun& run) = 0;
  virtual Status UpdateImportRun(const ImportRun& run) = 0;
  virtual Result<ImportRun> GetImportRun(int64_t id) = 0;
  // Runs of `source` ("" any), id > after_id, oldest first.
  virtual Result<std::vector<ImportRun>> ListImportRuns(const std::string& source,
                                                        int64_t after_id, int limit) = 0;
  // Marks the source's runs still 'running' as 'interrupted' (their process died); returns how
  // many. Call it only while holding the source's lease: then no live run is 'running'.
  virtual Result<int64_t> MarkRunsInterrupted(const std::string& source) = 0;
  virtual Result<int64_t> AddQuarantine(const QuarantinedRow& row) = 0;
  // Quarantined rows of one run (run_id 0: of every run), id > after_id, in id order.
  virtual Result<std::vector<QuarantinedRow>> ListQuarantine(int64_t run_id, int64_t after_id,
                                                             int limit) = 0;

  // --- sources ------------------------------------------------------------------------------
  // PutSourceInfo inserts or replaces; GetSourceInfo is kNotFound for an unknown source.
  virtual Status PutSourceInfo(const SourceInfo& info) = 0;
  virtual Result<SourceInfo> GetSourceInfo(const std::string& source) = 0;

  // --- merges -------------------------------------------------------------------------------
  // Merges person `merged` into `survivor`: tags, provenance, history, source records,
  // memberships' open stay and household heads move to the survivor, the survivor keeps its own
  // current values (callers settle values first), `merged`'s row is deleted and person_alias
  // maps its id to the survivor (and aliases of `merged` are re-pointed). One transaction.
  // kNotFound when either is missing; kInvalidArgument when they are the same person.
  virtual Status MergePersons(int64_t survivor, int64_t merged, const std::string& actor) = 0;
  // The id a person id stands for now: the survivor for a merged id, `id` itself otherwise.
  virtual Result<int64_t> ResolvePersonId(int64_t id) = 0;
  // Records that two persons are different people (order does not matter); KeptApart tells.
  virtual Status KeepApart(int64_t a, int64_t b, const std::string& actor) = 0;
  virtual Result<bool> KeptApart(int64_t a, int64_t b) = 0;

  // --- run leases ---------------------------------------------------------------------------
  // Each call is atomic across connections, processes and instances on one database; call them
  // outside a transaction (inside one they are kFailedPrecondition), so that they commit at
  // once and see what other holders committed. A lease is live while now < expires_at.
  //
  // Takes lease `name` for `holder` until now + ttl_seconds. Granted when it is free or expired
  // (then `expired` is the lease that lapsed) or already held by `holder` (renewed; acquired_at
  // kept). Otherwise not granted, and `current` is the live lease of the other holder. Of many
  // concurrent claims on a free lease exactly one is granted.
  virtual Result<LeaseClaim> AcquireLease(const std::string& name, const std::string& holder,
                                          int64_t now, int64_t ttl_seconds) = 0;
  // Moves the expiry of `holder`'s lease to now + ttl_seconds. kFailedPrecondition when the
  // lease is no longer `holder`'s (taken over after it expired, or released); the message names
  // the holder that has it.
  virtual Status RenewLease(const std::string& name, const std::string& holder, int64_t now,
                            int64_t ttl_seconds) = 0;
  // Frees `holder`'s lease. OK too when it is not held by `holder` (nothing changes then).
  virtual Status ReleaseLease(const std::string& name, const std::string& holder) = 0;
  // The lease row, live or expired; nullopt when nobody holds it.
  virtual Result<std::optional<Lease>> GetLease(const std::string& name) = 0;
};

}  // namespace onetable

#endif  // ONETABLE_STORE_INGEST_LOG_H_

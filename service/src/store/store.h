// Store: the register's persistence, with two backends (SQLite, MySQL/MariaDB) that pass one
// contract suite (tests/contract). It is made of eight interfaces, one per part of the house, so
// that code and test doubles can name the part they use:
//   RegisterStore (store/register_store.h)  the tree, memberships, tags, provenance, review, Scan
//   IngestLog     (store/ingest_log.h)      source records, cursors, import runs, quarantine,
//                                           sources, merges, run leases
//   AuthStore     (store/auth_store.h)      users, sessions, API tokens, login throttling
//   AuditStore    (store/audit_store.h)     the append-only audit log
//   RequestStore  (store/request_store.h)   departments' requests for new tables
//   DeliveryLog   (store/delivery_log.h)    deliveries' batches, receipts and acknowledged state
//   TransferStore (store/transfer_store.h)  requests to move a person in from another grid
//   ProgressStore (store/progress_store.h)  table downloads' progress, shared by instances
// plus what spans them: the schema, transactions and the SQL dialect. StoreWrapper
// (store/store_wrapper.h) forwards all of it to another Store, for test doubles that change one
// method.
//
// Every method reports violations and failures as Status:
//   kNotFound            the row does not exist
//   kConflict            the expected version is stale (someone else wrote first)
//   kAlreadyExists       a unique key is taken (e.g. a person's id_number)
//   kFailedPrecondition  the parent does not exist, or children still exist on delete
//   kUnavailable         the database cannot be reached
//   kAborted             the database rolled the transaction back to break a deadlock (MySQL);
//                        the whole transaction is gone and running it again is safe
//
// Thread-safety: a Store is one connection; use it from one thread at a time. Open one Store
// per thread for concurrency.
#ifndef ONETABLE_STORE_STORE_H_
#define ONETABLE_STORE_STORE_H_

#include <functional>
#include <memory>
#include <string>

#include "model/catalog.h"
#include "onetable/status.h"
#include "store/audit_store.h"
#include "store/auth_store.h"
#include "store/delivery_log.h"
#include "store/ingest_log.h"
#include "store/register_store.h"
#include "store/progress_store.h"
#include "store/request_store.h"
#include "store/transfer_store.h"

namespace onetable {

class Store : public RegisterStore,
              public IngestLog,
              public AuthStore,
              public AuditStore,
              public RequestStore,
              public DeliveryLog,
              public TransferStore,
              public ProgressStore {
 public:
  Store() = default;
  ~Store() override = default;

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
  // its Status (or the commit's error, with nothing stored). Nested calls join the outer
  // transaction.
  virtual Status InTransaction(const std::function<Status()>& fn) = 0;

  // --- encryption at rest (crypto/encrypted_fields.h) ---------------------------------------
  // Seals up to `batch` stored values that are in clear or under another key than the newest
  // (converting a store written in clear, or moving it to a new key after `key rotate`), in one
  // transaction; returns how many it rewrote, 0 when none is left. Values already under the
  // newest key are skipped, so a run killed half-way resumes where it stopped.
  // kFailedPrecondition without data keys; a value under a key the ring lacks stops it with
  // that value's decryption error.
  virtual Result<int64_t> ReencryptBatch(int batch) {
    (void)batch;
    return Status::Precondition("该登记库不支持加密");
  }
  // After values were re-encrypted: removes what the old forms left in the database file
  // (SQLite: VACUUM, then the WAL checkpointed and truncated). Outside any transaction.
  virtual Status ScrubFreedSpace() { return Status::Ok(); }
  // Whether the process's data keys fit this store, before anything is written: the store keeps
  // a value sealed under its keys (recorded the first time keys are used on it). kFailedPrecondition
  // when that value cannot be opened (another key file: writing would mix keys) or when an
  // encrypted store is opened without keys (writing would store values in clear).
  virtual Status CheckDataKeys() { return Status::Ok(); }
};

// Opens a store from a URL: "sqlite:PATH" (created if missing) or
// "mysql://user:pass@host:port/db" / "mysql://user:pass@localhost/db?socket=/path".
// `catalog` must outlive the store. Does not migrate. Errors name the URL (without password).
Result<std::unique_ptr<Store>> OpenStore(const std::string& url, const Catalog& catalog);

}  // namespace onetable

#endif  // ONETABLE_STORE_STORE_H_

// Deliveries in SQL (schema/sql/*/0011_delivery.sql). Portable statements only: "upserts" are an
// UPDATE and, when it touched no row, an INSERT; every writer of one delivery's batches and state
// holds the delivery's run lease, so the two steps do not race there.
#include <algorithm>
#include <set>

#include "store/sql_store.h"

namespace onetable {
namespace {

// State rows read per page by ScanDeliveryState.
constexpr int kStatePage = 5000;

const char kBatchColumns[] =
    "SELECT id, delivery, seq, status, upserts, deletes, attempts, last_status, response_code, "
    "created_at, acked_at";

// A delivery's state rows, the rest of the WHERE to follow; ReadStates reads what it selects.
const char kSelectStates[] =
    "SELECT key_hash, row_hash, key_text, row_id FROM delivery_state WHERE delivery = ? AND ";

// Every row of a statement selecting kSelectStates, its key opened by `unseal`; the statement
// is reset once read, so `visit`ors may use the store.
template <typename Unseal>
Result<std::vector<DeliveryKeyState>> ReadStates(SqlStatement* s, const Unseal& unseal) {
  std::vector<DeliveryKeyState> page;
  while (true) {
    ASSIGN_OR_RETURN(bool found, s->Step());
    if (!found) break;
    ASSIGN_OR_RETURN(std::string key_text, unseal(s->Text(2).value_or("")));
    page.push_back({s->Text(0).value_or(""), s->Text(1).value_or(""), key_text, s->Int(3)});
  }
  s->Reset();
  return page;
}

}  // namespace

Status SqlStore::AddDeliveryBatch(DeliveryBatch* batch) {
  return InTransaction([&]() -> Status {
    const int64_t seq = batch->seq;
    batch->created_at = NowUtc();
    ASSIGN_OR_RETURN(
        SqlStatement * s,
        Stmt("INSERT INTO delivery_batch (delivery, seq, status, upserts, deletes, attempts, "
             "last_status, response_code, created_at, acked_at, body, state) VALUES "
             "(?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)"));
    s->BindText(1, batch->delivery);
    s->BindInt(2, seq);
    s->BindText(3, batch->status.empty() ? kBatchPending : batch->status);
    s->BindInt(4, batch->upserts);
    s->BindInt(5, batch->deletes);
    s->BindInt(6, batch->attempts);
    s->BindText(7, batch->last_status);
    s->BindInt(8, batch->response_code);
    s->BindText(9, batch->created_at);
    // The content goes to delivery_batch_content (0021), so acknowledging the receipt row does
    // not rewrite it.
    s->BindText(10, "");
    s->BindText(11, "");
    RETURN_IF_ERROR(s->Execute().status());
    ASSIGN_OR_RETURN(batch->id, db_->LastInsertId());
    ASSIGN_OR_RETURN(std::string body, Seal(batch->body));
    ASSIGN_OR_RETURN(std::string state, Seal(batch->state));
    ASSIGN_OR_RETURN(SqlStatement * c, Stmt("INSERT INTO delivery_batch_content (batch_id, body, "
                                            "state) VALUES (?, ?, ?)"));
    c->BindInt(1, batch->id);
    c->BindText(2, body);
    c->BindText(3, state);
    return c->Execute().status();
  });
}

Result<int64_t> SqlStore::LastDeliverySeq(const std::string& delivery) {
  ASSIGN_OR_RETURN(SqlStatement * q,
                   Stmt("SELECT MAX(seq) FROM delivery_batch WHERE delivery = ?"));
  q->BindText(1, delivery);
  ASSIGN_OR_RETURN(bool row, q->Step());
  const int64_t seq = row ? q->Int(0) : 0;
  q->Reset();
  return seq;
}

Result<std::vector<DeliveryBatch>> SqlStore::ListDeliveryBatches(const std::string& delivery,
                                                                 const std::string& status,
                                                                 int64_t after_seq, int limit,
                                                                 bool with_body) {
  // A batch from before 0021 has its content in delivery_batch itself.
  std::string sql = std::string(kBatchColumns) +
                    (with_body ? ", COALESCE(c.body, b.body), COALESCE(c.state, b.state) FROM "
                                 "delivery_batch b LEFT JOIN delivery_batch_content c ON "
                                 "c.batch_id = b.id"
                               : " FROM delivery_batch") +
                    " WHERE delivery = ? AND seq > ?" + (status.empty() ? "" : " AND status = ?") +
                    " ORDER BY seq LIMIT " + std::to_string(limit < 1 ? 1 : limit);
  ASSIGN_OR_RETURN(SqlStatement * s, Stmt(sql));
  s->BindText(1, delivery);
  s->BindInt(2, after_seq);
  if (!status.empty()) s->BindText(3, status);
  std::vector<DeliveryBatch> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    DeliveryBatch b;
    b.id = s->Int(0);
    b.delivery = s->Text(1).value_or("");
    b.seq = s->Int(2);
    b.status = s->Text(3).value_or("");
    b.upserts = s->Int(4);
    b.deletes = s->Int(5);
    b.attempts = s->Int(6);
    b.last_status = s->Text(7).value_or("");
    b.response_code = static_cast<int>(s->Int(8));
    b.created_at = s->Text(9).value_or("");
    b.acked_at = s->Text(10).value_or("");
    if (with_body) {
      ASSIGN_OR_RETURN(b.body, Unseal(s->Text(11).value_or("")));
      ASSIGN_OR_RETURN(b.state, Unseal(s->Text(12).value_or("")));
    }
    out.push_back(std::move(b));
  }
  s->Reset();
  return out;
}

Result<int64_t> SqlStore::CountDeliveryBatches(const std::string& delivery,
                                               const std::string& status, int64_t* changes) {
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("SELECT COUNT(*), SUM(upserts + deletes) FROM delivery_batch "
                        "WHERE delivery = ? AND status = ?"));
  s->BindText(1, delivery);
  s->BindText(2, status);
  ASSIGN_OR_RETURN(bool row, s->Step());
  const int64_t n = row ? s->Int(0) : 0;
  if (changes) *changes = row ? s->Int(1) : 0;
  s->Reset();
  return n;
}

Status SqlStore::RecordDeliveryAttempt(int64_t batch_id, const std::string& status,
                                       int64_t attempts, const std::string& last_status,
                                       int response_code) {
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("UPDATE delivery_batch SET status = ?, attempts = ?, last_status = ?, "
                        "response_code = ? WHERE id = ? AND status <> 'acked'"));
  s->BindText(1, status);
  s->BindInt(2, attempts);
  s->BindText(3, last_status);
  s->BindInt(4, response_code);
  s->BindInt(5, batch_id);
  ASSIGN_OR_RETURN(int64_t n, s->Execute());
  if (n == 1) return Status::Ok();
  ASSIGN_OR_RETURN(SqlStatement * q, Stmt("SELECT status FROM delivery_batch WHERE id = ?"));
  q->BindInt(1, batch_id);
  ASSIGN_OR_RETURN(bool row, q->Step());
  q->Reset();
  if (!row) return Status::NotFound("批次 " + std::to_string(batch_id) + " 不存在");
  return Status::Precondition("批次 " + std::to_string(batch_id) + " 已确认接收");
}

Status SqlStore::AckDeliveryBatch(int64_t batch_id, int64_t attempts,
                                  const std::string& last_status, int response_code,
                                  const std::vector<DeliveryKeyState>& upserts,
                                  const std::vector<std::string>& delete_hashes) {
  return InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(SqlStatement * q,
                     Stmt("SELECT delivery, status FROM delivery_batch WHERE id = ?"));
    q->BindInt(1, batch_id);
    ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) {
      q->Reset();
      return Status::NotFound("批次 " + std::to_string(batch_id) + " 不存在");
    }
    const std::string delivery = q->Text(0).value_or("");
    const bool acked = q->Text(1).value_or("") == kBatchAcked;
    q->Reset();
    if (acked) return Status::Ok();
    ASSIGN_OR_RETURN(SqlStatement * s,
                     Stmt("UPDATE delivery_batch SET status = 'acked', attempts = ?, "
                          "last_status = ?, response_code = ?, acked_at = ? WHERE id = ?"));
    s->BindInt(1, attempts);
    s->BindText(2, last_status);
    s->BindInt(3, response_code);
    s->BindText(4, NowUtc());
    s->BindInt(5, batch_id);
    RETURN_IF_ERROR(s->Execute().status());
    // In the receipts' own order (0022: by row, then key), so each page of them is read and
    // rewritten once however the table's rows were sorted.
    std::vector<const DeliveryKeyState*> ordered;
    ordered.reserve(upserts.size());
    for (const DeliveryKeyState& k : upserts) ordered.push_back(&k);
    std::sort(ordered.begin(), ordered.end(),
              [](const DeliveryKeyState* a, const DeliveryKeyState* b) {
                return a->row_id != b->row_id ? a->row_id < b->row_id : a->key_hash < b->key_hash;
              });
    for (const DeliveryKeyState* kp : ordered) {
      const DeliveryKeyState& k = *kp;
      // Mostly a key the target has, from the same row: only its row hash changes, in place (the
      // primary key names the receipt; key_text holds the same key already). SQLite would take
      // the key-hash index, a second tree, unless a unary plus keeps it on the primary key
      // (InnoDB takes the primary key anyway, and MariaDB has no unary plus on strings).
      ASSIGN_OR_RETURN(SqlStatement * same,
                       Stmt(std::string("UPDATE delivery_state SET row_hash = ? WHERE delivery = ? "
                                        "AND row_id = ? AND ") +
                            (db_->Dialect() == "sqlite" ? "+key_hash" : "key_hash") + " = ?"));
      same->BindText(1, k.row_hash);
      same->BindText(2, delivery);
      same->BindInt(3, k.row_id);
      same->BindText(4, k.key_hash);
      ASSIGN_OR_RETURN(int64_t n, same->Execute());
      if (n > 0) continue;
      ASSIGN_OR_RETURN(SqlStatement * u,
                       Stmt("UPDATE delivery_state SET row_hash = ?, key_text = ?, row_id = ? "
                            "WHERE delivery = ? AND key_hash = ?"));
      u->BindText(1, k.row_hash);
      ASSIGN_OR_RETURN(std::string key_text, Seal(k.key));
      u->BindText(2, key_text);
      u->BindInt(3, k.row_id);
      u->BindText(4, delivery);
      u->BindText(5, k.key_hash);
      ASSIGN_OR_RETURN(n, u->Execute());
      if (n > 0) continue;
      ASSIGN_OR_RETURN(SqlStatement * i,
                       Stmt("INSERT INTO delivery_state (delivery, key_hash, row_hash, key_text, "
                            "row_id) VALUES (?, ?, ?, ?, ?)"));
      i->BindText(1, delivery);
      i->BindText(2, k.key_hash);
      i->BindText(3, k.row_hash);
      i->BindText(4, key_text);
      i->BindInt(5, k.row_id);
      RETURN_IF_ERROR(i->Execute().status());
    }
    for (const std::string& hash : delete_hashes) {
      ASSIGN_OR_RETURN(SqlStatement * d,
                       Stmt("DELETE FROM delivery_state WHERE delivery = ? AND key_hash = ?"));
      d->BindText(1, delivery);
      d->BindText(2, hash);
      RETURN_IF_ERROR(d->Execute().status());
    }
    return Status::Ok();
  });
}

Result<int64_t> SqlStore::RetryDeliveryBatches(const std::string& delivery) {
  ASSIGN_OR_RETURN(SqlStatement * s, Stmt("UPDATE delivery_batch SET status = 'pending' "
                                          "WHERE delivery = ? AND status = 'failed'"));
  s->BindText(1, delivery);
  return s->Execute();
}

Status SqlStore::ScanDeliveryState(const std::string& delivery,
                                   const std::function<Status(const DeliveryKeyState&)>& visit) {
  // In primary-key order (0022: row, then key), so the pages are read in sequence. A page ends
  // inside a row's keys at most: the rest of that row's keys come first, then the rows after
  // it (two range queries on the primary key; one with a row value would not be portable).
  auto unseal = [this](std::string v) { return Unseal(std::move(v)); };
  int64_t row = -1;
  std::string after;
  bool within = false;  // reading the rest of `row`'s keys
  while (true) {
    ASSIGN_OR_RETURN(SqlStatement * s,
                     Stmt(std::string(kSelectStates) +
                          (within ? "row_id = ? AND key_hash > ? ORDER BY key_hash"
                                  : "row_id > ? ORDER BY row_id, key_hash") +
                          " LIMIT " + std::to_string(kStatePage)));
    s->BindText(1, delivery);
    s->BindInt(2, row);
    if (within) s->BindText(3, after);
    ASSIGN_OR_RETURN(std::vector<DeliveryKeyState> page, ReadStates(s, unseal));
    for (const DeliveryKeyState& k : page) RETURN_IF_ERROR(visit(k));
    if (static_cast<int>(page.size()) < kStatePage) {
      if (!within) return Status::Ok();
      within = false;  // that row is done: on to the rows after it
      continue;
    }
    row = page.back().row_id;
    after = page.back().key_hash;
    within = true;
  }
}

Status SqlStore::ScanDeliveryStateFor(
    const std::string& delivery, const std::vector<int64_t>& row_ids,
    const std::vector<std::string>& key_hashes,
    const std::function<Status(const DeliveryKeyState&)>& visit) {
  // In chunks of bound parameters (well under both dialects' limits); the rows are read whole
  // before `visit` runs, so it may use the store. A key found by both lists comes once.
  constexpr size_t kChunk = 500;
  std::set<std::string> seen;
  auto run = [&](const char* column, size_t n, const std::function<void(SqlStatement*, int, size_t)>& bind,
                 size_t total) -> Status {
    for (size_t at = 0; at < total; at += n) {
      const size_t count = std::min(n, total - at);
      std::string marks;
      for (size_t i = 0; i < count; ++i) marks += i ? ", ?" : "?";
      ASSIGN_OR_RETURN(SqlStatement * s,
                       Stmt(std::string(kSelectStates) + column + " IN (" + marks + ")"));
      s->BindText(1, delivery);
      for (size_t i = 0; i < count; ++i) bind(s, static_cast<int>(i) + 2, at + i);
      ASSIGN_OR_RETURN(std::vector<DeliveryKeyState> page,
                       ReadStates(s, [this](std::string v) { return Unseal(std::move(v)); }));
      for (const DeliveryKeyState& k : page) {
        if (seen.insert(k.key_hash).second) RETURN_IF_ERROR(visit(k));
      }
    }
    return Status::Ok();
  };
  RETURN_IF_ERROR(run(
      "row_id", kChunk,
      [&](SqlStatement* s, int i, size_t at) { s->BindInt(i, row_ids[at]); }, row_ids.size()));
  // Only the keys the rows did not bring: a regenerated person mostly keeps his key, so this is
  // usually empty instead of a second lookup of every key.
  std::vector<const std::string*> rest;
  for (const std::string& h : key_hashes) {
    if (!seen.count(h)) rest.push_back(&h);
  }
  return run(
      "key_hash", kChunk, [&](SqlStatement* s, int i, size_t at) { s->BindText(i, *rest[at]); },
      rest.size());
}

Result<int64_t> SqlStore::CountDeliveryStateWithoutRow(const std::string& delivery) {
  ASSIGN_OR_RETURN(SqlStatement * s, Stmt("SELECT COUNT(*) FROM delivery_state WHERE "
                                          "delivery = ? AND row_id = 0"));
  s->BindText(1, delivery);
  ASSIGN_OR_RETURN(bool row, s->Step());
  const int64_t n = row ? s->Int(0) : 0;
  s->Reset();
  return n;
}

Result<DeliveryBasis> SqlStore::GetDeliveryBasis(const std::string& delivery) {
  ASSIGN_OR_RETURN(SqlStatement * s, Stmt("SELECT fingerprint, changes_from, full_at FROM "
                                          "delivery_basis WHERE delivery = ?"));
  s->BindText(1, delivery);
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) {
    s->Reset();
    return Status::NotFound("推送 " + delivery + " 尚无完成的计划");
  }
  DeliveryBasis b{s->Text(0).value_or(""), s->Text(1).value_or(""), s->Int(2)};
  s->Reset();
  return b;
}

Status SqlStore::SetDeliveryBasis(const std::string& delivery, const DeliveryBasis& basis) {
  auto update = [&]() -> Result<int64_t> {
    ASSIGN_OR_RETURN(SqlStatement * s,
                     Stmt("UPDATE delivery_basis SET fingerprint = ?, changes_from = ?, "
                          "full_at = ? WHERE delivery = ?"));
    s->BindText(1, basis.fingerprint);
    s->BindText(2, basis.changes_from);
    s->BindInt(3, basis.full_at);
    s->BindText(4, delivery);
    return s->Execute();
  };
  auto insert = [&]() -> Status {
    ASSIGN_OR_RETURN(SqlStatement * s,
                     Stmt("INSERT INTO delivery_basis (delivery, fingerprint, changes_from, "
                          "full_at) VALUES (?, '', '', 0)"));
    s->BindText(1, delivery);
    return s->Execute().status();
  };
  ASSIGN_OR_RETURN(int64_t n, update());
  if (n > 0) return Status::Ok();
  Status st = insert();
  if (!st.ok() && st.code() != StatusCode::kAlreadyExists) return st;
  return update().status();
}

Result<DeliveryControl> SqlStore::GetDeliveryControl(const std::string& delivery) {
  ASSIGN_OR_RETURN(SqlStatement * s, Stmt("SELECT paused, last_run_at, last_success_at, last_error "
                                          "FROM delivery_control WHERE delivery = ?"));
  s->BindText(1, delivery);
  DeliveryControl c;
  c.delivery = delivery;
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (row) {
    c.paused = s->Int(0) != 0;
    c.last_run_at = s->Int(1);
    c.last_success_at = s->Int(2);
    c.last_error = s->Text(3).value_or("");
  }
  s->Reset();
  return c;
}

namespace {

// Runs `update`; when it touched no row, inserts the control row with defaults and runs it again
// (a concurrent insert of the same row is fine: the update then finds it).
template <typename Update, typename Insert>
Status UpdateOrInsert(Update update, Insert insert) {
  ASSIGN_OR_RETURN(int64_t n, update());
  if (n > 0) return Status::Ok();
  Status st = insert();
  if (!st.ok() && st.code() != StatusCode::kAlreadyExists) return st;
  return update().status();
}

}  // namespace

Status SqlStore::SetDeliveryPaused(const std::string& delivery, bool paused) {
  auto update = [&]() -> Result<int64_t> {
    ASSIGN_OR_RETURN(SqlStatement * s,
                     Stmt("UPDATE delivery_control SET paused = ? WHERE delivery = ?"));
    s->BindInt(1, paused ? 1 : 0);
    s->BindText(2, delivery);
    return s->Execute();
  };
  return UpdateOrInsert(update, [&]() { return InsertDeliveryControl(delivery); });
}

Status SqlStore::RecordDeliveryRun(const std::string& delivery, int64_t run_at,
                                   const std::string& error) {
  auto update = [&]() -> Result<int64_t> {
    ASSIGN_OR_RETURN(SqlStatement * s,
                     Stmt(error.empty() ? "UPDATE delivery_control SET last_run_at = ?, "
                                          "last_success_at = ?, last_error = ? WHERE delivery = ?"
                                        : "UPDATE delivery_control SET last_run_at = ?, "
                                          "last_error = ? WHERE delivery = ?"));
    int i = 1;
    s->BindInt(i++, run_at);
    if (error.empty()) s->BindInt(i++, run_at);
    s->BindText(i++, error);
    s->BindText(i++, delivery);
    return s->Execute();
  };
  return UpdateOrInsert(update, [&]() { return InsertDeliveryControl(delivery); });
}

Status SqlStore::InsertDeliveryControl(const std::string& delivery) {
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("INSERT INTO delivery_control (delivery, paused, last_run_at, "
                        "last_success_at, last_error) VALUES (?, 0, 0, 0, '')"));
  s->BindText(1, delivery);
  return s->Execute().status();
}

}  // namespace onetable

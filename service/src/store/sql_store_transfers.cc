// Transfer requests in SQL (schema/sql/*/0020_transfers_progress.sql).
#include "store/sql_store.h"

namespace onetable {
namespace {

constexpr char kColumns[] =
    "id, person_id, from_grid_id, to_household_id, to_grid_id, requester_id, requester, reason, "
    "state, decider, decision_reason, created_at, decided_at, version";

TransferRecord ReadTransfer(SqlStatement* s) {
  TransferRecord r;
  int i = 0;
  r.id = s->Int(i++);
  r.person_id = s->Int(i++);
  r.from_grid_id = s->Int(i++);
  r.to_household_id = s->Int(i++);
  r.to_grid_id = s->Int(i++);
  r.requester_id = s->Int(i++);
  r.requester = s->Text(i++).value_or("");
  r.reason = s->Text(i++).value_or("");
  r.state = s->Text(i++).value_or("");
  r.decider = s->Text(i++).value_or("");
  r.decision_reason = s->Text(i++).value_or("");
  r.created_at = s->Text(i++).value_or("");
  r.decided_at = s->Text(i++).value_or("");
  r.version = s->Int(i++);
  return r;
}

}  // namespace

Result<int64_t> SqlStore::AddTransfer(const TransferRecord& r) {
  int64_t id = 0;
  RETURN_IF_ERROR(InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(
        SqlStatement * s,
        Stmt("INSERT INTO person_transfer (person_id, from_grid_id, to_household_id, to_grid_id, "
             "requester_id, requester, reason, state, decider, decision_reason, created_at, "
             "decided_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', '', ?, '', 1)"));
    int i = 1;
    s->BindInt(i++, r.person_id);
    s->BindInt(i++, r.from_grid_id);
    s->BindInt(i++, r.to_household_id);
    s->BindInt(i++, r.to_grid_id);
    s->BindInt(i++, r.requester_id);
    s->BindText(i++, r.requester);
    s->BindText(i++, r.reason);
    s->BindText(i++, kTransferPending);
    s->BindText(i++, NowUtc());
    RETURN_IF_ERROR(s->Execute().status());
    ASSIGN_OR_RETURN(id, db_->LastInsertId());
    return Status::Ok();
  }));
  return id;
}

Result<TransferRecord> SqlStore::GetTransfer(int64_t id) {
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt(std::string("SELECT ") + kColumns + " FROM person_transfer WHERE id = ?"));
  s->BindInt(1, id);
  ASSIGN_OR_RETURN(bool found, s->Step());
  if (!found) return Status::NotFound("迁入申请 " + std::to_string(id) + " 不存在");
  TransferRecord r = ReadTransfer(s);
  s->Reset();
  return r;
}

Result<std::vector<TransferRecord>> SqlStore::ListTransfers(const TransferQuery& q) {
  // One statement for every filter: "" / 0 means "any" for each.
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt(std::string("SELECT ") + kColumns +
                        " FROM person_transfer WHERE (? = '' OR state = ?) AND "
                        "(? = 0 OR requester_id = ?) AND (? = 0 OR person_id = ?) AND "
                        "(? = 0 OR id < ?) ORDER BY id DESC LIMIT " +
                        std::to_string(q.limit <= 0 ? 100 : q.limit)));
  s->BindText(1, q.state);
  s->BindText(2, q.state);
  s->BindInt(3, q.requester_id);
  s->BindInt(4, q.requester_id);
  s->BindInt(5, q.person_id);
  s->BindInt(6, q.person_id);
  s->BindInt(7, q.before_id);
  s->BindInt(8, q.before_id);
  std::vector<TransferRecord> out;
  while (true) {
    Result<bool> more = s->Step();
    if (!more.ok()) {
      s->Reset();
      return more.status();
    }
    if (!*more) break;
    out.push_back(ReadTransfer(s));
  }
  s->Reset();
  return out;
}

Status SqlStore::DecideTransfer(TransferRecord* r) {
  ASSIGN_OR_RETURN(
      SqlStatement * s,
      Stmt("UPDATE person_transfer SET state = ?, decider = ?, decision_reason = ?, "
           "decided_at = ?, version = version + 1 WHERE id = ? AND version = ? AND state = ?"));
  const std::string now = NowUtc();
  s->BindText(1, r->state);
  s->BindText(2, r->decider);
  s->BindText(3, r->decision_reason);
  s->BindText(4, now);
  s->BindInt(5, r->id);
  s->BindInt(6, r->version);
  s->BindText(7, kTransferPending);
  ASSIGN_OR_RETURN(int64_t n, s->Execute());
  if (n == 0) return StaleOrMissing("person_transfer", "迁入申请", r->id);
  r->version += 1;
  r->decided_at = now;
  return Status::Ok();
}

}  // namespace onetable

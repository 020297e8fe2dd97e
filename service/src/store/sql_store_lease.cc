// Run leases in SQL (schema/sql/*/0005_run_lease.sql). Every change is one statement in autocommit
// that names the state it expects (compare-and-set on holder and expiry), so of two processes
// racing for one lease the database lets exactly one statement match; the other sees zero rows
// (or a duplicate key) and reads again what won.
#include "store/sql_store.h"

namespace onetable {
namespace {

// A claim that keeps losing races is given up after this many reads (each loss means another
// holder committed a change, so the next read almost always settles it).
constexpr int kClaimAttempts = 5;

}  // namespace

Status SqlStore::OutsideTransaction(const char* what) const {
  if (tx_depth_ == 0) return Status::Ok();
  return Status::Precondition(std::string(what) + " must not run inside a transaction");
}

Result<std::optional<Lease>> SqlStore::GetLease(const std::string& name) {
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("SELECT holder, acquired_at, expires_at FROM run_lease WHERE name = ?"));
  s->BindText(1, name);
  ASSIGN_OR_RETURN(bool found, s->Step());
  if (!found) return std::optional<Lease>();
  Lease lease;
  lease.name = name;
  lease.holder = s->Text(0).value_or("");
  lease.acquired_at = s->Int(1);
  lease.expires_at = s->Int(2);
  s->Reset();
  return std::optional<Lease>(std::move(lease));
}

Result<LeaseClaim> SqlStore::AcquireLease(const std::string& name, const std::string& holder,
                                          int64_t now, int64_t ttl_seconds) {
  RETURN_IF_ERROR(OutsideTransaction("AcquireLease"));
  const int64_t until = now + ttl_seconds;
  for (int attempt = 0; attempt < kClaimAttempts; ++attempt) {
    ASSIGN_OR_RETURN(std::optional<Lease> current, GetLease(name));
    LeaseClaim claim;
    if (!current) {
      ASSIGN_OR_RETURN(SqlStatement * s, Stmt("INSERT INTO run_lease (name, holder, acquired_at, "
                                              "expires_at) VALUES (?, ?, ?, ?)"));
      s->BindText(1, name);
      s->BindText(2, holder);
      s->BindInt(3, now);
      s->BindInt(4, until);
      Status st = s->Execute().status();
      if (st.code() == StatusCode::kAlreadyExists) continue;  // another claim inserted first
      RETURN_IF_ERROR(st);
      claim.granted = true;
      claim.current = {name, holder, now, until};
      return claim;
    }
    if (current->holder != holder && now < current->expires_at) {
      claim.current = std::move(*current);
      return claim;
    }
    // Ours (renewed, acquired_at kept) or expired (taken over): only if nobody changed it since.
    const bool ours = current->holder == holder;
    ASSIGN_OR_RETURN(SqlStatement * s,
                     Stmt("UPDATE run_lease SET holder = ?, acquired_at = ?, expires_at = ? "
                          "WHERE name = ? AND holder = ? AND expires_at = ?"));
    s->BindText(1, holder);
    s->BindInt(2, ours ? current->acquired_at : now);
    s->BindInt(3, until);
    s->BindText(4, name);
    s->BindText(5, current->holder);
    s->BindInt(6, current->expires_at);
    ASSIGN_OR_RETURN(int64_t n, s->Execute());
    if (n == 0) continue;
    claim.granted = true;
    claim.current = {name, holder, ours ? current->acquired_at : now, until};
    if (!ours) claim.expired = std::move(*current);
    return claim;
  }
  return Status::Aborted("租约 " + name + " 争用激烈，未能取得，请重试");
}

Status SqlStore::RenewLease(const std::string& name, const std::string& holder, int64_t now,
                            int64_t ttl_seconds) {
  RETURN_IF_ERROR(OutsideTransaction("RenewLease"));
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("UPDATE run_lease SET expires_at = ? WHERE name = ? AND holder = ?"));
  s->BindInt(1, now + ttl_seconds);
  s->BindText(2, name);
  s->BindText(3, holder);
  ASSIGN_OR_RETURN(int64_t n, s->Execute());
  if (n == 1) return Status::Ok();
  ASSIGN_OR_RETURN(std::optional<Lease> current, GetLease(name));
  if (!current) return Status::Precondition("租约 " + name + " 已不属于 " + holder + "：已释放");
  return Status::Precondition("租约 " + name + " 已不属于 " + holder + "：现由 " + current->holder +
                              " 持有");
}

Status SqlStore::ReleaseLease(const std::string& name, const std::string& holder) {
  RETURN_IF_ERROR(OutsideTransaction("ReleaseLease"));
  ASSIGN_OR_RETURN(SqlStatement * s, Stmt("DELETE FROM run_lease WHERE name = ? AND holder = ?"));
  s->BindText(1, name);
  s->BindText(2, holder);
  return s->Execute().status();
}

}  // namespace onetable

// The review queue and users with their scopes and grants in SQL.
#include "store/sql_store.h"

namespace onetable {
namespace {

void BindOpt(SqlStatement* s, int i, const std::string& v) {
  if (v.empty()) s->BindNull(i); else s->BindText(i, v);
}

const char kReviewColumns[] =
    "SELECT id, kind, status, entity, entity_id, other_id, field, detail, created_at, "
    "resolved_by, resolution, version FROM review_item";

ReviewItem ReadReview(SqlStatement* s) {
  ReviewItem r;
  r.id = s->Int(0);
  r.kind = s->Text(1).value_or("");
  r.status = s->Text(2).value_or("");
  r.entity = ParseEntityKind(s->Text(3).value_or("person")).value_or(EntityKind::kPerson);
  r.entity_id = s->Int(4);
  r.other_id = s->Int(5);
  r.field = s->Text(6).value_or("");
  r.detail = s->Text(7).value_or("");
  r.created_at = s->Text(8).value_or("");
  r.resolved_by = s->Text(9).value_or("");
  r.resolution = s->Text(10).value_or("");
  r.version = s->Int(11);
  return r;
}

}  // namespace

// --- review queue ----------------------------------------------------------------------------

Result<int64_t> SqlStore::AddReview(const ReviewItem& item) {
  int64_t id = 0;
  Status st = InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(SqlStatement * s,
                     Stmt("INSERT INTO review_item (kind, status, entity, entity_id, other_id, "
                          "field, detail, created_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)"));
    s->BindText(1, item.kind);
    s->BindText(2, item.status.empty() ? "open" : item.status);
    s->BindText(3, EntityName(item.entity));
    s->BindInt(4, item.entity_id);
    if (item.other_id) s->BindInt(5, item.other_id); else s->BindNull(5);
    BindOpt(s, 6, item.field);
    if (item.detail.empty()) {
      s->BindNull(7);
    } else {
      ASSIGN_OR_RETURN(std::string detail, Seal(item.detail));
      s->BindText(7, detail);
    }
    s->BindText(8, item.created_at.empty() ? NowUtc() : item.created_at);
    RETURN_IF_ERROR(s->Execute().status());
    ASSIGN_OR_RETURN(id, db_->LastInsertId());
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return id;
}

Result<std::vector<ReviewItem>> SqlStore::ListReview(const std::string& status, int64_t after_id,
                                                     int limit) {
  std::string sql = std::string(kReviewColumns) + " WHERE id > ?";
  if (!status.empty()) sql += " AND status = ?";
  sql += " ORDER BY id LIMIT " + std::to_string(limit <= 0 ? 100 : limit);
  ASSIGN_OR_RETURN(SqlStatement * s, Stmt(sql));
  s->BindInt(1, after_id);
  if (!status.empty()) s->BindText(2, status);
  std::vector<ReviewItem> out;
  while (true) {
    ASSIGN_OR_RETURN(bool more, s->Step());
    if (!more) break;
    ReviewItem r = ReadReview(s);
    ASSIGN_OR_RETURN(r.detail, Unseal(std::move(r.detail)));
    out.push_back(std::move(r));
  }
  return out;
}

Result<ReviewItem> SqlStore::GetReview(int64_t id) {
  ASSIGN_OR_RETURN(SqlStatement * s, Stmt(std::string(kReviewColumns) + " WHERE id = ?"));
  s->BindInt(1, id);
  ASSIGN_OR_RETURN(bool found, s->Step());
  if (!found) return Status::NotFound("待核实事项 " + std::to_string(id) + " 不存在");
  ReviewItem r = ReadReview(s);
  s->Reset();
  ASSIGN_OR_RETURN(r.detail, Unseal(std::move(r.detail)));
  return r;
}

Status SqlStore::ResolveReview(int64_t id, int64_t expected_version, const std::string& status,
                               const std::string& resolution, const std::string& actor) {
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("UPDATE review_item SET status = ?, resolution = ?, resolved_by = ?, "
                        "resolved_at = ?, version = version + 1 WHERE id = ? AND version = ? "
                        "AND status = 'open'"));
  s->BindText(1, status);
  BindOpt(s, 2, resolution);
  s->BindText(3, actor);
  s->BindText(4, NowUtc());
  s->BindInt(5, id);
  s->BindInt(6, expected_version);
  ASSIGN_OR_RETURN(int64_t n, s->Execute());
  if (n > 0) return Status::Ok();
  ASSIGN_OR_RETURN(ReviewItem current, GetReview(id));
  if (current.status != "open") return Status::Conflict("该待核实事项已由他人处理");
  return StaleOrMissing("review_item", "待核实事项", id);
}

// --- users -------------------------------------------------------------------------------------

Result<std::vector<std::string>> SqlStore::ReadStrings(const std::string& sql, int64_t id) {
  ASSIGN_OR_RETURN(SqlStatement * s, Stmt(sql));
  s->BindInt(1, id);
  std::vector<std::string> out;
  while (true) {
    ASSIGN_OR_RETURN(bool more, s->Step());
    if (!more) break;
    out.push_back(s->Text(0).value_or(""));
  }
  return out;
}

Status SqlStore::WriteUserLists(const User& user) {
  for (const char* table : {"user_scope", "user_grant"}) {
    ASSIGN_OR_RETURN(SqlStatement * d,
                     Stmt(std::string("DELETE FROM ") + table + " WHERE user_id = ?"));
    d->BindInt(1, user.id);
    RETURN_IF_ERROR(d->Execute().status());
  }
  for (const auto& code : user.scopes) {
    ASSIGN_OR_RETURN(SqlStatement * s,
                     Stmt("INSERT INTO user_scope (user_id, code) VALUES (?, ?)"));
    s->BindInt(1, user.id);
    s->BindText(2, code);
    RETURN_IF_ERROR(s->Execute().status());
  }
  for (const auto& mapping : user.grants) {
    ASSIGN_OR_RETURN(SqlStatement * s,
                     Stmt("INSERT INTO user_grant (user_id, mapping_id) VALUES (?, ?)"));
    s->BindInt(1, user.id);
    s->BindText(2, mapping);
    RETURN_IF_ERROR(s->Execute().status());
  }
  return Status::Ok();
}

Result<int64_t> SqlStore::AddUser(const User& user) {
  User u = user;
  Status st = InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(SqlStatement * s,
                     Stmt("INSERT INTO app_user (name, role, display_name, password_hash, "
                          "disabled, version) VALUES (?, ?, ?, ?, ?, 1)"));
    s->BindText(1, u.name);
    s->BindText(2, u.role);
    BindOpt(s, 3, u.display_name);
    s->BindText(4, u.password_hash);
    s->BindInt(5, u.disabled ? 1 : 0);
    Status ex = s->Execute().status();
    if (ex.code() == StatusCode::kAlreadyExists) {
      return Status::Exists("用户名 " + u.name + " 已存在");
    }
    RETURN_IF_ERROR(ex);
    ASSIGN_OR_RETURN(u.id, db_->LastInsertId());
    return WriteUserLists(u);
  });
  if (!st.ok()) return st;
  return u.id;
}

Result<User> SqlStore::GetUser(const std::string& name) {
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt("SELECT id, name, role, display_name, password_hash, disabled, version "
                        "FROM app_user WHERE name = ?"));
  s->BindText(1, name);
  ASSIGN_OR_RETURN(bool found, s->Step());
  if (!found) return Status::NotFound("用户 " + name + " 不存在");
  User u;
  u.id = s->Int(0);
  u.name = s->Text(1).value_or("");
  u.role = s->Text(2).value_or("");
  u.display_name = s->Text(3).value_or("");
  u.password_hash = s->Text(4).value_or("");
  u.disabled = s->Int(5) != 0;
  u.version = s->Int(6);
  s->Reset();
  ASSIGN_OR_RETURN(u.scopes,
                   ReadStrings("SELECT code FROM user_scope WHERE user_id = ? ORDER BY code", u.id));
  ASSIGN_OR_RETURN(u.grants, ReadStrings("SELECT mapping_id FROM user_grant WHERE user_id = ? "
                                         "ORDER BY mapping_id",
                                         u.id));
  return u;
}

Result<std::vector<User>> SqlStore::ListUsers() {
  ASSIGN_OR_RETURN(SqlStatement * s, Stmt("SELECT name FROM app_user ORDER BY name"));
  std::vector<std::string> names;
  while (true) {
    ASSIGN_OR_RETURN(bool more, s->Step());
    if (!more) break;
    names.push_back(s->Text(0).value_or(""));
  }
  std::vector<User> out;
  for (const auto& n : names) {
    ASSIGN_OR_RETURN(User u, GetUser(n));
    out.push_back(std::move(u));
  }
  return out;
}

Status SqlStore::UpdateUser(User* user) {
  return InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(SqlStatement * s,
                     Stmt("UPDATE app_user SET role = ?, display_name = ?, password_hash = ?, "
                          "disabled = ?, version = version + 1 WHERE id = ? AND version = ?"));
    s->BindText(1, user->role);
    BindOpt(s, 2, user->display_name);
    s->BindText(3, user->password_hash);
    s->BindInt(4, user->disabled ? 1 : 0);
    s->BindInt(5, user->id);
    s->BindInt(6, user->version);
    ASSIGN_OR_RETURN(int64_t n, s->Execute());
    if (n == 0) return StaleOrMissing("app_user", "用户", user->id);
    RETURN_IF_ERROR(WriteUserLists(*user));
    user->version += 1;
    return Status::Ok();
  });
}

}  // namespace onetable

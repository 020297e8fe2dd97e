// Table requests in SQL (schema/sql/*/0013_table_requests.sql, 0015_request_grants.sql).
#include <sstream>

#include "store/sql_store.h"

namespace onetable {
namespace {

constexpr char kColumns[] =
    "id, requester_id, requester, status, title, purpose, legal_basis, as_of_rule, scope_wanted, "
    "frequency, contact, template_name, template_size, template_sha256, draft_yaml, mapping_id, "
    "data_rows, cells, register_cells, approved_columns, reviewer, reason, created_at, "
    "updated_at, version, approved_scope, approved_grants, granter";

std::string JoinLines(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += '\n';
    out += item;
  }
  return out;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

TableRequestRecord ReadRequest(SqlStatement* s) {
  TableRequestRecord r;
  int i = 0;
  r.id = s->Int(i++);
  r.requester_id = s->Int(i++);
  r.requester = s->Text(i++).value_or("");
  r.status = s->Text(i++).value_or("");
  r.title = s->Text(i++).value_or("");
  r.purpose = s->Text(i++).value_or("");
  r.legal_basis = s->Text(i++).value_or("");
  r.as_of_rule = s->Text(i++).value_or("");
  r.scope_wanted = s->Text(i++).value_or("");
  r.frequency = s->Text(i++).value_or("");
  r.contact = s->Text(i++).value_or("");
  r.template_name = s->Text(i++).value_or("");
  r.template_size = s->Int(i++);
  r.template_sha256 = s->Text(i++).value_or("");
  r.draft_yaml = s->Text(i++).value_or("");
  r.mapping_id = s->Text(i++).value_or("");
  r.data_rows = s->Int(i++);
  r.cells = s->Int(i++);
  r.register_cells = s->Int(i++);
  r.approved_columns = SplitLines(s->Text(i++).value_or(""));
  r.reviewer = s->Text(i++).value_or("");
  r.reason = s->Text(i++).value_or("");
  r.created_at = s->Text(i++).value_or("");
  r.updated_at = s->Text(i++).value_or("");
  r.version = s->Int(i++);
  r.approved_scope = SplitLines(s->Text(i++).value_or(""));
  r.approved_grants = SplitLines(s->Text(i++).value_or(""));
  r.granter = s->Text(i++).value_or("");
  return r;
}

// Binds the mutable fields, status through reason, from index `i`; returns the next index.
int BindMutable(SqlStatement* s, int i, const TableRequestRecord& r) {
  s->BindText(i++, r.status);
  s->BindText(i++, r.title);
  s->BindText(i++, r.purpose);
  s->BindText(i++, r.legal_basis);
  s->BindText(i++, r.as_of_rule);
  s->BindText(i++, r.scope_wanted);
  s->BindText(i++, r.frequency);
  s->BindText(i++, r.contact);
  s->BindText(i++, r.draft_yaml);
  s->BindText(i++, r.mapping_id);
  s->BindInt(i++, r.data_rows);
  s->BindInt(i++, r.cells);
  s->BindInt(i++, r.register_cells);
  s->BindText(i++, JoinLines(r.approved_columns));
  s->BindText(i++, r.reviewer);
  s->BindText(i++, r.reason);
  s->BindText(i++, JoinLines(r.approved_scope));
  s->BindText(i++, JoinLines(r.approved_grants));
  s->BindText(i++, r.granter);
  return i;
}

}  // namespace

Result<int64_t> SqlStore::AddTableRequest(const TableRequestRecord& r) {
  int64_t id = 0;
  Status st = InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(
        SqlStatement * s,
        Stmt("INSERT INTO table_request (status, title, purpose, legal_basis, as_of_rule, "
             "scope_wanted, frequency, contact, draft_yaml, mapping_id, data_rows, cells, "
             "register_cells, approved_columns, reviewer, reason, approved_scope, approved_grants, "
             "granter, requester_id, requester, "
             "template_name, template_size, template_sha256, created_at, updated_at, version) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
             "?, 1)"));
    int i = BindMutable(s, 1, r);
    s->BindInt(i++, r.requester_id);
    s->BindText(i++, r.requester);
    s->BindText(i++, r.template_name);
    s->BindInt(i++, r.template_size);
    s->BindText(i++, r.template_sha256);
    const std::string now = NowUtc();
    s->BindText(i++, now);
    s->BindText(i++, now);
    RETURN_IF_ERROR(s->Execute().status());
    ASSIGN_OR_RETURN(id, db_->LastInsertId());
    return Status::Ok();
  });
  if (st.code() == StatusCode::kFailedPrecondition) {
    return Status::Precondition("账号 " + std::to_string(r.requester_id) + " 不存在");
  }
  RETURN_IF_ERROR(st);
  return id;
}

Result<TableRequestRecord> SqlStore::GetTableRequest(int64_t id) {
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt(std::string("SELECT ") + kColumns + " FROM table_request WHERE id = ?"));
  s->BindInt(1, id);
  ASSIGN_OR_RETURN(bool found, s->Step());
  if (!found) return Status::NotFound("新表申请 " + std::to_string(id) + " 不存在");
  TableRequestRecord r = ReadRequest(s);
  s->Reset();
  return r;
}

Result<std::vector<TableRequestRecord>> SqlStore::ListTableRequests(int64_t requester_id,
                                                                    int64_t before_id, int limit) {
  // One statement for both filters: 0 means "any" for each.
  ASSIGN_OR_RETURN(SqlStatement * s,
                   Stmt(std::string("SELECT ") + kColumns +
                        " FROM table_request WHERE (? = 0 OR requester_id = ?) AND "
                        "(? = 0 OR id < ?) ORDER BY id DESC LIMIT " +
                        std::to_string(limit <= 0 ? 100 : limit)));
  s->BindInt(1, requester_id);
  s->BindInt(2, requester_id);
  s->BindInt(3, before_id);
  s->BindInt(4, before_id);
  std::vector<TableRequestRecord> out;
  while (true) {
    Result<bool> more = s->Step();
    if (!more.ok()) {
      s->Reset();
      return more.status();
    }
    if (!*more) break;
    out.push_back(ReadRequest(s));
  }
  s->Reset();
  return out;
}

Status SqlStore::UpdateTableRequest(TableRequestRecord* r) {
  ASSIGN_OR_RETURN(
      SqlStatement * s,
      Stmt("UPDATE table_request SET status = ?, title = ?, purpose = ?, legal_basis = ?, "
           "as_of_rule = ?, scope_wanted = ?, frequency = ?, contact = ?, draft_yaml = ?, "
           "mapping_id = ?, data_rows = ?, cells = ?, register_cells = ?, approved_columns = ?, "
           "reviewer = ?, reason = ?, approved_scope = ?, approved_grants = ?, granter = ?, "
           "updated_at = ?, version = version + 1 "
           "WHERE id = ? AND version = ?"));
  int i = BindMutable(s, 1, *r);
  const std::string now = NowUtc();
  s->BindText(i++, now);
  s->BindInt(i++, r->id);
  s->BindInt(i++, r->version);
  ASSIGN_OR_RETURN(int64_t n, s->Execute());
  if (n == 0) return StaleOrMissing("table_request", "新表申请", r->id);
  r->version += 1;
  r->updated_at = now;
  return Status::Ok();
}

}  // namespace onetable

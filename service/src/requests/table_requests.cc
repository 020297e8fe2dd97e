#include "requests/table_requests.h"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>

#include "auth/users.h"
#include "mapping/atomic_file.h"
#include "mapping/scan_plan.h"
#include "mapping/table_access.h"
#include "mapping/template_draft.h"
#include "mapping/template_reader.h"
#include "model/catalog_keys.h"
#include "model/sha256.h"
#include "onetable/text.h"
#include "onetable/utf8.h"

namespace onetable::requests {
namespace fs = std::filesystem;

namespace {

std::mutex& PublishMutex() {
  static std::mutex* const m = new std::mutex;
  return *m;
}

std::string ObjectOf(int64_t id) { return "request/" + std::to_string(id); }

Status NoSuchRequest(int64_t id) {
  return Status::NotFound("新表申请 " + std::to_string(id) + " 不存在");
}

// The request's draft, parsed and checked as a saved mapping is (mapping_edit_handlers.h).
Result<mapping::MappingSpec> CheckDraft(const AppContext& app, const std::string& yaml) {
  ASSIGN_OR_RETURN(mapping::MappingSpec spec,
                   mapping::ParseMappingSpec(yaml, "draft.yaml", app.catalog));
  RETURN_IF_ERROR(mapping::CheckOrderBy(spec));
  if (!ValidMappingId(spec.id)) {
    return Status::Invalid("draft.yaml:1:1: 映射编号 " + spec.id +
                           " 无效：应为“部门/报表”，只含小写字母、数字、- 和 _");
  }
  return spec;
}

// Counts only: the generator's counters are the savings figure.
class DiscardSink : public mapping::TableSink {
 public:
  Status Begin(const mapping::TableMeta&) override { return Status::Ok(); }
  Status Row(const std::vector<std::string>&) override { return Status::Ok(); }
  Status End() override { return Status::Ok(); }
};

std::string PlanDetail(const DraftPlan& plan) {
  return "columns=" + std::to_string(plan.columns.size()) +
         " register=" + std::to_string(plan.Count(ColumnFill::kRegister)) +
         " sensitive=" + std::to_string(plan.Count(ColumnFill::kSensitive)) +
         " blank=" + std::to_string(plan.Count(ColumnFill::kBlank));
}

// The approved scope: distinct community codes of the register, each inside the requesting
// account's own scope when it has one (an approval narrows, never widens).
Status CheckScope(Store& store, const Principal& requester, std::vector<std::string>* codes) {
  std::vector<std::string> out;
  for (const std::string& raw : *codes) {
    const std::string code(TrimWideBlank(raw));
    if (code.empty() || std::find(out.begin(), out.end(), code) != out.end()) continue;
    Result<Row> row = store.FindBy(EntityKind::kCommunity, keys::kCode, code);
    if (!row.ok()) {
      if (row.status().code() != StatusCode::kNotFound) return row.status();
      return Status::Invalid("范围中的社区代码“" + code + "”不在登记库中");
    }
    if (!requester.scopes.empty() && std::find(requester.scopes.begin(), requester.scopes.end(),
                                               code) == requester.scopes.end()) {
      return Status::Invalid("社区 " + code + " 不在账号 " + requester.user +
                             " 的范围内：批准的范围不能大于账号本身的范围");
    }
    out.push_back(code);
  }
  *codes = std::move(out);
  return Status::Ok();
}

// Stores `record`'s new state and the audit record of the step in one transaction: the step
// history (request_steps.h) reads these records, so a state without its record cannot be left.
Status StoreStep(Store& store, const Actor& actor, TableRequestRecord* record,
                 std::string_view action, const std::string& detail) {
  return store.InTransaction([&]() -> Status {
    RETURN_IF_ERROR(store.UpdateTableRequest(record));
    return AppendAudit(store, actor, action, ObjectOf(record->id), kAuditOk, detail);
  });
}

std::string JoinComma(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

}  // namespace

Result<Principal> TableRequests::RequesterOf(Store& store, const TableRequestRecord& record) const {
  ASSIGN_OR_RETURN(User user, store.GetUserById(record.requester_id));
  Principal p;
  p.user_id = user.id;
  p.user = user.name;
  p.role = ParseRole(user.role).value_or(Role::kDepartment);
  p.scopes = user.scopes;
  p.grants = user.grants;
  p.via = "request";
  return p;
}

void TableRequests::ComputeSavings(Store& store, const Principal& requester,
                                   const mapping::MappingSpec& spec,
                                   TableRequestRecord* record) const {
  DiscardSink sink;
  Result<mapping::TableResult> result = GenerateFor(app_, requester, store, spec, {}, 0, &sink);
  record->data_rows = result.ok() ? result->counts.data_rows : 0;
  record->cells = result.ok() ? result->counts.cells : 0;
  record->register_cells = result.ok() ? result->counts.register_cells : 0;
}

Result<TableRequestRecord> TableRequests::File(Store& store, const Actor& actor,
                                               const Principal& who, RequestForm form,
                                               std::string* field) const {
  if (who.role != Role::kDepartment) {
    return Status::Denied("只有部门账号可以提交新表申请");
  }
  RETURN_IF_ERROR(CheckRequestForm(&form, field));
  const std::string name = fs::path(form.template_name).filename().string();
  if (!utf8::IsValid(name) || name.size() > 200) {
    if (field != nullptr) *field = "template";
    return Status::Invalid("模板文件名无效");
  }
  form.template_name = name;
  Result<std::vector<std::vector<std::string>>> rows =
      mapping::ReadTemplateRows(form.template_bytes, name);
  if (!rows.ok()) {
    if (field != nullptr) *field = "template";
    return Status::Invalid("模板无法读取：" + rows.status().message());
  }
  Result<mapping::MappingDraft> draft =
      mapping::DraftMapping(app_.catalog, *rows, name, form.title);
  if (!draft.ok()) {
    if (field != nullptr) *field = "template";
    return Status::Invalid(draft.status().message());
  }
  ASSIGN_OR_RETURN(User account, store.GetUserById(who.user_id));

  TableRequestRecord record;
  record.requester_id = who.user_id;
  record.requester = who.user;
  record.status = kSubmitted;
  record.title = form.title;
  record.purpose = form.purpose;
  record.legal_basis = form.legal_basis;
  record.as_of_rule = form.as_of_rule;
  record.scope_wanted = form.scope_wanted;
  record.frequency = form.frequency;
  record.contact = form.contact;
  record.template_name = name;
  record.template_size = static_cast<int64_t>(form.template_bytes.size());
  record.template_sha256 = Sha256Hex(form.template_bytes);
  const std::string department = account.display_name.empty() ? account.name : account.display_name;
  // One unit: the row (submitted), its draft (→ drafted) and the audit record, or nothing — a
  // failure in between must not leave a request at 已提交 that never gets its draft.
  RETURN_IF_ERROR(store.InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(record.id, store.AddTableRequest(record));
    record.version = 1;
    // The draft, at once: the department sees what the register fills before anyone approves.
    record.mapping_id = DefaultMappingId(who.user, record.id);
    record.draft_yaml = RequestDraftYaml(*draft, form, record.mapping_id, department);
    record.status = kDrafted;
    DraftPlan plan;
    Result<mapping::MappingSpec> spec = CheckDraft(app_, record.draft_yaml);
    if (spec.ok()) {
      ComputeSavings(store, who, *spec, &record);
      plan = PlanColumns(app_, who, *spec);
    }
    return StoreStep(
        store, actor, &record, kAuditRequestFile,
        "template=" + std::string(EndsWith(AsciiLower(name), ".csv") ? "csv" : "xlsx") + " " +
            PlanDetail(plan) + " frequency=" + record.frequency);
  }));
  return record;
}

Result<std::vector<TableRequestRecord>> TableRequests::List(Store& store, const Principal& who,
                                                            int64_t before_id, int limit) const {
  if (who.role == Role::kAdmin || who.role == Role::kSecurityAdmin) {
    return store.ListTableRequests(0, before_id, limit);
  }
  if (who.role == Role::kDepartment) return store.ListTableRequests(who.user_id, before_id, limit);
  return Status::Denied("只有部门账号、系统管理员和安全管理员可以查看新表申请");
}

Result<TableRequestRecord> TableRequests::Get(Store& store, const Principal& who,
                                              int64_t id) const {
  if (who.role != Role::kAdmin && who.role != Role::kDepartment &&
      who.role != Role::kSecurityAdmin) {
    return Status::Denied("只有部门账号、系统管理员和安全管理员可以查看新表申请");
  }
  Result<TableRequestRecord> record = store.GetTableRequest(id);
  if (!record.ok()) {
    if (record.status().code() == StatusCode::kNotFound) return NoSuchRequest(id);
    return record.status();
  }
  // Another department's request does not exist for this one (same answer as a missing id).
  if (who.role == Role::kDepartment && record->requester_id != who.user_id) {
    return NoSuchRequest(id);
  }
  return record;
}

Result<RequestView> TableRequests::View(Store& store, const TableRequestRecord& record) const {
  RequestView view;
  view.record = record;
  Result<User> account = store.GetUserById(record.requester_id);
  view.requester_label =
      account.ok() && !account->display_name.empty() ? account->display_name : record.requester;
  if (record.draft_yaml.empty()) return view;
  Result<mapping::MappingSpec> spec = CheckDraft(app_, record.draft_yaml);
  if (!spec.ok()) {
    view.problems = spec.status().message();
    return view;
  }
  ASSIGN_OR_RETURN(Principal requester, RequesterOf(store, record));
  view.plan = PlanColumns(app_, requester, *spec);
  view.grant_labels = GrantLabels(app_, *spec, record.approved_grants);
  return view;
}

// The system administrator reviews (mappings are theirs); the grants an approval implies are
// given by a holder of manage_users (see Approve and Grant).
Status TableRequests::RequireReviewer(const Principal& who) const {
  return app_.policy.Require(who, Permission::kManageMappings);
}

Result<TableRequestRecord> TableRequests::ForReview(Store& store, int64_t id,
                                                    int64_t version) const {
  Result<TableRequestRecord> record = store.GetTableRequest(id);
  if (!record.ok()) {
    if (record.status().code() == StatusCode::kNotFound) return NoSuchRequest(id);
    return record.status();
  }
  if (!UnderReview(record->status)) {
    return Status::Precondition("新表申请 " + std::to_string(id) + " " +
                                StatusLabel(record->status) + "，不能再审核");
  }
  if (record->version != version) {
    return Status::Conflict("新表申请 " + std::to_string(id) + " 已被他人修改（当前版本 " +
                            std::to_string(record->version) + "），请刷新后再操作");
  }
  return record;
}

Result<TableRequestRecord> TableRequests::StartReview(Store& store, const Actor& actor,
                                                      const Principal& who, int64_t id,
                                                      int64_t version) const {
  RETURN_IF_ERROR(RequireReviewer(who));
  ASSIGN_OR_RETURN(TableRequestRecord record, ForReview(store, id, version));
  if (record.status == kInReview) return record;
  record.status = kInReview;
  record.reviewer = who.user;
  RETURN_IF_ERROR(StoreStep(store, actor, &record, kAuditRequestReview, "review started"));
  return record;
}

Result<TableRequestRecord> TableRequests::SaveDraft(Store& store, const Actor& actor,
                                                    const Principal& who, int64_t id,
                                                    int64_t version,
                                                    const std::string& yaml) const {
  RETURN_IF_ERROR(RequireReviewer(who));
  ASSIGN_OR_RETURN(TableRequestRecord record, ForReview(store, id, version));
  ASSIGN_OR_RETURN(mapping::MappingSpec spec, CheckDraft(app_, yaml));
  ASSIGN_OR_RETURN(Principal requester, RequesterOf(store, record));
  record.draft_yaml = yaml;
  record.mapping_id = spec.id;
  record.status = kInReview;
  record.reviewer = who.user;
  ComputeSavings(store, requester, spec, &record);
  RETURN_IF_ERROR(StoreStep(store, actor, &record, kAuditRequestReview,
                            "draft saved " + PlanDetail(PlanColumns(app_, requester, spec))));
  return record;
}

Result<TableRequestRecord> TableRequests::Approve(Store& store, const Actor& actor,
                                                  const Principal& who, int64_t id, int64_t version,
                                                  Approval approval, std::string* field) const {
  const auto at = [field](const char* name) {
    if (field != nullptr) *field = name;
  };
  RETURN_IF_ERROR(RequireReviewer(who));
  const std::string trimmed_note(TrimWideBlank(approval.note));
  if (!utf8::IsValid(trimmed_note) || utf8::CountCodePoints(trimmed_note) > 500) {
    at("note");
    return Status::Invalid("审核意见不能超过 500 个字");
  }
  ASSIGN_OR_RETURN(TableRequestRecord record, ForReview(store, id, version));
  ASSIGN_OR_RETURN(Principal requester, RequesterOf(store, record));
  Status scope_ok = CheckScope(store, requester, &approval.scope);
  if (!scope_ok.ok()) {
    at("scope");
    return scope_ok;
  }
  ASSIGN_OR_RETURN(mapping::MappingSpec draft, CheckDraft(app_, record.draft_yaml));
  const std::vector<std::string> keep =
      approval.columns.empty() ? draft.Headers() : approval.columns;
  Result<std::string> narrowed =
      NarrowColumns(record.draft_yaml, keep, approval.scope,
                    "由新表申请 #" + std::to_string(id) + "（" + record.requester + "）生成，" +
                        who.user + " 审核通过。");
  if (!narrowed.ok()) {
    at("columns");
    return narrowed.status();
  }
  const std::string text = std::move(*narrowed);
  ASSIGN_OR_RETURN(mapping::MappingSpec spec, CheckDraft(app_, text));
  if (TrimWideBlank(spec.legal_basis).empty()) {
    return Status::Invalid("映射缺少法律依据（legal_basis），不能通过");
  }
  Result<std::vector<std::string>> grants = GrantsFor(app_, requester, spec, approval.unmasked);
  if (!grants.ok()) {
    at("unmasked");
    return grants.status();
  }

  // Publish: never over an existing mapping; atomically; then read back as the server will.
  const std::string path = app_.settings.mappings_dir + "/" + spec.id + ".yaml";
  std::unique_lock<std::mutex> lock(PublishMutex());
  std::error_code ec;
  if (fs::exists(path, ec)) {
    return Status::Exists("报表映射 " + spec.id + " 已存在：请在草稿中改用另一个 id");
  }
  fs::create_directories(fs::path(path).parent_path(), ec);
  {
    Result<std::unique_ptr<mapping::AtomicFile>> out = mapping::AtomicFile::Create(path);
    if (!out.ok()) return Status::Internal(out.status().message());
    (*out)->stream() << text;
    Status written = (*out)->Commit();
    if (!written.ok()) return Status::Internal(written.message());
  }
  const auto unpublish = [&path]() {
    std::error_code ignored;
    fs::remove(path, ignored);
  };
  Result<mapping::MappingSpec> published = LoadMappingById(app_, spec.id);
  if (!published.ok() || published->Headers() != spec.Headers()) {
    unpublish();
    return published.ok() ? Status::Internal("published mapping reads back differently")
                          : published.status();
  }

  record.mapping_id = spec.id;
  record.approved_columns = spec.Headers();
  record.approved_scope = approval.scope;
  record.approved_grants = *grants;
  record.draft_yaml = text;
  record.reviewer = who.user;
  record.reason = trimmed_note;
  // Separated duties: the grant is given here only by a holder of manage_users.
  const bool grants_now = app_.policy.Require(who, Permission::kManageUsers).ok();
  Status st = store.InTransaction([&]() -> Status {
    if (grants_now) {
      RETURN_IF_ERROR(GiveGrants(store, actor, who, &record));
    } else {
      record.status = kAwaitingGrant;
      RETURN_IF_ERROR(store.UpdateTableRequest(&record));
    }
    RETURN_IF_ERROR(AppendAudit(store, actor, kAuditMappingChange, "mapping/" + spec.id, kAuditOk,
                                "created from " + ObjectOf(id)));
    return AppendAudit(
        store, actor, kAuditRequestApprove, ObjectOf(id), kAuditOk,
        "mapping=" + spec.id + " columns=" + std::to_string(spec.columns.size()) + " of " +
            std::to_string(draft.columns.size()) +
            " unmasked=" + std::to_string(approval.unmasked.size()) + " scope=" +
            (approval.scope.empty() ? std::string("account") : JoinComma(approval.scope)) +
            (grants_now ? " granted=" + record.requester : std::string(" awaiting_grant")));
  });
  if (!st.ok()) {
    unpublish();
    return st;
  }
  return record;
}

Status TableRequests::GiveGrants(Store& store, const Actor& actor, const Principal& who,
                                 TableRequestRecord* record) const {
  UserAccounts accounts(app_);
  return store.InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(User account, store.GetUserById(record->requester_id));
    // The account's scope may have changed since the approval: still never wider.
    if (!account.scopes.empty()) {
      for (const std::string& code : record->approved_scope) {
        if (std::find(account.scopes.begin(), account.scopes.end(), code) == account.scopes.end()) {
          return Status::Precondition("社区 " + code + " 已不在账号 " + account.name +
                                      " 的范围内：请退回此申请");
        }
      }
    }
    record->status = kApproved;
    record->granter = who.user;
    RETURN_IF_ERROR(store.UpdateTableRequest(record));
    UserChange change;
    change.grants = account.grants;
    for (const std::string& grant : record->approved_grants) {
      if (std::find(change.grants->begin(), change.grants->end(), grant) == change.grants->end()) {
        change.grants->push_back(grant);
      }
    }
    UserOutcome out = accounts.Update(store, actor, account.name, account.version, change);
    return out.status;
  });
}

Result<TableRequestRecord> TableRequests::Grant(Store& store, const Actor& actor,
                                                const Principal& who, int64_t id,
                                                int64_t version) const {
  RETURN_IF_ERROR(app_.policy.Require(who, Permission::kManageUsers));
  Result<TableRequestRecord> found = store.GetTableRequest(id);
  if (!found.ok()) {
    if (found.status().code() == StatusCode::kNotFound) return NoSuchRequest(id);
    return found.status();
  }
  TableRequestRecord record = std::move(*found);
  if (record.status != kAwaitingGrant) {
    return Status::Precondition("新表申请 " + std::to_string(id) + " " +
                                StatusLabel(record.status) + "，没有待确认的授权");
  }
  if (record.version != version) {
    return Status::Conflict("新表申请 " + std::to_string(id) + " 已被他人修改（当前版本 " +
                            std::to_string(record.version) + "），请刷新后再操作");
  }
  RETURN_IF_ERROR(store.InTransaction([&]() -> Status {
    RETURN_IF_ERROR(GiveGrants(store, actor, who, &record));
    return AppendAudit(store, actor, kAuditRequestGrant, ObjectOf(id), kAuditOk,
                       "mapping=" + record.mapping_id +
                           " grants=" + std::to_string(record.approved_grants.size()) +
                           " granted=" + record.requester);
  }));
  return record;
}

Result<TableRequestRecord> TableRequests::Decline(Store& store, const Actor& actor,
                                                  const Principal& who, int64_t id, int64_t version,
                                                  const std::string& reason) const {
  if (!app_.policy.Require(who, Permission::kManageMappings).ok() &&
      !app_.policy.Require(who, Permission::kManageUsers).ok()) {
    return RequireReviewer(who);
  }
  const std::string text(TrimWideBlank(reason));
  if (!utf8::IsValid(text) || utf8::CountCodePoints(text) < 2) {
    return Status::Invalid("请填写退回原因（至少 2 个字）");
  }
  if (utf8::CountCodePoints(text) > 500) return Status::Invalid("退回原因不能超过 500 个字");
  // A request awaiting its grant is the security administrator's to refuse; one under review
  // the reviewer's.
  Result<TableRequestRecord> found = store.GetTableRequest(id);
  const bool awaiting = found.ok() && found->status == kAwaitingGrant;
  RETURN_IF_ERROR(awaiting ? app_.policy.Require(who, Permission::kManageUsers)
                           : RequireReviewer(who));
  TableRequestRecord record;
  if (awaiting) {
    if (found->version != version) {
      return Status::Conflict("新表申请 " + std::to_string(id) + " 已被他人修改（当前版本 " +
                              std::to_string(found->version) + "），请刷新后再操作");
    }
    record = std::move(*found);
  } else {
    ASSIGN_OR_RETURN(record, ForReview(store, id, version));
  }
  record.status = kDeclined;
  if (awaiting) {
    record.granter = who.user;
  } else {
    record.reviewer = who.user;
  }
  record.reason = text;
  RETURN_IF_ERROR(StoreStep(store, actor, &record, kAuditRequestDecline,
                            awaiting ? "grant refused" : "declined"));
  return record;
}

}  // namespace onetable::requests

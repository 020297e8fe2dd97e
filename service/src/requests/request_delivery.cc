#include "requests/request_delivery.h"

#include <filesystem>
#include <memory>
#include <mutex>

#include "auth/users.h"
#include "delivery/delivery_entries.h"
#include "delivery/delivery_spec.h"
#include "mapping/atomic_file.h"
#include "mapping/table_access.h"
#include "onetable/text.h"
#include "requests/request_form.h"

namespace onetable::requests {
namespace fs = std::filesystem;
namespace {

std::mutex& SaveMutex() {
  static std::mutex* const m = new std::mutex;
  return *m;
}

// A delivery id ([a-z0-9][a-z0-9_.-]*) for the request.
std::string DeliveryIdFor(const TableRequestRecord& record) {
  std::string part;
  for (char c : AsciiLower(record.requester)) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    part += ok ? c : '-';
  }
  if (part.empty() || part.size() > 40 || part[0] == '-' || part[0] == '_') part = "request";
  return part + "-request-" + std::to_string(record.id);
}

// A YAML double-quoted scalar.
std::string Quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
  }
  return out + "\"";
}

bool ReadsIdNumber(const mapping::ColumnSpec& column) {
  bool reads = false;
  if (!column.value) return false;
  mapping::VisitExpr(*column.value, [&](const mapping::Expr& e) {
    if (e.kind == mapping::ExprKind::kField && e.field != nullptr &&
        e.field->type == FieldType::kIdNumber) {
      reads = true;
    }
  });
  return reads;
}

Principal AccountAfterGrant(const User& user, const TableRequestRecord& record) {
  Principal p;
  p.user_id = user.id;
  p.user = user.name;
  p.role = ParseRole(user.role).value_or(Role::kDepartment);
  p.scopes = user.scopes;
  p.grants = user.grants;
  if (record.status == kAwaitingGrant) {
    p.grants.insert(p.grants.end(), record.approved_grants.begin(), record.approved_grants.end());
  }
  return p;
}

}  // namespace

Result<TableRequestRecord> RequestDeliveries::Deliverable(Store& store, const Principal& who,
                                                          int64_t request_id) const {
  RETURN_IF_ERROR(app_.policy.Require(who, Permission::kManageConnectors));
  Result<TableRequestRecord> record = store.GetTableRequest(request_id);
  if (!record.ok()) {
    if (record.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("新表申请 " + std::to_string(request_id) + " 不存在");
    }
    return record.status();
  }
  if (record->frequency != kMonthly && record->frequency != kOnChange) {
    return Status::Precondition("新表申请 " + std::to_string(request_id) + " 的报送频次为“" +
                                FrequencyLabel(record->frequency) + "”，不生成推送");
  }
  if (record->status != kApproved && record->status != kAwaitingGrant) {
    return Status::Precondition("新表申请 " + std::to_string(request_id) + " " +
                                StatusLabel(record->status) + "：通过后才能生成推送");
  }
  if (app_.settings.deliveries_dir.empty()) {
    return Status::Precondition("未配置推送目录（配置文件的 deliveries），不能保存推送");
  }
  return record;
}

Result<DeliveryDraft> RequestDeliveries::Draft(Store& store, const Principal& who,
                                               int64_t request_id) const {
  ASSIGN_OR_RETURN(TableRequestRecord record, Deliverable(store, who, request_id));
  ASSIGN_OR_RETURN(mapping::MappingSpec spec, LoadMappingById(app_, record.mapping_id));
  ASSIGN_OR_RETURN(User account, store.GetUserById(record.requester_id));
  DeliveryDraft draft;
  draft.id = DeliveryIdFor(record);
  draft.path = app_.settings.deliveries_dir + "/" + draft.id + ".yaml";
  Result<DeliveryEntry> existing = FindDelivery(app_, draft.id);
  draft.saved = existing.ok();

  const mapping::ColumnSpec* key = nullptr;
  for (const mapping::ColumnSpec& c : spec.columns) {
    if (ReadsIdNumber(c)) {
      key = &c;
      break;
    }
  }
  if (key == nullptr) {
    for (const mapping::ColumnSpec& c : spec.columns) {
      if (!LeftOutColumn(c)) {
        key = &c;
        break;
      }
    }
    draft.notes.push_back("表中没有读取身份证号的列：key 暂取第一列，请确认它在表内唯一");
  }
  if (key != nullptr) {
    const std::vector<bool> masked = MaskedColumns(app_, AccountAfterGrant(account, record), spec);
    for (size_t i = 0; i < spec.columns.size(); ++i) {
      if (&spec.columns[i] == key && masked[i]) {
        draft.notes.push_back(
            "key 列“" + key->header + "”对账号 " + account.name +
            " 遮蔽（***），各行的 key 相同，推送无法进行：请在审核时授权该列完整显示，"
            "或改用另一列");
      }
    }
  }
  std::string y;
  y += "# 由新表申请 #" + std::to_string(record.id) + "（" + FrequencyLabel(record.frequency) +
       "）生成的推送草稿：按部门账号 " + account.name + " 的授权与打码生成报表，\n";
  y += "# 只推送新增、变更和减少的行。目标先设为文件（推送目录下的 drop/），\n";
  y += "# 推送到部门系统（http、mysql）请在服务器上编辑此文件。\n";
  y += "id: " + draft.id + "\n";
  y += "title: " + Quoted(record.title + "（新表申请 #" + std::to_string(record.id) + "）") + "\n";
  y += "mapping: " + record.mapping_id + "\n";
  if (record.approved_scope.size() == 1) y += "scope: " + Quoted(record.approved_scope[0]) + "\n";
  y += "key: " + Quoted(key != nullptr ? key->header : std::string()) + "\n";
  y += "account: " + Quoted(account.name) + "\n";
  y += std::string("schedule: ") + (record.frequency == kMonthly ? "every 30d" : "every 1h") +
       "   # " + FrequencyLabel(record.frequency) + "\n";
  y += "target: {type: file, dir: drop/" + draft.id + "/, format: xlsx}\n";
  draft.yaml = y;
  return draft;
}

Result<std::string> RequestDeliveries::Save(Store& store, const Actor& actor, const Principal& who,
                                            int64_t request_id, const std::string& yaml) const {
  ASSIGN_OR_RETURN(TableRequestRecord record, Deliverable(store, who, request_id));
  const std::string dir = app_.settings.deliveries_dir;
  ASSIGN_OR_RETURN(DeliverySpec spec, ParseDeliverySpec(yaml, "delivery.yaml"));
  if (spec.mapping != record.mapping_id) {
    return Status::Invalid("delivery.yaml: mapping 应为本申请的报表 " + record.mapping_id);
  }
  if (spec.account != record.requester) {
    return Status::Invalid("delivery.yaml: account 应为申请部门的账号 " + record.requester);
  }
  if (spec.target.type != "file") {
    return Status::Invalid(
        "delivery.yaml: 网页上只能保存文件目标（type: "
        "file）；推送到部门系统请在服务器上编辑推送文件");
  }
  const fs::path target_dir(spec.target.dir);
  bool escapes = spec.target.dir.empty() || target_dir.is_absolute() ||
                 spec.target.dir.find("${") != std::string::npos;
  for (const fs::path& part : target_dir) escapes = escapes || part == "..";
  if (escapes) {
    return Status::Invalid("delivery.yaml: target.dir 应为推送目录下的相对路径（不含 ..）");
  }

  std::lock_guard<std::mutex> lock(SaveMutex());
  const std::string path = dir + "/" + spec.id + ".yaml";
  std::error_code ec;
  Result<DeliveryEntry> existing = FindDelivery(app_, spec.id);
  if (existing.ok() || fs::exists(path, ec)) {
    return Status::Exists("推送 " + spec.id + " 已存在");
  }
  fs::create_directories(dir, ec);
  // Checked as `onetable check` checks it, under a name the deliveries listing ignores.
  const std::string staged = dir + "/." + spec.id + ".staged";
  {
    Result<std::unique_ptr<mapping::AtomicFile>> out = mapping::AtomicFile::Create(staged);
    if (!out.ok()) return Status::Internal(out.status().message());
    (*out)->stream() << yaml;
    Status written = (*out)->Commit();
    if (!written.ok()) return Status::Internal(written.message());
  }
  DeliveryEntry entry = LoadDeliveryEntry(staged, app_);
  if (!entry.spec) {
    fs::remove(staged, ec);
    std::string message = entry.problem.message();
    // Problems name the staged file; people know it as the delivery.
    for (size_t at = message.find(staged); at != std::string::npos; at = message.find(staged)) {
      message.replace(at, staged.size(), "delivery.yaml");
    }
    return Status::Invalid(message);
  }
  fs::rename(staged, path, ec);
  if (ec) {
    fs::remove(staged, ec);
    return Status::Internal("saving " + path + ": " + ec.message());
  }
  RETURN_IF_ERROR(AppendAudit(store, actor, kAuditDeliveryChange, "delivery/" + spec.id, kAuditOk,
                              "created from request/" + std::to_string(record.id)));
  RETURN_IF_ERROR(AppendAudit(store, actor, kAuditRequestDelivery,
                              "request/" + std::to_string(record.id), kAuditOk,
                              "delivery=" + spec.id + " target=file"));
  return path;
}

}  // namespace onetable::requests

#include "http/request_json.h"

#include <string>
#include <vector>

#include "mapping/table_access.h"

namespace onetable {
namespace {

void WriteStrings(JsonWriter& w, const char* key, const std::vector<std::string>& values) {
  w.Key(key).StartArray();
  for (const std::string& v : values) w.String(v);
  w.EndArray();
}

}  // namespace

void WriteRequestFields(JsonWriter& w, const requests::RequestView& view, bool full,
                        bool reviewer) {
  using requests::ColumnFill;
  const TableRequestRecord& r = view.record;
  w.Key("id").Int(r.id);
  w.Key("status").String(r.status);
  w.Key("status_label").String(requests::StatusLabel(r.status));
  w.Key("requester").String(r.requester);
  w.Key("requester_label").String(view.requester_label);
  w.Key("title").String(r.title);
  w.Key("purpose").String(r.purpose);
  w.Key("legal_basis").String(r.legal_basis);
  w.Key("as_of").String(r.as_of_rule);
  w.Key("scope").String(r.scope_wanted);
  w.Key("frequency").String(r.frequency);
  w.Key("frequency_label").String(requests::FrequencyLabel(r.frequency));
  w.Key("contact").String(r.contact);
  w.Key("template").StartObject();
  w.Key("name").String(r.template_name).Key("size").Int(r.template_size);
  w.Key("sha256").String(r.template_sha256).EndObject();
  w.Key("mapping_id").String(r.mapping_id);
  w.Key("savings").StartObject();
  w.Key("data_rows").Int(r.data_rows).Key("cells").Int(r.cells);
  w.Key("register_cells").Int(r.register_cells).EndObject();
  const requests::DraftPlan& plan = view.plan;
  w.Key("counts").StartObject();
  w.Key("columns").Int(static_cast<int64_t>(plan.columns.size()));
  w.Key("register").Int(plan.Count(ColumnFill::kRegister));
  w.Key("identifier").Int(plan.Count(ColumnFill::kIdentifier));
  w.Key("sensitive").Int(plan.Count(ColumnFill::kSensitive));
  w.Key("blank").Int(plan.Count(ColumnFill::kBlank));
  w.Key("number").Int(plan.Count(ColumnFill::kNumber));
  w.EndObject();
  WriteStrings(w, "sensitive_columns", plan.SensitiveHeaders());
  WriteStrings(w, "row_selectors", plan.row_selectors);
  WriteStrings(w, "approved_columns", r.approved_columns);
  WriteStrings(w, "approved_scope", r.approved_scope);
  WriteStrings(w, "approved_grants", r.approved_grants);
  WriteStrings(w, "approved_grant_labels", view.grant_labels);
  w.Key("reviewer").String(r.reviewer);
  w.Key("granter").String(r.granter);
  w.Key("reason").String(r.reason);
  w.Key("created_at").String(r.created_at);
  w.Key("updated_at").String(r.updated_at);
  w.Key("version").Int(r.version);
  if (!full) return;
  w.Key("steps").StartArray();
  for (const requests::RequestStep& step : view.steps) {
    w.StartObject();
    w.Key("status").String(step.status);
    w.Key("label").String(requests::StatusLabel(step.status));
    w.Key("at").String(step.at);
    w.Key("role").String(step.role);
    w.Key("role_label").String(step.role_label);
    w.Key("by").String(step.by);
    w.Key("reason").String(step.reason);
    w.EndObject();
  }
  w.EndArray();
  w.Key("columns").StartArray();
  for (const requests::ColumnPlan& c : plan.columns) {
    w.StartObject();
    w.Key("header").String(c.header);
    w.Key("value").String(c.value);
    w.Key("fill").String(requests::ColumnFillName(c.fill));
    WriteStrings(w, "needs", c.needs);
    w.EndObject();
  }
  w.EndArray();
  if (!reviewer) return;
  w.Key("yaml").String(r.draft_yaml);
  w.Key("problems").StartArray();
  if (!view.problems.empty()) {
    for (const MappingProblem& p : SplitProblems(view.problems)) {
      w.StartObject().Key("line").Int(p.line).Key("column").Int(p.column);
      w.Key("message").String(p.message).EndObject();
    }
  }
  w.EndArray();
}

}  // namespace onetable

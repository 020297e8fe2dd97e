#include "http/membership_handlers.h"

#include <rapidjson/document.h>

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "http/household_head.h"
#include "http/json_body.h"
#include "http/register_handlers.h"
#include "http/register_json.h"
#include "http/register_request.h"
#include "model/catalog_keys.h"
#include "model/validation.h"
#include "register/register_write.h"
#include "store/store.h"

namespace onetable {
namespace {

constexpr const char* kRelationship = keys::kRelationship;
constexpr const char* kHeadPersonId = keys::kHeadPersonId;
constexpr char kHeadRelationship[] = "02";  // GB/T 4761: 户主

// A stored reference as an id; 0 when it is not one (then no row matches it).
int64_t ParseId(const std::string& text) {
  if (text.empty() || text.size() > 18) return 0;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return 0;
    value = value * 10 + (c - '0');
  }
  return value;
}

// Reads and checks a relationship code; "" stays "" (none).
bool NormalizeRelationship(const ServiceContext& service, const Principal& who, const char* member,
                           std::string* code, HttpResponse* error) {
  if (code->empty()) return true;
  const FieldDef* field = service.catalog.Find(EntityKind::kPerson, kRelationship);
  if (field == nullptr) {
    *error = BadParameter(member, "字段目录中没有“与户主关系”字段");
    return false;
  }
  if (!service.policy.SeesField(who, *field)) {
    *error = ErrorResponse(403, "permission_denied", "不能修改未获授权查看的字段",
                           {ErrorDetail{kRelationship, "field_not_granted", field->label}});
    return false;
  }
  const Validator validator(service.catalog, service.divisions);
  if (std::optional<Problem> problem = validator.NormalizeField(*field, code)) {
    *error = ValidationFailed(
        {ErrorDetail{member, problem->code, field->label + "：" + problem->message}});
    return false;
  }
  return true;
}

// Clears `household_id`'s head when it is `person_id` (the head left the household).
Status ClearHeadIf(Store& store, int64_t household_id, int64_t person_id,
                   const std::string& actor) {
  if (household_id <= 0) return Status::Ok();
  ASSIGN_OR_RETURN(Row household, store.Get(EntityKind::kHousehold, household_id));
  const std::string* head = household.Get(kHeadPersonId);
  if (head == nullptr || *head != std::to_string(person_id)) return Status::Ok();
  household.values.erase(kHeadPersonId);
  RETURN_IF_ERROR(store.Update(EntityKind::kHousehold, &household));
  return RecordManual(store, EntityKind::kHousehold, household_id, kHeadPersonId, nullptr, actor);
}

}  // namespace

Status MovePersonTo(Store& store, int64_t person_id, int64_t expected_version,
                    int64_t household_id, const std::string& relationship,
                    const std::string& actor, Row* moved) {
  return store.InTransaction([&]() -> Status {
    ASSIGN_OR_RETURN(Row person, store.Get(EntityKind::kPerson, person_id));
    if (person.version != expected_version) return Status::Conflict("stale");
    RETURN_IF_ERROR(store
                        .Move(EntityKind::kPerson, person_id, expected_version, household_id,
                              relationship, actor)
                        .status());
    if (person.parent_id != household_id) {
      RETURN_IF_ERROR(ClearHeadIf(store, person.parent_id, person_id, actor));
    }
    const std::string* before = person.Get(kRelationship);
    if ((before ? *before : "") != relationship) {
      RETURN_IF_ERROR(RecordManual(store, EntityKind::kPerson, person_id, kRelationship,
                                   relationship.empty() ? nullptr : &relationship, actor));
    }
    ASSIGN_OR_RETURN(*moved, store.Get(EntityKind::kPerson, person_id));
    return Status::Ok();
  });
}

HttpResponse HandleMove(const RequestContext& ctx, const ServiceContext& service) {
  RowWrite write;
  HttpResponse error;
  if (!StartRowWrite(ctx, service, &write, &error)) return error;
  rapidjson::Document body;
  Status parsed = ParseJsonBody(ctx.request, &body);
  if (!parsed.ok()) return StatusToHttp(parsed);
  Status keys = CheckKeys(body, {"household_id", "relationship"});
  if (!keys.ok()) return StatusToHttp(keys);
  if (!body.HasMember("household_id")) {
    return BadParameter("household_id", "缺少字段 household_id（迁出本户请给 null）");
  }
  int64_t household_id = 0;
  if (!body["household_id"].IsNull()) {
    Result<std::optional<int64_t>> value = OptionalInt(body, "household_id");
    if (!value.ok()) return BadParameter("household_id", value.status().message());
    household_id = value->value_or(0);
    if (household_id <= 0) return BadParameter("household_id", "household_id 应为正整数");
  }
  Result<std::optional<std::string>> rel = OptionalString(body, "relationship");
  if (!rel.ok()) return BadParameter("relationship", rel.status().message());
  std::string relationship = rel->value_or("");
  if (!NormalizeRelationship(service, *write.who, "relationship", &relationship, &error))
    return error;
  if (ctx.store == nullptr) return NoStoreResponse();
  Store& store = *ctx.store;
  Status allowed = service.policy.RequireRow(*write.who, store, EntityKind::kPerson, write.id);
  if (allowed.ok() && household_id > 0) {
    allowed = service.policy.RequireRow(*write.who, store, EntityKind::kHousehold, household_id);
  }
  if (!allowed.ok()) return StatusToHttp(allowed);
  // One 户主 per household (household_head.h): joining as 户主 where there is one is refused.
  HeadChoice head;
  if (household_id > 0) {
    FieldInput as_relationship;
    if (relationship.empty()) {
      as_relationship.cleared.insert(kRelationship);
    } else {
      as_relationship.set[kRelationship] = relationship;
    }
    Result<std::optional<ErrorDetail>> issue =
        CheckHeadRule(store, write.id, household_id, as_relationship, &head);
    if (!issue.ok()) return StatusToHttp(issue.status());
    if (issue->has_value()) {
      HttpResponse refused = ValidationFailed({**issue});
      if (!AuditWrite(ctx, EntityKind::kPerson, write.id, "move refused: head", false, &error)) {
        return error;
      }
      return refused;
    }
  }

  const std::string& actor = write.who->user;
  Row moved;
  Status st = RetryDeadlocks([&]() {
    return store.InTransaction([&]() -> Status {
      return MovePersonTo(store, write.id, write.expected, household_id, relationship, actor,
                          &moved);
    });
  });
  if (st.ok() && head.household_id > 0) {
    st = ApplyHeadChoice(store, head, write.id, actor);
  }
  if (!st.ok()) {
    HttpResponse failure;
    if (st.code() == StatusCode::kConflict) {
      Result<Row> current = store.Get(EntityKind::kPerson, write.id);
      failure = current.ok() ? StaleResponse(service, *write.who, EntityKind::kPerson, *current)
                             : StatusToHttp(st);
    } else {
      failure = StatusToHttp(st);
    }
    if (!AuditWrite(ctx, EntityKind::kPerson, write.id,
                    "move failed: " + std::to_string(failure.status), false, &error)) {
      return error;
    }
    return failure;
  }
  if (!AuditWrite(ctx, EntityKind::kPerson, write.id,
                  "move household=" + std::to_string(household_id), true, &error)) {
    return error;
  }
  return RowResponse(service, *write.who, EntityKind::kPerson, moved);
}

namespace {

// Gives `person` (a member of `household_id`) the relationship `code` through a membership
// change, so the change is kept in its history.
Status Relate(Store& store, const Row& person, int64_t household_id, const std::string& code,
              const std::string& actor) {
  const std::string* before = person.Get(kRelationship);
  if ((before ? *before : "") == code) return Status::Ok();
  RETURN_IF_ERROR(
      store.Move(EntityKind::kPerson, person.id, person.version, household_id, code, actor)
          .status());
  return RecordManual(store, EntityKind::kPerson, person.id, kRelationship,
                      code.empty() ? nullptr : &code, actor);
}

}  // namespace

HttpResponse HandleSetHead(const RequestContext& ctx, const ServiceContext& service) {
  RowWrite write;
  HttpResponse error;
  if (!StartRowWrite(ctx, service, &write, &error)) return error;
  rapidjson::Document body;
  Status parsed = ParseJsonBody(ctx.request, &body);
  if (!parsed.ok()) return StatusToHttp(parsed);
  Status keys = CheckKeys(body, {"person_id", "previous_head_relationship"});
  if (!keys.ok()) return StatusToHttp(keys);
  Result<std::optional<int64_t>> person_param = OptionalInt(body, "person_id");
  if (!person_param.ok()) return BadParameter("person_id", person_param.status().message());
  if (!person_param->has_value() || **person_param <= 0) {
    return BadParameter("person_id", "缺少字段 person_id（新户主的人员 id）");
  }
  const int64_t person_id = **person_param;
  Result<std::optional<std::string>> prev = OptionalString(body, "previous_head_relationship");
  if (!prev.ok()) return BadParameter("previous_head_relationship", prev.status().message());
  std::string previous_relationship = prev->value_or("");
  if (!NormalizeRelationship(service, *write.who, "previous_head_relationship",
                             &previous_relationship, &error)) {
    return error;
  }
  const FieldDef* head_field = service.catalog.Find(EntityKind::kHousehold, kHeadPersonId);
  if (head_field == nullptr) return BadParameter("person_id", "字段目录中没有“户主人员编号”字段");
  if (!CheckWritableFields(service, *write.who, EntityKind::kHousehold,
                           FieldInput{{{kHeadPersonId, ""}}, {}}, &error) ||
      !CheckWritableFields(service, *write.who, EntityKind::kPerson,
                           FieldInput{{{kRelationship, ""}}, {}}, &error)) {
    return error;
  }
  if (ctx.store == nullptr) return NoStoreResponse();
  Store& store = *ctx.store;
  Status allowed = service.policy.RequireRow(*write.who, store, EntityKind::kHousehold, write.id);
  if (allowed.ok())
    allowed = service.policy.RequireRow(*write.who, store, EntityKind::kPerson, person_id);
  if (!allowed.ok()) return StatusToHttp(allowed);

  if (previous_relationship == kHeadRelationship) {
    return ValidationFailed({ErrorDetail{
        "previous_head_relationship", "head_exists",
        "原户主的与户主关系：一户只能有一位户主，请为原户主选择户主以外的关系"}});
  }
  const std::string& actor = write.who->user;
  Row household;
  bool previous_unnamed = false;  // the previous head was given no relationship
  Status st = RetryDeadlocks([&]() {
    return store.InTransaction([&]() -> Status {
      ASSIGN_OR_RETURN(household, store.Get(EntityKind::kHousehold, write.id));
      if (household.version != write.expected) return Status::Conflict("stale");
      ASSIGN_OR_RETURN(Row person, store.Get(EntityKind::kPerson, person_id));
      if (person.parent_id != write.id || person.status != kStatusActive) {
        return Status::Precondition("人员 " + std::to_string(person_id) +
                                    " 不是本户的在册成员，不能设为户主");
      }
      const std::string* old_head = household.Get(kHeadPersonId);
      const std::string new_head = std::to_string(person_id);
      // The previous head: the one the household names, and any other member still recorded as
      // 户主 (a household has one).
      std::set<int64_t> previous;
      if (old_head != nullptr && *old_head != new_head) previous.insert(ParseId(*old_head));
      ListQuery heads;
      heads.parent_id = write.id;
      heads.equals[kRelationship] = kHeadRelationship;
      ASSIGN_OR_RETURN(std::vector<Row> recorded, store.List(EntityKind::kPerson, heads));
      for (const Row& r : recorded) {
        if (r.id != person_id) previous.insert(r.id);
      }
      for (int64_t prev : previous) {
        Result<Row> row = store.Get(EntityKind::kPerson, prev);
        if (row.ok() && row->parent_id == write.id && row->status == kStatusActive &&
            previous_relationship.empty()) {
          previous_unnamed = true;
          return Status::Invalid("previous head needs a relationship");
        }
        if (row.ok() && row->parent_id == write.id) {
          RETURN_IF_ERROR(Relate(store, *row, write.id, previous_relationship, actor));
        }
      }
      RETURN_IF_ERROR(Relate(store, person, write.id, kHeadRelationship, actor));
      if (old_head == nullptr || *old_head != new_head) {
        household.values[kHeadPersonId] = new_head;
        RETURN_IF_ERROR(store.Update(EntityKind::kHousehold, &household));
        RETURN_IF_ERROR(
            RecordManual(store, EntityKind::kHousehold, write.id, kHeadPersonId, &new_head, actor));
      }
      return Status::Ok();
    });
  });
  if (!st.ok()) {
    HttpResponse failure;
    Result<Row> current = store.Get(EntityKind::kHousehold, write.id);
    if (st.code() == StatusCode::kConflict && current.ok()) {
      failure = StaleResponse(service, *write.who, EntityKind::kHousehold, *current);
    } else if (previous_unnamed) {
      failure = ValidationFailed({ErrorDetail{
          "previous_head_relationship", "required",
          "原户主的与户主关系：更换户主时必须为原户主选择新的与户主关系"}});
    } else {
      failure = StatusToHttp(st);
    }
    if (!AuditWrite(ctx, EntityKind::kHousehold, write.id,
                    "set head failed: " + std::to_string(failure.status), false, &error)) {
      return error;
    }
    return failure;
  }
  if (!AuditWrite(ctx, EntityKind::kHousehold, write.id,
                  "set head person=" + std::to_string(person_id), true, &error)) {
    return error;
  }
  return RowResponse(service, *write.who, EntityKind::kHousehold, household);
}

}  // namespace onetable

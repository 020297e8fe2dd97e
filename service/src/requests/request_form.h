// What a department says when it asks for a new table (issue 20): the words of a table request
// and the rules they must follow, apart from any storage. The statuses a request moves through
// and the labels people read for them live here too, so the API, the UI and the README agree.
//
//   submitted  已提交      filed; the draft is being made
//   drafted    草稿已生成  the draft mapping was made from the template at once
//   in_review  审核中      an admin started the review (or saved an edited draft)
//   awaiting_grant 待授权  approved and published by an admin; the grant waits for a holder
//                          of manage_users (security_admin) to confirm it (separated duties)
//   approved   已通过      published and granted (final)
//   declined   已退回      declined with a reason (final)
//
// Thread-safety: pure functions.
#ifndef ONETABLE_REQUESTS_REQUEST_FORM_H_
#define ONETABLE_REQUESTS_REQUEST_FORM_H_

#include <cstddef>
#include <string>

#include "onetable/status.h"

namespace onetable::requests {

inline constexpr char kSubmitted[] = "submitted";
inline constexpr char kDrafted[] = "drafted";
inline constexpr char kInReview[] = "in_review";
inline constexpr char kAwaitingGrant[] = "awaiting_grant";
inline constexpr char kApproved[] = "approved";
inline constexpr char kDeclined[] = "declined";

// 已提交 / 草稿已生成 / 审核中 / 已通过 / 已退回; the status itself for an unknown one.
std::string StatusLabel(const std::string& status);
// Whether an admin may still edit, approve or decline it (drafted or in_review).
bool UnderReview(const std::string& status);

// once | monthly | on_change → 一次性 / 每月 / 数据变化时.
inline constexpr char kOnce[] = "once";
inline constexpr char kMonthly[] = "monthly";
inline constexpr char kOnChange[] = "on_change";
std::string FrequencyLabel(const std::string& frequency);

// A blank template is a header and a few rows: anything larger is refused before it is parsed.
inline constexpr size_t kMaxTemplateBytes = 512 * 1024;

struct RequestForm {
  std::string title;          // 报表名称, 1–100 characters
  std::string purpose;        // 用途 (PIPL Art. 6), 4–1000 characters
  std::string legal_basis;    // 法律依据 (PIPL Art. 13), 2–1000 characters
  std::string as_of_rule;     // 统计时点: "", YYYY-MM-DD or a {year} template ("{year}-06-30")
  std::string scope_wanted;   // 所需范围, up to 200 characters ("" = the account's own scope)
  std::string frequency;      // once | monthly | on_change
  std::string contact;        // 联系人及电话, 2–200 characters
  std::string template_name;  // the file's name: *.xlsx or *.csv
  std::string template_bytes;
};

// OK, or kInvalidArgument with a Chinese message; `field` (when not null) is set to the API
// name of the field at fault (title, purpose, legal_basis, as_of, scope, frequency, contact,
// template). Text is trimmed in place first. The template's content is only checked for size
// and emptiness here; the template reader judges the rest.
Status CheckRequestForm(RequestForm* form, std::string* field);

}  // namespace onetable::requests

#endif  // ONETABLE_REQUESTS_REQUEST_FORM_H_

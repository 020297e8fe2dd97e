#include "requests/request_form.h"

#include "mapping/mapping_spec.h"
#include "onetable/text.h"
#include "onetable/utf8.h"

namespace onetable::requests {
namespace {

Status Bad(std::string* field, const char* name, const std::string& message) {
  if (field != nullptr) *field = name;
  return Status::Invalid(message);
}

// Trims `text` and checks its length in characters; "" is allowed only when min is 0.
Status CheckText(std::string* text, std::string* field, const char* name, const char* label,
                 size_t min, size_t max) {
  *text = std::string(TrimWideBlank(*text));
  if (!utf8::IsValid(*text)) return Bad(field, name, std::string(label) + "不是有效的 UTF-8 文本");
  for (char c : *text) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
      return Bad(field, name, std::string(label) + "含有控制字符");
    }
  }
  const size_t n = utf8::CountCodePoints(*text);
  if (n == 0 && min > 0) return Bad(field, name, std::string("请填写") + label);
  if (n < min) {
    return Bad(field, name, std::string(label) + "太短：至少 " + std::to_string(min) + " 个字");
  }
  if (n > max) {
    return Bad(field, name, std::string(label) + "太长：不能超过 " + std::to_string(max) + " 个字");
  }
  return Status::Ok();
}

}  // namespace

std::string StatusLabel(const std::string& status) {
  if (status == kSubmitted) return "已提交";
  if (status == kDrafted) return "草稿已生成";
  if (status == kInReview) return "审核中";
  if (status == kAwaitingGrant) return "待授权";
  if (status == kApproved) return "已通过";
  if (status == kDeclined) return "已退回";
  return status;
}

bool UnderReview(const std::string& status) { return status == kDrafted || status == kInReview; }

std::string FrequencyLabel(const std::string& frequency) {
  if (frequency == kOnce) return "一次性";
  if (frequency == kMonthly) return "每月";
  if (frequency == kOnChange) return "数据变化时";
  return frequency;
}

Status CheckRequestForm(RequestForm* form, std::string* field) {
  RETURN_IF_ERROR(CheckText(&form->title, field, "title", "报表名称", 1, 100));
  if (form->title.find('\n') != std::string::npos) {
    return Bad(field, "title", "报表名称不能换行");
  }
  RETURN_IF_ERROR(CheckText(&form->purpose, field, "purpose", "用途", 4, 1000));
  RETURN_IF_ERROR(CheckText(&form->legal_basis, field, "legal_basis", "法律依据", 2, 1000));
  RETURN_IF_ERROR(CheckText(&form->as_of_rule, field, "as_of", "统计时点规则", 0, 40));
  if (!form->as_of_rule.empty()) {
    Date date;
    if (!mapping::ExpandAsOf(form->as_of_rule, 2026, &date)) {
      return Bad(field, "as_of",
                 "统计时点规则“" + form->as_of_rule +
                     "”无效：应为日期（2026-06-30）或带 {year} 的规则（{year}-06-30）");
    }
  }
  RETURN_IF_ERROR(CheckText(&form->scope_wanted, field, "scope", "所需范围", 0, 200));
  if (form->frequency != kOnce && form->frequency != kMonthly && form->frequency != kOnChange) {
    return Bad(field, "frequency",
               "报送频次应为 once（一次性）、monthly（每月）或 on_change（数据变化时）");
  }
  RETURN_IF_ERROR(CheckText(&form->contact, field, "contact", "联系人", 2, 200));
  const std::string name = AsciiLower(form->template_name);
  if (!EndsWith(name, ".xlsx") && !EndsWith(name, ".csv")) {
    return Bad(field, "template", "模板应为 .xlsx 或 .csv 文件");
  }
  if (form->template_bytes.empty()) return Bad(field, "template", "模板文件是空的");
  if (form->template_bytes.size() > kMaxTemplateBytes) {
    return Bad(field, "template",
               "模板文件太大（超过 " + std::to_string(kMaxTemplateBytes / 1024) +
                   " KB）：请只上传空白模板");
  }
  return Status::Ok();
}

}  // namespace onetable::requests

#include "model/validation.h"

#include <cctype>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <regex>
#include <set>

#include "model/catalog_keys.h"
#include "model/date.h"
#include "model/id_number.h"
#include "model/phone.h"
#include "model/text.h"
#include "onetable/text.h"
#include "onetable/utf8.h"

namespace onetable {

namespace {

// The person fields the ID number is cross-checked against (GB 11643 carries both).
constexpr const char* kIdNumberKey = keys::kIdNumber;
constexpr const char* kBirthDateKey = keys::kBirthDate;
constexpr const char* kGenderKey = keys::kGender;

// Label suffixes that workers leave out when they type a code's name: 男 for 男性, 汉 for 汉族,
// 视力 for 视力残疾. Anything looser would guess (特困 could be 特困职工 or 特困人员).
constexpr const char* kOmittedLabelSuffixes[] = {"性", "族", "残疾"};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// Compiled catalog patterns, shared by all validators: compiling a std::regex costs far more than
// matching one, and the catalog holds only a handful of patterns.
bool PatternMatches(const std::string& pattern, const std::string& value) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const std::regex>> cache;
  std::shared_ptr<const std::regex> compiled;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(pattern);
    if (it == cache.end()) {
      try {
        it = cache.emplace(pattern, std::make_shared<const std::regex>(pattern)).first;
      } catch (const std::regex_error&) {
        // The loader rejects bad patterns; a hand-built FieldDef may not have been through it.
        return false;
      }
    }
    compiled = it->second;
  }
  return std::regex_search(value, *compiled);
}

std::optional<Problem> NormalizeInteger(std::string* value) {
  std::string s = FoldFullWidth(*value);
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.erase(0, 1);
  }
  // Spreadsheets write whole numbers as "3.0".
  size_t dot = s.find('.');
  if (dot != std::string::npos) {
    std::string_view fraction = std::string_view(s).substr(dot + 1);
    if (fraction.find_first_not_of('0') != std::string_view::npos) {
      return Problem{"integer_format", "“" + *value + "”不是整数"};
    }
    s.erase(dot);
  }
  if (!AllDigits(s)) return Problem{"integer_format", "“" + *value + "”不是整数"};
  size_t first = s.find_first_not_of('0');
  s = first == std::string::npos ? "0" : s.substr(first);
  if (s.size() > 18) return Problem{"integer_range", "“" + *value + "”超出整数范围"};
  *value = (negative && s != "0") ? "-" + s : s;
  return std::nullopt;
}

std::optional<Problem> NormalizeDecimal(std::string* value) {
  std::string s = FoldFullWidth(*value);
  Problem bad{"decimal_format", "“" + *value + "”不是数字（如 12.5）"};
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.erase(0, 1);
  }
  size_t dot = s.find('.');
  std::string whole = s.substr(0, dot);
  std::string fraction = dot == std::string::npos ? "" : s.substr(dot + 1);
  if (whole.empty() && fraction.empty()) return bad;
  if ((!whole.empty() && !AllDigits(whole)) || (!fraction.empty() && !AllDigits(fraction))) {
    return bad;
  }
  size_t first = whole.find_first_not_of('0');
  whole = first == std::string::npos ? "0" : whole.substr(first);
  size_t last = fraction.find_last_not_of('0');
  fraction = last == std::string::npos ? "" : fraction.substr(0, last + 1);
  if (whole.size() > 18) return Problem{"decimal_range", "“" + *value + "”超出数值范围"};
  std::string out = fraction.empty() ? whole : whole + "." + fraction;
  *value = (negative && out != "0") ? "-" + out : out;
  return std::nullopt;
}

std::optional<Problem> NormalizeBoolean(std::string* value) {
  const std::string s = AsciiLower(FoldFullWidth(*value));
  static const char* const kTrue[] = {"1", "是", "true", "y", "yes"};
  static const char* const kFalse[] = {"0", "否", "false", "n", "no"};
  for (const char* t : kTrue) {
    if (s == t) {
      *value = "1";
      return std::nullopt;
    }
  }
  for (const char* f : kFalse) {
    if (s == f) {
      *value = "0";
      return std::nullopt;
    }
  }
  return Problem{"boolean_format", "“" + *value + "”应为 是/否（或 1/0）"};
}

std::optional<Problem> NormalizeReference(std::string* value) {
  std::string s = FoldFullWidth(*value);
  if (!AllDigits(s)) return Problem{"reference_format", "“" + *value + "”不是有效的编号（正整数）"};
  size_t first = s.find_first_not_of('0');
  if (first == std::string::npos) {
    return Problem{"reference_format", "“" + *value + "”不是有效的编号（正整数）"};
  }
  s = s.substr(first);
  if (s.size() > 18) return Problem{"reference_format", "“" + *value + "”编号过长"};
  *value = s;
  return std::nullopt;
}

std::optional<Problem> NormalizeCode(const CodeTable& table, std::string* value) {
  const std::string& v = *value;
  if (table.Label(v) != nullptr) return std::nullopt;
  if (const std::string* code = table.CodeForLabel(v)) {
    *value = *code;
    return std::nullopt;
  }
  // Spreadsheets drop the leading zeros of "01".
  std::string folded = FoldFullWidth(v);
  if (AllDigits(folded)) {
    for (const auto& [code, label] : table.entries()) {
      if (code.size() > folded.size() && AllDigits(code) &&
          code.compare(code.size() - folded.size(), folded.size(), folded) == 0 &&
          code.find_first_not_of('0') >= code.size() - folded.size()) {
        *value = code;
        return std::nullopt;
      }
    }
  }
  const std::string* match = nullptr;
  int matches = 0;
  for (const auto& [code, label] : table.entries()) {
    if (label.size() <= v.size() || label.compare(0, v.size(), v) != 0) continue;
    std::string_view rest = std::string_view(label).substr(v.size());
    for (const char* suffix : kOmittedLabelSuffixes) {
      if (rest == suffix) {
        match = &code;
        ++matches;
      }
    }
  }
  if (matches == 1) {
    *value = *match;
    return std::nullopt;
  }
  std::string message = "“" + v + "”不是有效的代码或名称";
  if (table.entries().size() <= 12) {
    message += "，可选：";
    for (size_t i = 0; i < table.entries().size(); ++i) {
      if (i > 0) message += "、";
      message += table.entries()[i].first + " " + table.entries()[i].second;
    }
  } else {
    message += "（代码表 " + table.id() + "）";
  }
  return Problem{"code_unknown", message};
}

// The first control character of `v` (C0, DEL or C1; a NUL cuts a value in C and in some
// readers, a CR or LF forges lines in logs and exports), or nullopt. `free_text` lets TAB, LF
// and CR through.
std::optional<char32_t> ControlCharacter(const std::string& v, bool free_text) {
  for (size_t i = 0; i < v.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(v[i]);
    if (c < 0x20 || c == 0x7F) {
      if (free_text && (c == '\t' || c == '\n' || c == '\r')) continue;
      return static_cast<char32_t>(c);
    }
    // C1 controls U+0080..U+009F are 0xC2 0x80..0x9F in UTF-8.
    if (c == 0xC2 && i + 1 < v.size()) {
      const unsigned char next = static_cast<unsigned char>(v[i + 1]);
      if (next >= 0x80 && next <= 0x9F) return static_cast<char32_t>(next);
    }
  }
  return std::nullopt;
}

std::string ControlName(char32_t c) {
  if (c == 0) return "NUL";
  if (c == '\n') return "换行符 LF";
  if (c == '\r') return "回车符 CR";
  if (c == '\t') return "制表符";
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "U+%04X", static_cast<unsigned>(c));
  return buffer;
}

}  // namespace

Validator::Validator(const Catalog& catalog, const Divisions* divisions)
    : catalog_(catalog), divisions_(divisions) {}

std::optional<Problem> Validator::NormalizeField(const FieldDef& field, std::string* value) const {
  std::string v(TrimWideBlank(*value));
  if (v.empty()) {
    value->clear();
    return std::nullopt;
  }
  if (!utf8::IsValid(v)) {
    return Problem{"encoding", "含有无法识别的字符（不是 UTF-8 编码），请检查来源文件的编码"};
  }
  // Only free text (an address copied from a multi-line cell) may keep TAB, CR and LF; names,
  // codes, numbers and every typed value hold no control character at all.
  const bool free_text = field.type == FieldType::kString && field.key != keys::kName &&
                         field.key != "code" && !EndsWith(field.key, "_name") &&
                         !EndsWith(field.key, "_code") && !EndsWith(field.key, "_number");
  if (std::optional<char32_t> control = ControlCharacter(v, free_text)) {
    return Problem{"control_character",
                   "含有控制字符（" + ControlName(*control) + "），请检查来源数据"};
  }
  std::optional<Problem> problem;
  switch (field.type) {
    case FieldType::kString:
      break;
    case FieldType::kCode: {
      const CodeTable* table = catalog_.FindCodeTable(field.code_table);
      if (table == nullptr) {
        return Problem{"code_table_missing", "代码表“" + field.code_table + "”不存在"};
      }
      problem = NormalizeCode(*table, &v);
      break;
    }
    case FieldType::kDate: {
      std::string out;
      problem = NormalizeDate(v, &out);
      if (!problem) v = out;
      break;
    }
    case FieldType::kInteger:
      problem = NormalizeInteger(&v);
      break;
    case FieldType::kDecimal:
      problem = NormalizeDecimal(&v);
      break;
    case FieldType::kBoolean:
      problem = NormalizeBoolean(&v);
      break;
    case FieldType::kIdNumber: {
      IdNumber id;
      problem = ParseIdNumber(v, &id, Today().ToString());
      // The area code must be a real one, current or historic (GB/T 2260).
      if (!problem && divisions_ != nullptr) problem = divisions_->CheckIdAreaCode(id.area_code);
      if (!problem) v = id.normalized;
      break;
    }
    case FieldType::kPhone: {
      std::string out;
      problem = NormalizePhone(v, &out);
      if (!problem) v = out;
      break;
    }
    case FieldType::kDivision: {
      std::string digits = FoldFullWidth(v);
      if (!AllDigits(digits) || (digits.size() != 6 && digits.size() != 9 && digits.size() != 12)) {
        return Problem{
            "division_format",
            "“" + v + "”不是区划代码：应为6位（区县）、9位（街道）或12位（社区/村）数字"};
      }
      v = digits;
      if (divisions_ != nullptr) {
        // Village lists cover only some streets; CheckCommunityCode knows when a 12-digit code
        // can be checked against one and otherwise checks its street.
        problem = digits.size() == 12 ? divisions_->CheckCommunityCode(digits)
                                      : divisions_->CheckDivisionCode(digits);
      }
      break;
    }
    case FieldType::kReference:
      problem = NormalizeReference(&v);
      break;
  }
  if (problem) return problem;
  if (field.max_length > 0) {
    const long length = static_cast<long>(utf8::CountCodePoints(v));
    if (length > field.max_length) {
      return Problem{"too_long", "长度为 " + std::to_string(length) + " 个字符，超过上限 " +
                                     std::to_string(field.max_length) + " 个字符"};
    }
  }
  if (!field.pattern.empty() && !PatternMatches(field.pattern, v)) {
    return Problem{"pattern_mismatch", "“" + v + "”格式不符合要求"};
  }
  *value = std::move(v);
  return std::nullopt;
}

std::vector<FieldIssue> Validator::NormalizeRecord(EntityKind entity,
                                                   std::map<std::string, std::string>* values,
                                                   bool check_required) const {
  std::vector<FieldIssue> issues;
  std::set<std::string> bad;
  auto add = [&](const FieldDef& field, const Problem& problem) {
    issues.push_back({field.key, problem.code, field.label + "：" + problem.message});
    bad.insert(field.key);
  };

  for (auto& [key, value] : *values) {
    const FieldDef* field = catalog_.Find(entity, key);
    if (field == nullptr) {
      issues.push_back(
          {key, "unknown_field",
           "字段“" + key + "”：不是" + EntityLabel(entity) + "的字段，字段目录中没有它"});
      bad.insert(key);
      continue;
    }
    if (field->derived) {
      add(*field, Problem{"derived_field", "由系统计算，不能直接填写"});
      continue;
    }
    if (std::optional<Problem> problem = NormalizeField(*field, &value)) add(*field, *problem);
  }

  if (entity == EntityKind::kPerson) {
    auto id_it = values->find(kIdNumberKey);
    IdNumber id;
    if (id_it != values->end() && !id_it->second.empty() && bad.count(kIdNumberKey) == 0 &&
        !ParseIdNumber(id_it->second, &id)) {
      const FieldDef* birth_field = catalog_.Find(entity, kBirthDateKey);
      const FieldDef* gender_field = catalog_.Find(entity, kGenderKey);
      if (birth_field != nullptr) {
        std::string& birth = (*values)[kBirthDateKey];
        if (birth.empty()) {
          birth = id.birth_date;
        } else if (bad.count(kBirthDateKey) == 0) {
          if (std::optional<Problem> p = CheckIdConsistency(id, birth, "")) add(*birth_field, *p);
        }
      }
      if (gender_field != nullptr) {
        std::string& gender = (*values)[kGenderKey];
        if (gender.empty()) {
          gender = id.gender;
        } else if (bad.count(kGenderKey) == 0 && (gender == "1" || gender == "2")) {
          // 0 (unknown) and 9 (unspecified) say nothing that could contradict the ID number.
          if (std::optional<Problem> p = CheckIdConsistency(id, "", gender)) add(*gender_field, *p);
        }
      }
    }
  }

  if (check_required) {
    for (const FieldDef* field : catalog_.StoredFields(entity)) {
      if (!field->required) continue;
      auto it = values->find(field->key);
      if ((it == values->end() || it->second.empty()) && bad.count(field->key) == 0) {
        add(*field, Problem{"required", "必填，不能为空"});
      }
    }
  }
  return issues;
}

}  // namespace onetable

#include "ingest/linkage/chinese_names.h"

#include <opencc/opencc.h>

#include <cstdlib>

#include "ingest/linkage/linkage_data.h"
#include "onetable/text.h"
#include "onetable/utf8.h"

namespace onetable::linkage {
namespace {

// Two-character surnames (复姓) that a name may start with.
constexpr const char* kCompoundSurnames[] = {
    "欧阳", "诸葛", "司马", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
    "宇文", "司徒", "夏侯", "令狐", "端木", "轩辕", "申屠", "澹台", "呼延", "南宫",
};

// Characters a name may carry that are not part of it: spaces (ASCII, full-width) and the
// middle dots of transliterated minority names.
bool IsFiller(const std::string& c) {
  return c == " " || c == "\t" || c == "\xE3\x80\x80" || c == "\xC2\xB7" || c == "\xE3\x83\xBB" ||
         c == "\xE2\x80\xA2" || c == "\xE2\x80\xA7";
}

}  // namespace

std::vector<std::string> Characters(const std::string& text) {
  std::vector<std::string> out;
  for (size_t pos = 0; pos < text.size();) {
    utf8::CodePoint cp = utf8::DecodeAt(text, pos);
    size_t len = cp.length == 0 ? 1 : cp.length;
    out.push_back(text.substr(pos, len));
    pos += len;
  }
  return out;
}

const ChineseNames& ChineseNames::Get() {
  static const ChineseNames* instance = new ChineseNames();  // never destroyed: process-wide
  return *instance;
}

std::string ChineseNames::ConfigPath() {
  const char* env = std::getenv("ONETABLE_OPENCC_CONFIG");
  return env && *env ? env : "/usr/share/opencc/t2s.json";
}

std::string MissingConverterWarning() {
  if (ChineseNames::Get().HasConverter()) return "";
  return "警告：无法打开 OpenCC 的繁简转换数据 " + ChineseNames::ConfigPath() +
         "（Debian 软件包 libopencc-data），无身份证号的人员识别不再把繁体和简体写法"
         "（陳/陈）当作同名；请安装该软件包，或用环境变量 ONETABLE_OPENCC_CONFIG 指明 t2s.json";
}

ChineseNames::ChineseNames() {
  const char* env = std::getenv("ONETABLE_OPENCC_CONFIG");
  opencc_t cc = reinterpret_cast<opencc_t>(-1);
  if (env && *env) {
    cc = opencc_open(env);
  } else {
    cc = opencc_open("t2s.json");
    if (cc == reinterpret_cast<opencc_t>(-1)) cc = opencc_open("/usr/share/opencc/t2s.json");
  }
  converter_ = cc == reinterpret_cast<opencc_t>(-1) ? nullptr : cc;

  for (std::string_view line : onetable::Split(PinyinTable(), '\n')) {
    if (line.empty() || line[0] == '#') continue;
    size_t tab = line.find('\t');
    if (tab == std::string_view::npos) continue;
    utf8::CodePoint cp = utf8::DecodeAt(line, 0);
    if (cp.status != utf8::Decode::kOk) continue;
    std::vector<std::string>& r = readings_[cp.value];
    for (std::string_view reading : onetable::Split(line.substr(tab + 1), ',')) {
      if (!reading.empty()) r.emplace_back(reading);
    }
  }
  for (std::string_view line : onetable::Split(SurnameVariantTable(), '\n')) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> group;
    for (std::string_view s : onetable::Split(line, '\t')) {
      std::string_view t = TrimBlank(s);
      if (!t.empty()) group.emplace_back(t);
    }
    for (const std::string& a : group) {
      for (const std::string& b : group) {
        if (a != b) variants_[a].insert(b);
      }
    }
  }
}

ChineseNames::~ChineseNames() {
  if (converter_) opencc_close(static_cast<opencc_t>(converter_));
}

std::string ChineseNames::ToSimplified(const std::string& name) const {
  std::string kept;
  for (const std::string& c : Characters(name)) {
    if (!IsFiller(c)) kept += c;
  }
  if (converter_ == nullptr || kept.empty()) return kept;
  char* converted = nullptr;
  {
    std::lock_guard<std::mutex> lock(converter_mu_);
    converted = opencc_convert_utf8(static_cast<opencc_t>(converter_), kept.data(), kept.size());
  }
  if (converted == nullptr) return kept;
  std::string out(converted);
  opencc_convert_utf8_free(converted);
  return out;
}

std::pair<std::string, std::string> ChineseNames::Split(const std::string& name) const {
  std::vector<std::string> chars = Characters(name);
  if (chars.empty()) return {"", ""};
  size_t surname_len = 1;
  if (chars.size() >= 3) {
    std::string two = chars[0] + chars[1];
    for (const char* c : kCompoundSurnames) {
      if (two == c) surname_len = 2;
    }
  }
  std::string surname, given;
  for (size_t i = 0; i < chars.size(); ++i) (i < surname_len ? surname : given) += chars[i];
  return {surname, given};
}

std::vector<std::string> ChineseNames::SurnameVariants(const std::string& surname) const {
  auto it = variants_.find(surname);
  if (it == variants_.end()) return {};
  return std::vector<std::string>(it->second.begin(), it->second.end());
}

bool ChineseNames::AreSurnameVariants(const std::string& a, const std::string& b) const {
  auto it = variants_.find(a);
  return it != variants_.end() && it->second.count(b) > 0;
}

bool ChineseNames::SameSound(const std::string& a, const std::string& b) const {
  std::vector<std::string> ca = Characters(a), cb = Characters(b);
  if (ca.size() != cb.size() || ca.empty()) return false;
  for (size_t i = 0; i < ca.size(); ++i) {
    if (ca[i] == cb[i]) continue;
    auto ra = readings_.find(utf8::DecodeAt(ca[i], 0).value);
    auto rb = readings_.find(utf8::DecodeAt(cb[i], 0).value);
    if (ra == readings_.end() || rb == readings_.end()) return false;
    bool shared = false;
    for (const std::string& x : ra->second) {
      for (const std::string& y : rb->second) shared = shared || x == y;
    }
    if (!shared) return false;
  }
  return true;
}

}  // namespace onetable::linkage

// The department exports of the benchmark city (see synth_sinks.h for what each looks like).
// Rates of dirt are those community workers meet: a few percent of ID numbers in the old
// 15-digit form or with a lower-case x, one row in two hundred unusable, phones that changed
// since the register last heard, addresses typed another way.
#include <iconv.h>
#include <xlsxwriter.h>

#include <cerrno>
#include <cstring>

#include "demo/demo_random.h"
#include "onetable/utf8.h"
#include "synth_sinks.h"

namespace onetable::bench {
namespace {

using demo::HouseholdDraft;
using demo::PersonDraft;

const std::string& Value(const PersonDraft& p, const char* key) {
  static const std::string kEmpty;
  const std::string* v = p.row.Get(key);
  return v ? *v : kEmpty;
}

const TagAssignment* FindTag(const PersonDraft& p, const char* tag) {
  for (const TagAssignment& t : p.tags) {
    if (t.tag == tag) return &t;
  }
  return nullptr;
}

bool Living(const PersonDraft& p) { return p.row.status != kStatusDeceased; }

// "1945-03-07" in one of the forms departments write dates in.
std::string DateVariant(DemoRandom& rng, const std::string& iso) {
  if (iso.size() != 10) return iso;
  std::string y = iso.substr(0, 4), m = iso.substr(5, 2), d = iso.substr(8, 2);
  auto unpadded = [](const std::string& s) { return s[0] == '0' ? s.substr(1) : s; };
  switch (rng.Weighted({50, 20, 15, 10, 5})) {
    case 0:
      return iso;
    case 1:
      return y + "/" + unpadded(m) + "/" + unpadded(d);
    case 2:
      return y + m + d;
    case 3:
      return y + "年" + unpadded(m) + "月" + unpadded(d) + "日";
    default:
      return y + "." + m + "." + d;
  }
}

// UTF-8 to GBK; characters GBK lacks (the rare characters outside the BMP) become '?', as they
// do in the systems that still export GBK.
class GbkEncoder {
 public:
  GbkEncoder() : cd_(iconv_open("GBK", "UTF-8")) {}
  ~GbkEncoder() {
    if (cd_ != reinterpret_cast<iconv_t>(-1)) iconv_close(cd_);
  }
  bool ok() const { return cd_ != reinterpret_cast<iconv_t>(-1); }
  void Encode(const std::string& in, std::string* out) {
    out->resize(in.size() * 2 + 16);
    char* src = const_cast<char*>(in.data());
    size_t src_left = in.size();
    char* dst = out->data();
    size_t dst_left = out->size();
    while (src_left > 0) {
      if (iconv(cd_, &src, &src_left, &dst, &dst_left) != static_cast<size_t>(-1)) break;
      if (errno != EILSEQ && errno != EINVAL) break;
      // Skip the character iconv could not convert (invalid bytes one at a time).
      const utf8::CodePoint cp = utf8::DecodeAt(std::string_view(src, src_left), 0);
      const size_t skip = cp.status == utf8::Decode::kOk ? cp.length : 1;
      src += skip;
      src_left -= skip;
      *dst++ = '?';
      --dst_left;
    }
    out->resize(out->size() - dst_left);
  }

 private:
  iconv_t cd_;
};

// ---------------------------------------------------------------------------------------------
class MinzhengSink : public CitySink {
 public:
  MinzhengSink(const Catalog& catalog, Outsiders* outsiders, uint64_t seed, std::string dir)
      : catalog_(catalog), outsiders_(outsiders), rng_(seed), dir_(std::move(dir)) {}

  Status Begin(const Division&) override {
    if (!gbk_.ok()) return Status::Unavailable("iconv 不支持 UTF-8 → GBK 转换");
    RETURN_IF_ERROR(file_.Open(dir_ + "/minzheng.csv"));
    Line(
        "序号,姓名,身份证号,性别,出生日期,联系电话,家庭住址,所属社区,对象类别,救助类型,"
        "保障金额,认定日期,保障人数,致困原因,高龄津贴档次");
    return Status::Ok();
  }

  Status Building(const BuildingOut& building) override {
    const std::string& community = building.grid->community->community->name;
    for (const HouseholdDraft& h : building.households) {
      for (const PersonDraft& p : h.members) {
        if (!Living(p)) continue;
        const TagAssignment* dibao = FindTag(p, "dibao");
        bool elder = p.age >= 80 && Value(p, "population_type") == "01";
        if (dibao || elder) Row(p, dibao, elder, community);
      }
      if (rng_.Chance(0.0018)) {  // moved away since: still on 民政's books
        const PersonDraft& p = outsiders_->Next(
            building.grid->community->community->code, building.address + h.row.values.at("room"),
            [](const PersonDraft& o) { return FindTag(o, "dibao") != nullptr || o.age >= 80; });
        Row(p, FindTag(p, "dibao"), p.age >= 80, community);
      }
    }
    return file_.MaybeFlush();
  }

  Status Finish() override { return file_.Close(); }

 private:
  void Line(const std::string& utf8) {
    gbk_.Encode(utf8, &encoded_);
    file_.buffer() += encoded_;
    file_.buffer() += "\r\n";
  }

  void Row(const PersonDraft& p, const TagAssignment* dibao, bool elder,
           const std::string& community) {
    std::string id = Value(p, "id_number");
    std::string name = Value(p, "name");
    std::string birth = DateVariant(rng_, Value(p, "birth_date"));
    if (p.birth.year < 2000 && rng_.Chance(0.04)) id = FifteenDigitId(id);
    if (id.back() == 'X' && rng_.Chance(0.5)) id.back() = 'x';
    // One row in two hundred cannot be used: a mistyped ID, an impossible date, no name.
    if (rng_.Chance(0.005)) {
      switch (rng_.Below(3)) {
        case 0:  // a wrong check character (or, in a 15-digit number, a missing digit)
          if (id.size() == 18) {
            id.back() = id.back() == '1' ? '2' : '1';
          } else {
            id.pop_back();
          }
          break;
        case 1:
          birth = std::to_string(p.birth.year) + "-02-30";
          break;
        default:
          name.clear();
      }
    }
    std::string phone = Value(p, "phone");
    if (!phone.empty() && rng_.Chance(0.08)) phone = SomePhone(rng_);
    std::string row = std::to_string(++count_);
    for (const std::string& v :
         {name, id, std::string(Value(p, "gender") == "1" ? "男" : "女"), birth, phone,
          AddressVariant(rng_, Value(p, "current_address")), community}) {
      row += ',';
      AppendCsvField(&row, v);
    }
    row += ',';
    row += dibao && elder ? "低保对象、高龄老人" : dibao ? "低保对象" : "高龄老人";
    if (dibao) {
      const auto& a = dibao->attrs;
      row += ",城市低保," + a.at("amount") + "," + DateVariant(rng_, a.at("since")) + "," +
             a.at("covered_count") + ",";
      AppendCsvField(&row, a.at("cause"));
    } else {
      row += ",,,,,";
    }
    row += ',';
    if (elder) row += p.age >= 100 ? "百岁及以上" : p.age >= 90 ? "90-99岁" : "80-89岁";
    Line(row);
  }

  const Catalog& catalog_;
  Outsiders* outsiders_;
  DemoRandom rng_;
  std::string dir_;
  GbkEncoder gbk_;
  std::string encoded_;
  BufferedFile file_;
  int64_t count_ = 0;
};

// ---------------------------------------------------------------------------------------------
class CanlianSink : public CitySink {
 public:
  CanlianSink(const Catalog& catalog, Outsiders* outsiders, uint64_t seed, std::string dir)
      : catalog_(catalog), outsiders_(outsiders), rng_(seed), dir_(std::move(dir)) {}
  ~CanlianSink() override {
    if (workbook_) workbook_close(workbook_);
  }

  Status Begin(const Division& district) override {
    path_ = dir_ + "/canlian.xlsx";
    lxw_workbook_options options = {};
    options.constant_memory = LXW_TRUE;
    options.tmpdir = const_cast<char*>(dir_.c_str());
    workbook_ = workbook_new_opt(path_.c_str(), &options);
    if (workbook_ == nullptr) return Status::Unavailable("无法创建 " + path_);
    sheet_ = workbook_add_worksheet(workbook_, "残疾人基本信息");
    date_ = workbook_add_format(workbook_);
    format_set_num_format(date_, "yyyy-mm-dd");
    lxw_format* bold = workbook_add_format(workbook_);
    format_set_bold(bold);
    std::string title = district.name + "持证残疾人基本信息表";
    worksheet_write_string(sheet_, 0, 0, title.c_str(), bold);
    const char* headers[] = {"序号",       "姓名",     "性别",     "身份证号",
                             "残疾人证号", "残疾类别", "残疾等级", "发证日期",
                             "联系电话",   "户籍地址", "现住址",   "所属社区"};
    for (lxw_col_t c = 0; c < sizeof headers / sizeof *headers; ++c) {
      worksheet_write_string(sheet_, 1, c, headers[c], bold);
    }
    row_ = 2;
    return Status::Ok();
  }

  Status Building(const BuildingOut& building) override {
    const std::string& community = building.grid->community->community->name;
    for (const HouseholdDraft& h : building.households) {
      for (const PersonDraft& p : h.members) {
        const TagAssignment* tag = FindTag(p, "disability");
        if (tag && Living(p)) Write(p, *tag, community);
      }
      if (rng_.Chance(0.0013)) {
        const PersonDraft& p = outsiders_->Next(
            building.grid->community->community->code, building.address + h.row.values.at("room"),
            [](const PersonDraft& o) { return FindTag(o, "disability") != nullptr; });
        if (const TagAssignment* tag = FindTag(p, "disability")) Write(p, *tag, community);
      }
    }
    return Status::Ok();
  }

  Status Finish() override {
    lxw_error err = workbook_close(workbook_);
    workbook_ = nullptr;
    if (err != LXW_NO_ERROR) {
      return Status::Unavailable("写入 " + path_ + " 失败：" + lxw_strerror(err));
    }
    return Status::Ok();
  }

 private:
  void Text(lxw_col_t col, const std::string& v) {
    if (!v.empty()) worksheet_write_string(sheet_, row_, col, v.c_str(), nullptr);
  }

  void Write(const PersonDraft& p, const TagAssignment& tag, const std::string& community) {
    worksheet_write_number(sheet_, row_, 0, static_cast<double>(row_ - 1), nullptr);
    Text(1, Value(p, "name"));
    Text(2, Value(p, "gender") == "1" ? "男" : "女");
    std::string id = Value(p, "id_number");
    if (rng_.Chance(0.002) && id.back() != 'X') {
      // Typed into a cell not formatted as text: Excel keeps 15 significant digits.
      worksheet_write_number(sheet_, row_, 3, std::stod(id), nullptr);
    } else {
      Text(3, id);
    }
    const auto& a = tag.attrs;
    Text(4, a.at("card_number"));
    const CodeTable* categories = catalog_.FindCodeTable("gb26341-disability-category");
    const CodeTable* grades = catalog_.FindCodeTable("gb26341-disability-grade");
    const std::string* category = categories ? categories->Label(a.at("category")) : nullptr;
    const std::string* grade = grades ? grades->Label(a.at("grade")) : nullptr;
    Text(5, category ? *category : a.at("category"));
    Text(6, grade ? *grade : a.at("grade"));
    Date issued;
    if (!ParseDate(a.at("issued_on"), &issued)) {
      lxw_datetime dt = {issued.year, issued.month, issued.day, 0, 0, 0};
      worksheet_write_datetime(sheet_, row_, 7, &dt, date_);
    }
    std::string phone = Value(p, "phone");
    if (!phone.empty() && rng_.Chance(0.08)) phone = SomePhone(rng_);
    Text(8, phone);
    Text(9, Value(p, "hukou_address"));
    Text(10, AddressVariant(rng_, Value(p, "current_address")));
    Text(11, community);
    ++row_;
  }

  const Catalog& catalog_;
  Outsiders* outsiders_;
  DemoRandom rng_;
  std::string dir_, path_;
  lxw_workbook* workbook_ = nullptr;
  lxw_worksheet* sheet_ = nullptr;
  lxw_format* date_ = nullptr;
  lxw_row_t row_ = 0;
};

// ---------------------------------------------------------------------------------------------
// 公安's 流动人口 table uses the pinyin-initial column names of its standard (xm 姓名, gmsfhm
// 公民身份号码, ...) and codes, not labels; gxsj is the watermark an incremental pull reads.
class GonganSink : public CitySink {
 public:
  GonganSink(Outsiders* outsiders, uint64_t seed, std::string dir)
      : outsiders_(outsiders), rng_(seed), dir_(std::move(dir)) {}

  Status Begin(const Division&) override { return file_.Open(dir_ + "/gongan_ldrk.tsv"); }

  Status Building(const BuildingOut& building) override {
    for (const HouseholdDraft& h : building.households) {
      for (const PersonDraft& p : h.members) {
        if (h.floating && Living(p)) Write(p, "0");
      }
      // Registered here once, since left (注销); a few households' worth per building.
      if (rng_.Chance(0.0126)) {
        const PersonDraft& p = outsiders_->Next(
            building.grid->community->community->code, building.address + h.row.values.at("room"),
            [](const PersonDraft& o) { return Value(o, "population_type") == "02"; });
        Write(p, "1");
      }
    }
    return file_.MaybeFlush();
  }

  Status Finish() override { return file_.Close(); }

 private:
  static void Field(std::string* out, const std::string& v) {
    if (v.empty()) {
      *out += "\\N";
      return;
    }
    for (char c : v) {
      if (c == '\t' || c == '\n' || c == '\\') *out += '\\';
      *out += c;
    }
  }

  void Write(const PersonDraft& p, const char* left) {
    std::string& out = file_.buffer();
    std::string phone = Value(p, "phone");
    if (!phone.empty() && rng_.Chance(0.1)) phone = SomePhone(rng_);
    const std::string& arrived = Value(p, "move_in_date");
    std::string reason = "1";
    if (const TagAssignment* t = FindTag(p, "floating")) reason = t->attrs.at("reason");
    // Updated some time after registration, at a whole second.
    Date updated = p.birth;
    ParseDate(arrived.empty() ? Value(p, "birth_date") : arrived, &updated);
    char gxsj[32];
    std::snprintf(gxsj, sizeof gxsj, "%04d-%02d-%02d %02d:%02d:%02d", updated.year, updated.month,
                  updated.day, rng_.Between(8, 17), rng_.Between(0, 59), rng_.Between(0, 59));
    out += std::to_string(++count_);
    for (const std::string& v :
         {Value(p, "name"), Value(p, "id_number"), Value(p, "gender"), Value(p, "ethnicity"),
          Value(p, "birth_date"), Value(p, "hukou_address"),
          rng_.Chance(0.1) ? AddressVariant(rng_, Value(p, "current_address"))
                           : Value(p, "current_address"),
          phone, arrived, reason, std::string(left), std::string(gxsj)}) {
      out += '\t';
      Field(&out, v);
    }
    out += '\n';
  }

  Outsiders* outsiders_;
  DemoRandom rng_;
  std::string dir_;
  BufferedFile file_;
  int64_t count_ = 0;
};

}  // namespace

// A mobile number, not checked for uniqueness: the person's new phone.
std::string SomePhone(DemoRandom& rng) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%08llu",
                static_cast<unsigned long long>(rng.Below(100000000)));
  return std::string(rng.Pick(demo::kMobilePrefixes)) + digits;
}

static void ReplaceAll(std::string* s, const std::string& from, const std::string& to) {
  for (size_t at = s->find(from); at != std::string::npos; at = s->find(from, at + to.size())) {
    s->replace(at, from.size(), to);
  }
}

// The same address as a clerk elsewhere typed it: 幢 for 栋, a trailing 室, full-width digits.
std::string AddressVariant(DemoRandom& rng, std::string address) {
  size_t kind = rng.Weighted({70, 12, 10, 5, 3});
  if (kind == 1) ReplaceAll(&address, "栋", "幢");
  if (kind == 2) address += "室";
  if (kind == 3) {
    std::string wide;
    for (char c : address) {
      if (c >= '0' && c <= '9') {
        wide += "\xEF\xBC";  // U+FF10.. is EF BC 90..99
        wide += static_cast<char>(0x90 + (c - '0'));
      } else {
        wide += c;
      }
    }
    address = wide;
  }
  if (kind == 4) ReplaceAll(&address, "单元", "-");
  return address;
}

// ---------------------------------------------------------------------------------------------
struct Outsiders::State {
  State(uint64_t seed, const Divisions& divisions, const Date& today, const std::string& district)
      : ctx(seed, divisions, today, district) {}
  demo::CityContext ctx;
  HouseholdDraft household;
  size_t next = 0;
};

Outsiders::Outsiders(uint64_t seed, const Divisions& divisions, const Date& today,
                     const std::string& district)
    : state_(std::make_unique<State>(seed, divisions, today, district)) {}

Outsiders::~Outsiders() = default;

const PersonDraft& Outsiders::Next(const std::string& community_code, const std::string& address,
                                   const std::function<bool(const PersonDraft&)>& fits) {
  State& s = *state_;
  for (int attempt = 0;; ++attempt) {
    if (s.next >= s.household.members.size()) {
      demo::Dwelling dwelling;
      dwelling.community_code = community_code;
      dwelling.address = address;
      dwelling.party_branch = "第一党支部";
      s.household = demo::MakeHousehold(&s.ctx, dwelling, 4);
      demo::AddDemoTags(&s.ctx, dwelling, &s.household);
      s.next = 0;
    }
    const PersonDraft& p = s.household.members[s.next++];
    if ((Living(p) && fits(p)) || attempt >= 2000) return p;
  }
}

std::unique_ptr<CitySink> MakeMinzhengSink(const Catalog& catalog, Outsiders* outsiders,
                                           uint64_t seed, const std::string& dir) {
  return std::make_unique<MinzhengSink>(catalog, outsiders, seed, dir);
}

std::unique_ptr<CitySink> MakeCanlianSink(const Catalog& catalog, Outsiders* outsiders,
                                          uint64_t seed, const std::string& dir) {
  return std::make_unique<CanlianSink>(catalog, outsiders, seed, dir);
}

std::unique_ptr<CitySink> MakeGonganSink(Outsiders* outsiders, uint64_t seed,
                                         const std::string& dir) {
  return std::make_unique<GonganSink>(outsiders, seed, dir);
}

}  // namespace onetable::bench

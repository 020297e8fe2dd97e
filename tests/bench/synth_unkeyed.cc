// 卫健's health records: an export with no ID numbers, the labelled set the benchmark's identity
// rows are measured on (see synth_sinks.h). Each record is about a living person of the city,
// or (7%) about someone the register does not have; the slips are those a real export has,
// drawn with these weights (per 1000 records of register persons):
//   420 none            150 phone changed       60 phone left blank
//    60 one birth digit  30 day and month swapped  20 two adjacent birth digits swapped
//    50 traditional characters (陳/陈, OpenCC s2t)  40 a variant surname (萧/肖, 付/傅 …)
//    40 given name transposed (建华/华建)           30 a homophone in the given name (华/化)
//    20 two slips at once: phone changed and one birth digit wrong
//    15 moved: a new phone and another address (only name, birth date and gender agree: with
//       namesakes in the city a worker should look)
// and a quarter of the persons whose surname has a variant (肖, 付, 于 …) get it written the
// other way (萧, 傅, 於 …), as clerks do;
// and, independently, 30% of addresses written another way (AddressVariant). A slip that does
// not apply to the person (no variant surname, a day above 12 …) falls back to another kind;
// the truth file records the kind actually applied.
#include <opencc/opencc.h>

#include <algorithm>
#include <map>

#include "demo/demo_random.h"
#include "ingest/linkage/chinese_names.h"
#include "model/date.h"
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

// Given-name characters and a character read the same that clerks type for them.
const std::map<std::string, std::string>& Homophones() {
  static const std::map<std::string, std::string> kMap = {
      {"华", "化"}, {"明", "铭"}, {"伟", "玮"}, {"军", "君"}, {"英", "瑛"}, {"红", "宏"},
      {"芳", "方"}, {"丽", "莉"}, {"强", "墙"}, {"建", "剑"}, {"文", "雯"}, {"平", "萍"},
      {"玲", "铃"}, {"静", "婧"}, {"杰", "洁"}, {"涛", "韬"}, {"敏", "民"}, {"燕", "艳"},
      {"霞", "侠"}, {"秀", "绣"}, {"梅", "玫"}, {"兰", "岚"}, {"子", "梓"}, {"涵", "晗"},
      {"轩", "萱"}, {"浩", "皓"}, {"宇", "雨"}, {"欣", "馨"}, {"怡", "宜"}, {"辰", "晨"},
      {"娜", "纳"}, {"婷", "庭"}, {"磊", "垒"}, {"勇", "永"}, {"斌", "彬"}, {"鹏", "朋"},
      {"飞", "菲"}, {"刚", "钢"}, {"辉", "徽"}, {"国", "帼"}, {"生", "升"}, {"新", "欣"},
      {"志", "智"}, {"德", "得"}, {"福", "富"}, {"桂", "贵"}, {"凤", "风"}, {"珍", "真"},
  };
  return kMap;
}

class UnkeyedSink : public CitySink {
 public:
  UnkeyedSink(Outsiders* outsiders, uint64_t seed, const Date& today, std::string dir)
      : outsiders_(outsiders), rng_(seed), today_(today), dir_(std::move(dir)) {}
  ~UnkeyedSink() override {
    if (s2t_ != reinterpret_cast<opencc_t>(-1)) opencc_close(s2t_);
  }

  Status Begin(const Division&) override {
    s2t_ = opencc_open("s2t.json");
    if (s2t_ == reinterpret_cast<opencc_t>(-1)) {
      return Status::Unavailable("无法打开 OpenCC 的 s2t.json（需要 libopencc-data）");
    }
    RETURN_IF_ERROR(file_.Open(dir_ + "/weijian.csv"));
    RETURN_IF_ERROR(truth_.Open(dir_ + "/weijian_truth.csv"));
    file_.buffer() += "档案编号,姓名,性别,出生日期,联系电话,现住址\n";
    truth_.buffer() += "line,id_number,kind\n";
    return Status::Ok();
  }

  Status Building(const BuildingOut& building) override {
    for (const HouseholdDraft& h : building.households) {
      for (const PersonDraft& p : h.members) {
        if (p.row.status == kStatusDeceased || !rng_.Chance(1.0 / 170)) continue;
        if (rng_.Chance(0.07)) {
          const PersonDraft& o = outsiders_->Next(building.grid->community->community->code,
                                                  building.address + h.row.values.at("room"),
                                                  [](const PersonDraft&) { return true; });
          Write(o, "", "not_in_register");
        } else {
          Write(p, Value(p, "id_number"), "");
        }
      }
    }
    RETURN_IF_ERROR(truth_.MaybeFlush());
    return file_.MaybeFlush();
  }

  Status Finish() override {
    RETURN_IF_ERROR(truth_.Close());
    return file_.Close();
  }

 private:
  std::string S2T(const std::string& s) {
    char* out = opencc_convert_utf8(s2t_, s.data(), s.size());
    if (out == nullptr) return s;
    std::string r(out);
    opencc_convert_utf8_free(out);
    return r;
  }

  // A valid, different, past date one typed digit away (year's last two digits, month, day).
  bool DigitSlip(const std::string& iso, std::string* out) {
    for (int attempt = 0; attempt < 20; ++attempt) {
      static const int kPositions[] = {2, 3, 5, 6, 8, 9};
      std::string d = iso;
      int pos = kPositions[rng_.Below(6)];
      d[pos] = static_cast<char>('0' + rng_.Below(10));
      Date parsed;
      if (d != iso && !ParseDate(d, &parsed) && !(today_ < parsed)) {
        *out = d;
        return true;
      }
    }
    return false;
  }
  bool AdjacentSwap(const std::string& iso, std::string* out) {
    static const int kPairs[][2] = {{2, 3}, {5, 6}, {8, 9}};
    for (int attempt = 0; attempt < 3; ++attempt) {
      const int* pair = kPairs[rng_.Below(3)];
      std::string d = iso;
      std::swap(d[pair[0]], d[pair[1]]);
      Date parsed;
      if (d != iso && !ParseDate(d, &parsed) && !(today_ < parsed)) {
        *out = d;
        return true;
      }
    }
    return false;
  }

  void Write(const PersonDraft& p, const std::string& id_number, std::string kind) {
    const linkage::ChineseNames& names = linkage::ChineseNames::Get();
    std::string name = Value(p, "name");
    std::string birth = Value(p, "birth_date");
    std::string phone = Value(p, "phone");
    std::string address = Value(p, "current_address");
    auto [surname, given] = names.Split(name);
    // Persons whose surname has a variant (肖/萧, 付/傅 …) get it written the other way often.
    if (kind.empty() && !names.SurnameVariants(surname).empty() && rng_.Chance(0.25)) {
      kind = "surname_variant";
    }
    if (kind.empty()) {
      static const char* const kKinds[] = {"none",        "phone_changed",   "phone_blank",
                                           "birth_digit", "birth_day_month", "birth_adjacent_swap",
                                           "traditional", "surname_variant", "transposed",
                                           "homophone",   "phone_and_birth", "moved"};
      kind = kKinds[rng_.Weighted({420, 150, 60, 60, 30, 20, 50, 40, 40, 30, 20, 15})];
    }
    // Falls back along a chain when a slip does not apply to this person.
    for (int guard = 0; guard < 8; ++guard) {
      if (kind == "birth_day_month") {
        std::string m = birth.substr(5, 2), d = birth.substr(8, 2);
        if (d <= "12" && d != m) {
          birth = birth.substr(0, 5) + d + "-" + m;
          break;
        }
        kind = "birth_digit";
      } else if (kind == "birth_adjacent_swap") {
        if (AdjacentSwap(birth, &birth)) break;
        kind = "birth_digit";
      } else if (kind == "birth_digit") {
        if (DigitSlip(birth, &birth)) break;
        kind = "none";
      } else if (kind == "traditional") {
        std::string t = S2T(name);
        if (t != name) {
          name = t;
          break;
        }
        kind = "surname_variant";
      } else if (kind == "surname_variant") {
        std::vector<std::string> v = names.SurnameVariants(surname);
        if (!v.empty()) {
          name = v[rng_.Below(v.size())] + given;
          break;
        }
        kind = "transposed";
      } else if (kind == "transposed") {
        std::vector<std::string> c = linkage::Characters(given);
        if (c.size() == 2 && c[0] != c[1]) {
          name = surname + c[1] + c[0];
          break;
        }
        kind = "homophone";
      } else if (kind == "homophone") {
        std::vector<std::string> c = linkage::Characters(given);
        bool done = false;
        for (std::string& ch : c) {
          auto it = Homophones().find(ch);
          if (it != Homophones().end()) {
            ch = it->second;
            done = true;
            break;
          }
        }
        if (done) {
          name = surname;
          for (const std::string& ch : c) name += ch;
          break;
        }
        kind = "phone_changed";
      } else if (kind == "phone_changed") {
        if (!phone.empty()) {
          phone = SomePhone(rng_);
          break;
        }
        kind = "birth_digit";
      } else if (kind == "phone_blank") {
        if (!phone.empty()) {
          phone.clear();
          break;
        }
        kind = "none";
      } else if (kind == "moved") {
        if (!phone.empty()) {
          phone = SomePhone(rng_);
          address = "武汉市江汉区解放大道" + std::to_string(rng_.Between(1, 999)) + "号" +
                    std::to_string(rng_.Between(1, 30)) + "栋" +
                    std::to_string(rng_.Between(101, 2802));
          break;
        }
        kind = "phone_blank";
      } else if (kind == "phone_and_birth") {
        if (!phone.empty() && DigitSlip(birth, &birth)) {
          phone = SomePhone(rng_);
          break;
        }
        kind = "birth_digit";
      } else {
        break;  // none, not_in_register
      }
    }
    if (kind != "moved" && rng_.Chance(0.3)) address = AddressVariant(rng_, address);
    std::string row = "WJ" + std::to_string(1000000 + ++count_);
    for (const std::string& v : {name, std::string(p.male ? "男" : "女"), birth, phone, address}) {
      row += ',';
      AppendCsvField(&row, v);
    }
    file_.buffer() += row + "\n";
    truth_.buffer() += std::to_string(count_ + 1) + "," + id_number + "," + kind + "\n";
  }

  Outsiders* outsiders_;
  DemoRandom rng_;
  Date today_;
  std::string dir_;
  opencc_t s2t_ = reinterpret_cast<opencc_t>(-1);
  BufferedFile file_, truth_;
  int64_t count_ = 0;
};

}  // namespace

std::unique_ptr<CitySink> MakeUnkeyedSink(Outsiders* outsiders, uint64_t seed, const Date& today,
                                          const std::string& dir) {
  return std::make_unique<UnkeyedSink>(outsiders, seed, today, dir);
}

}  // namespace onetable::bench

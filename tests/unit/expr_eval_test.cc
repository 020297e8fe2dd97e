// Evaluating mapping expressions over a row: ages at the reference date (birthday on the day,
// 29 February), inclusive between, case bands, masks, labels, date formats, coalesce, in, the
// SQL-like handling of missing values, aggregates through the RowContext seam, and the pushdown
// split agreeing with evaluation.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "expr/cell_functions.h"
#include "expr/check.h"
#include "expr/eval.h"
#include "expr/parser.h"
#include "mapping/pushdown.h"

namespace onetable::mapping {
namespace {

const Catalog& Shipped() {
  static const Catalog* catalog = [] {
    Result<Catalog> loaded = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    EXPECT_TRUE(loaded.ok()) << loaded.status().message();
    return loaded.ok() ? new Catalog(std::move(loaded).value()) : new Catalog();
  }();
  return *catalog;
}

Date D(const char* text) {
  Date d;
  EXPECT_FALSE(ParseDate(text, &d).has_value()) << text;
  return d;
}

// A row held in maps, keyed by FieldPath::ToString(); children feed aggregates.
class FakeRow : public RowContext {
 public:
  FakeRow& Set(const std::string& path, Value v) {
    fields[path] = std::move(v);
    return *this;
  }
  Value Field(const FieldPath& path) override {
    auto it = fields.find(path.ToString());
    return it == fields.end() ? Value::Null() : it->second;
  }
  bool HasTag(const std::string& tag) override { return tags.count(tag) > 0; }
  Value TagAttr(const std::string& tag, const std::string& attr) override {
    auto it = tag_attrs.find(tag + "." + attr);
    return it == tag_attrs.end() ? Value::Null() : it->second;
  }
  int64_t RowNumber() override { return row_number; }
  Result<Value> Aggregate(const AggregateCall& call, const Evaluator& eval) override {
    AggregateAccumulator acc(call);
    for (FakeRow& child : children) RETURN_IF_ERROR(acc.Add(eval, child));
    return acc.Finish();
  }

  std::map<std::string, Value> fields;
  std::set<std::string> tags;
  std::map<std::string, Value> tag_attrs;
  int64_t row_number = 1;
  std::vector<FakeRow> children;
};

ExprPtr Compile(const std::string& text, EntityKind grain = EntityKind::kPerson) {
  TextLocator loc("e", text);
  Result<ExprPtr> parsed = ParseExpr(text, loc);
  EXPECT_TRUE(parsed.ok()) << parsed.status().message();
  if (!parsed.ok()) return nullptr;
  CheckEnv env{Shipped(), grain, ExprRole::kColumn, nullptr};
  Result<ExprType> t = CheckExpr(parsed->get(), env, loc);
  EXPECT_TRUE(t.ok()) << text << ": " << t.status().message();
  return std::move(parsed).value();
}

// The cell text of `text` evaluated over `row` at `as_of`; "ERROR" on failure.
std::string Cell(const std::string& text, RowContext& row, const Date& as_of = D("2024-06-30"),
                 EntityKind grain = EntityKind::kPerson) {
  ExprPtr e = Compile(text, grain);
  if (e == nullptr) return "ERROR";
  Evaluator eval(Shipped(), as_of);
  Result<Value> v = eval.Eval(*e, row);
  if (!v.ok()) return "ERROR " + v.status().message();
  return v->is_null() ? "<null>" : v->ToCell();
}

FakeRow Person(const char* birth) {
  FakeRow row;
  row.Set("birth_date", Value::FromDate(D(birth))).Set("status", Value::String("active"));
  return row;
}

TEST(ExprEvalTest, AgeIsWholeYearsAtTheReferenceDate) {
  struct Case {
    const char* birth;
    const char* as_of;
    const char* age;
  } cases[] = {
      {"1944-06-30", "2024-06-30", "80"},  // birthday on the reference date counts
      {"1944-07-01", "2024-06-30", "79"}, {"1944-06-29", "2024-06-30", "80"},
      {"1944-02-29", "2023-02-28", "78"},  // 29 Feb birthdays count on 1 Mar in other years
      {"1944-02-29", "2023-03-01", "79"}, {"1944-02-29", "2024-02-29", "80"},
      {"1944-02-29", "2024-02-28", "79"}, {"2024-07-01", "2024-06-30", "-1"},
  };
  for (const Case& c : cases) {
    FakeRow row = Person(c.birth);
    EXPECT_EQ(Cell("age", row, D(c.as_of)), c.age) << c.birth << " at " << c.as_of;
    EXPECT_EQ(Cell("age()", row, D(c.as_of)), c.age) << c.birth << " at " << c.as_of;
    EXPECT_EQ(Cell("age(birth_date)", row, D(c.as_of)), c.age) << c.birth << " at " << c.as_of;
  }
  FakeRow no_birth;
  EXPECT_EQ(Cell("age", no_birth), "<null>");
  FakeRow head;
  head.Set("household.head.birth_date", Value::FromDate(D("1950-01-01")));
  EXPECT_EQ(Cell("household.head.age", head), "74");
  EXPECT_EQ(Cell("age('2000-06-30')", head), "24");
}

TEST(ExprEvalTest, BetweenIsInclusive) {
  const char* expr = "age between 60 and 79";
  struct Case {
    const char* birth;
    const char* result;
  } cases[] = {
      {"1964-07-01", "否"},  // 59
      {"1964-06-30", "是"},  // 60 on the day
      {"1944-07-01", "是"},  // 79
      {"1944-06-30", "否"},  // 80
  };
  for (const Case& c : cases) {
    FakeRow row = Person(c.birth);
    EXPECT_EQ(Cell(expr, row), c.result) << c.birth;
  }
  FakeRow row = Person("1964-06-30");
  EXPECT_EQ(Cell("age not between 60 and 79", row), "否");
  EXPECT_EQ(Cell("birth_date between '1964-06-30' and '1964-06-30'", row), "是");
}

TEST(ExprEvalTest, CaseBands) {
  const char* bands =
      "case when age >= 100 then '百岁及以上' when age >= 90 then '90-99岁' else '80-89岁' end";
  struct Case {
    const char* birth;
    const char* band;
  } cases[] = {
      {"1944-06-30", "80-89岁"}, {"1934-07-01", "80-89岁"},    {"1934-06-30", "90-99岁"},
      {"1924-07-01", "90-99岁"}, {"1924-06-30", "百岁及以上"},
  };
  for (const Case& c : cases) {
    FakeRow row = Person(c.birth);
    EXPECT_EQ(Cell(bands, row), c.band) << c.birth;
  }
  FakeRow row = Person("1990-01-01");
  EXPECT_EQ(Cell("case when age > 100 then 'x' end", row), "<null>");
}

TEST(ExprEvalTest, MaskHidesTheMiddle) {
  EXPECT_EQ(MaskText("110101194912310021", FieldType::kIdNumber), "110***********0021");
  EXPECT_EQ(MaskText("11010519491231002X", FieldType::kString), "110***********002X");
  EXPECT_EQ(MaskText("13812345678", FieldType::kPhone), "138****5678");
  EXPECT_EQ(MaskText("010-12345678", FieldType::kPhone), "010*****5678");
  EXPECT_EQ(MaskText("张三丰", FieldType::kString), "张**");
  EXPECT_EQ(MaskText("张三", FieldType::kString), "张*");
  EXPECT_EQ(MaskText("A", FieldType::kString), "*");
  EXPECT_EQ(MaskText("", FieldType::kIdNumber), "");

  FakeRow row;
  row.Set("id_number", Value::String("110101194912310021"))
      .Set("phone", Value::String("13812345678"))
      .Set("name", Value::String("李四"));
  EXPECT_EQ(Cell("mask(id_number)", row), "110***********0021");
  EXPECT_EQ(Cell("mask(phone)", row), "138****5678");
  EXPECT_EQ(Cell("mask(name)", row), "李*");
  EXPECT_EQ(Cell("mask(household.landlord_phone)", row), "<null>");
}

TEST(ExprEvalTest, LabelsFormatsCoalesceConcat) {
  FakeRow row = Person("1944-06-30");
  row.Set("gender", Value::String("2")).Set("name", Value::String("张三"));
  row.tags = {"disability"};
  row.tag_attrs["disability.grade"] = Value::String("2");
  EXPECT_EQ(Cell("label(gender)", row), "女");  // the short name forms print
  EXPECT_EQ(Cell("label_full(gender)", row), "女性");
  EXPECT_EQ(Cell("label(tag(disability).grade)", row), "二级");
  EXPECT_EQ(Cell("label_full(tag(disability).grade)", row), "二级");
  row.Set("gender", Value::String("7"));  // not in the table: shown as itself
  EXPECT_EQ(Cell("label(gender)", row), "7");
  EXPECT_EQ(Cell("label(ethnicity)", row), "<null>");

  EXPECT_EQ(Cell("format_date(birth_date, 'YYYY年MM月DD日')", row), "1944年06月30日");
  EXPECT_EQ(Cell("format_date(birth_date, 'YYYY/M/D')", row), "1944/6/30");
  EXPECT_EQ(Cell("format_date(birth_date, 'YYYYMMDD')", row), "19440630");
  EXPECT_EQ(Cell("format_date(death_date, 'YYYY')", row), "<null>");

  EXPECT_EQ(Cell("coalesce(phone, '无')", row), "无");
  row.Set("phone", Value::String("13812345678"));
  EXPECT_EQ(Cell("coalesce(phone, '无')", row), "13812345678");
  EXPECT_EQ(Cell("concat(name, '(', age, ')')", row), "张三(80)");
  EXPECT_EQ(Cell("concat(name, former_name)", row), "张三");
  row.row_number = 17;
  EXPECT_EQ(Cell("row_number()", row), "17");
}

TEST(ExprEvalTest, InAndMissingValuesFollowSql) {
  FakeRow row;
  row.Set("gender", Value::String("2"));
  EXPECT_EQ(Cell("gender in ('1', '2')", row), "是");
  EXPECT_EQ(Cell("gender not in ('1', '2')", row), "否");
  EXPECT_EQ(Cell("gender in ('1')", row), "否");
  // A list of string literals is looked up as a set: the same answers, with mixed items too.
  row.Set("name", Value::String("张三"));
  EXPECT_NE(Compile("name in ('李四', '张三')")->in_strings, nullptr);
  EXPECT_EQ(Cell("name in ('李四', '王五', '赵六', '张三')", row), "是");
  EXPECT_EQ(Cell("name not in ('李四', '王五', '赵六', '张三')", row), "否");
  EXPECT_EQ(Cell("name in ('李四', '张三 ')", row), "否");
  EXPECT_EQ(Compile("name in ('李四', former_name)")->in_strings, nullptr);
  EXPECT_EQ(Cell("name in ('李四', former_name)", row), "<null>");
  EXPECT_EQ(Cell("name in ('张三', former_name)", row), "是");

  FakeRow empty;
  // A comparison with a missing value is unknown, and so is its negation: a where clause keeps
  // neither, exactly as SQL would after pushdown.
  EXPECT_EQ(Cell("gender in ('1', '2')", empty), "<null>");
  EXPECT_EQ(Cell("not (gender in ('1'))", empty), "<null>");
  EXPECT_EQ(Cell("phone != '1'", empty), "<null>");
  EXPECT_EQ(Cell("phone == null", empty), "是");
  EXPECT_EQ(Cell("phone != null", empty), "否");
  EXPECT_EQ(Cell("phone == null or phone == '1'", empty), "是");
  EXPECT_EQ(Cell("phone == '1' and false", empty), "否");

  ExprPtr cond = Compile("phone != '1'");
  Evaluator eval(Shipped(), D("2024-06-30"));
  Result<bool> keep = eval.Matches(*cond, empty);
  ASSERT_TRUE(keep.ok());
  EXPECT_FALSE(*keep);
}

TEST(ExprEvalTest, AliveMeansActiveAndNoDeathDate) {
  FakeRow row = Person("1940-01-01");
  EXPECT_EQ(Cell("alive", row), "是");
  row.Set("death_date", Value::FromDate(D("2024-01-05")));
  EXPECT_EQ(Cell("alive", row), "否");
  FakeRow moved = Person("1940-01-01");
  moved.Set("status", Value::String("moved_away"));
  EXPECT_EQ(Cell("alive", moved), "否");
  FakeRow head;
  head.Set("household.head.status", Value::String("active"));
  EXPECT_EQ(Cell("household.head.alive", head), "是");
}

// alive at the reference date (expr/alive_rule.h): dates decide against the reference date, and
// 居住状态 迁出 / 死亡 ends alive unless an end date after the reference date says it came later.
TEST(ExprEvalTest, AliveIsJudgedAtTheReferenceDate) {
  FakeRow died_later = Person("1940-01-01");
  died_later.Set("status", Value::String("deceased"));
  died_later.Set("death_date", Value::FromDate(D("2024-09-10")));
  EXPECT_EQ(Cell("alive", died_later), "是");
  EXPECT_EQ(Cell("alive", died_later, D("2024-09-10")), "否");
  FakeRow moved_later = Person("1940-01-01");
  moved_later.Set("status", Value::String("moved_away"));
  moved_later.Set("move_out_date", Value::FromDate(D("2024-07-01")));
  EXPECT_EQ(Cell("alive", moved_later), "是");
  EXPECT_EQ(Cell("alive", moved_later, D("2024-07-01")), "否");
  FakeRow left = Person("1940-01-01");
  left.Set("residence_status", Value::String("3"));  // 迁出
  EXPECT_EQ(Cell("alive", left), "否");
  left.Set("residence_status", Value::String("2"));  // 外出: still on the register
  EXPECT_EQ(Cell("alive", left), "是");
  FakeRow newborn = Person("2024-07-01");
  EXPECT_EQ(Cell("alive", newborn), "否");
  EXPECT_EQ(Cell("alive", newborn, D("2024-07-01")), "是");
  FakeRow arrives = Person("1980-01-01");
  arrives.Set("move_in_date", Value::FromDate(D("2024-08-01")));
  EXPECT_EQ(Cell("alive", arrives), "否");
}

TEST(ExprEvalTest, Arithmetic) {
  FakeRow row = Person("1944-06-30");
  EXPECT_EQ(Cell("1 + 2 * 3", row), "7");
  EXPECT_EQ(Cell("7 / 2", row), "3.5");
  EXPECT_EQ(Cell("age / 0", row), "<null>");
  EXPECT_EQ(Cell("-age + 0.5", row), "-79.5");
  EXPECT_EQ(Cell("9223372036854775807 + 1", row), "<null>");
}

TEST(ExprEvalTest, AggregatesFoldTheRowsBelow) {
  FakeRow grid;
  grid.Set("name", Value::String("第一网格"));
  auto add = [&](const char* birth, const char* gender, double dibao) {
    FakeRow p = Person(birth);
    p.Set("gender", Value::String(gender));
    if (dibao > 0) {
      p.tags.insert("dibao");
      p.tag_attrs["dibao.amount"] = Value::Decimal(dibao);
    }
    grid.children.push_back(p);
  };
  add("1950-01-01", "2", 0);
  add("1960-01-01", "2", 620.5);
  add("1964-06-30", "1", 700);
  add("1990-01-01", "2", 0);
  const EntityKind g = EntityKind::kGrid;
  EXPECT_EQ(Cell("count(person)", grid, D("2024-06-30"), g), "4");
  EXPECT_EQ(Cell("count(person where age >= 60 and gender == \"2\")", grid, D("2024-06-30"), g),
            "2");
  EXPECT_EQ(Cell("sum(tag(dibao).amount where has_tag(dibao))", grid, D("2024-06-30"), g),
            "1320.5");
  EXPECT_EQ(Cell("sum(age where age > 200)", grid, D("2024-06-30"), g), "0");
  EXPECT_EQ(Cell("concat(name, '：', count(person where age >= 60))", grid, D("2024-06-30"), g),
            "第一网格：3");
}

TEST(ExprEvalTest, CellTextOfValues) {
  EXPECT_EQ(Value::Bool(true).ToCell(), "是");
  EXPECT_EQ(Value::Bool(false).ToCanonical(), "0");
  EXPECT_EQ(Value::Decimal(1234.5).ToCell(), "1234.5");
  EXPECT_EQ(Value::Decimal(3.0).ToCell(), "3");
  EXPECT_EQ(Value::Decimal(0.1 + 0.2).ToCell(), "0.3");
  EXPECT_EQ(Value::FromDate(D("2024-06-30")).ToCell(), "2024-06-30");
  const FieldDef* amount = Shipped().FindTag("dibao")->FindAttribute("amount");
  const std::string text = "620.50";
  EXPECT_EQ(ValueFromCanonical(*amount, &text), Value::Decimal(620.5));
  EXPECT_TRUE(ValueFromCanonical(*amount, nullptr).is_null());
}

// Age bounds computed for SQL agree with AgeAt for every day of four years and each threshold.
TEST(PushdownTest, AgeBoundsAgreeWithAgeAt) {
  const Date refs[] = {D("2023-02-28"), D("2023-03-01"), D("2024-02-28"), D("2024-02-29"),
                       D("2024-03-01"), D("2024-06-30"), D("2024-12-31")};
  for (const Date& ref : refs) {
    for (int years : {0, 1, 60, 80}) {
      Date t = LatestBirthDateForAge(ref, years);
      Date birth{ref.year - years - 2, 1, 1};
      for (int i = 0; i < 366 * 4; ++i) {
        const bool old_enough = AgeAt(birth, ref) >= years;
        const bool before_bound = !(t < birth);
        ASSERT_EQ(old_enough, before_bound)
            << "birth " << birth.ToString() << " ref " << ref.ToString() << " years " << years;
        // next day
        static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int days = kDays[birth.month - 1];
        if (birth.month == 2 &&
            ((birth.year % 4 == 0 && birth.year % 100 != 0) || birth.year % 400 == 0)) {
          days = 29;
        }
        if (++birth.day > days) {
          birth.day = 1;
          if (++birth.month > 12) {
            birth.month = 1;
            ++birth.year;
          }
        }
      }
    }
  }
}

std::string Describe(const PushdownSplit& split) {
  std::string out;
  for (const PushdownPredicate& p : split.pushed) {
    out += p.field_path + " " + p.op;
    for (const std::string& v : p.values) out += " " + v;
    out += "; ";
  }
  out += "residual: " + (split.residual ? ToDebugString(*split.residual) : std::string("-"));
  return out;
}

TEST(PushdownTest, SimpleConjunctsGoToSqlTheRestStays) {
  auto accept_all = [](const std::vector<PushdownPredicate>&) { return PushdownChoice::kPush; };
  const Date as_of = D("2024-06-30");
  struct Case {
    const char* where;
    const char* split;
  } cases[] = {
      {"age >= 80 and population_type == \"01\" and alive",
       "birth_date <= 1944-06-30; population_type == 01; status alive_at 2024-06-30 3 4; "
       "residual: -"},
      {"gender == '2' and (age < 18 or age > 60)",
       "gender == 2; residual: (or (< age 18) (> age 60))"},
      {"'1' == gender", "gender == 1; residual: -"},
      {"80 <= age", "birth_date <= 1944-06-30; residual: -"},
      {"age between 15 and 49", "birth_date <= 2009-06-30; birth_date > 1974-06-30; residual: -"},
      {"age == 60", "birth_date > 1963-06-30; birth_date <= 1964-06-30; residual: -"},
      {"grid.code in ('01', '02') and death_date == null",
       "grid.code in 01 02; death_date is null; residual: -"},
      {"birth_date not between '1950-01-01' and '1960-12-31'",
       "birth_date not between 1950-01-01 1960-12-31; residual: -"},
      {"has_tag(dibao) and label(gender) == '女性'",
       " has_tag dibao; residual: (== (label() gender) \"女性\")"},
      {"age != 60", "residual: (!= age 60)"},
      {"name == household.head.name", "residual: (== name household.head.name)"},
  };
  for (const Case& c : cases) {
    ExprPtr e = Compile(c.where);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(Describe(SplitForPushdown(std::move(e), as_of, {"3", "4"}, accept_all)), c.split)
        << c.where;
  }
  // A generator that cannot join the household head keeps that conjunct in C++.
  auto own_columns_only = [](const std::vector<PushdownPredicate>& preds) {
    for (const PushdownPredicate& p : preds) {
      if (!p.path.hops.empty()) return PushdownChoice::kKeep;
    }
    return PushdownChoice::kPush;
  };
  ExprPtr e = Compile("household.head.gender == '1' and gender == '2'");
  EXPECT_EQ(Describe(SplitForPushdown(std::move(e), as_of, {}, own_columns_only)),
            "gender == 2; residual: (== household.head.gender \"1\")");
  // A conjunct pushed to narrow the rows and checked again is in both halves.
  auto recheck_gender = [](const std::vector<PushdownPredicate>& preds) {
    return preds[0].field_path == "gender" ? PushdownChoice::kPushAndCheck : PushdownChoice::kPush;
  };
  PushdownSplit both =
      SplitForPushdown(Compile("gender in ('1', '2') and age > 60"), as_of, {}, recheck_gender);
  EXPECT_EQ(Describe(both),
            "gender in 1 2; birth_date <= 1963-06-30; residual: (in gender \"1\" \"2\")");
  ASSERT_EQ(both.pushed.size(), 2u);
  EXPECT_TRUE(both.pushed[0].rechecked);
  EXPECT_FALSE(both.pushed[1].rechecked);
}

}  // namespace
}  // namespace onetable::mapping

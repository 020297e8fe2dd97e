// The list() and first() aggregates (a household's members in one cell, a household-level tag
// attribute), and CloneExpr, which the generator uses to split a spec's where clause without
// touching the spec.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "expr/check.h"
#include "expr/eval.h"
#include "expr/parser.h"

namespace onetable::expr {
namespace {

const Catalog& Shipped() {
  static const Catalog* catalog = [] {
    Result<Catalog> loaded = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    EXPECT_TRUE(loaded.ok()) << loaded.status().message();
    return loaded.ok() ? new Catalog(std::move(loaded).value()) : new Catalog();
  }();
  return *catalog;
}

struct Checked {
  ExprPtr expr;
  Status status;
};

Checked Check(const std::string& text, EntityKind grain) {
  TextLocator loc("t", text);
  Result<ExprPtr> parsed = ParseExpr(text, loc);
  if (!parsed.ok()) return {nullptr, parsed.status()};
  CheckEnv env{Shipped(), grain, ExprRole::kColumn, nullptr};
  Result<ExprType> t = CheckExpr(parsed->get(), env, loc);
  return {std::move(parsed).value(), t.status()};
}

// One member of a household: name and relationship, maybe a 低保 amount.
class Member : public RowContext {
 public:
  Member(std::string name, std::string relationship, Value amount = Value::Null())
      : name_(std::move(name)), relationship_(std::move(relationship)), amount_(amount) {}
  Value Field(const FieldPath& p) override {
    if (p.key == "name") return Value::String(name_);
    if (p.key == "relationship") return Value::String(relationship_);
    return Value::Null();
  }
  bool HasTag(const std::string&) override { return !amount_.is_null(); }
  Value TagAttr(const std::string&, const std::string&) override { return amount_; }
  int64_t RowNumber() override { return 0; }
  Result<Value> Aggregate(const AggregateCall&, const Evaluator&) override {
    return Status::Internal("nested");
  }

 private:
  std::string name_, relationship_;
  Value amount_;
};

Value Fold(const Expr& e, std::vector<Member> members) {
  Evaluator eval(Shipped(), Date{2024, 6, 30});
  AggregateAccumulator acc(e.aggregate);
  for (Member& m : members) EXPECT_TRUE(acc.Add(eval, m).ok());
  return acc.Finish();
}

TEST(ExprAggregateTest, ListJoinsNonEmptyValuesInRowOrder) {
  Checked c = Check("list(concat(name, '（', label(relationship), '）'))", EntityKind::kHousehold);
  ASSERT_TRUE(c.status.ok()) << c.status.message();
  EXPECT_EQ(c.expr->type.kind, TypeKind::kString);
  EXPECT_EQ(Fold(*c.expr, {{"张三", "02"}, {"李四", "10"}}).ToCell(), "张三（户主）、李四（配偶）");
  Checked names = Check("list(name where has_tag(dibao))", EntityKind::kHousehold);
  ASSERT_TRUE(names.status.ok()) << names.status.message();
  EXPECT_EQ(Fold(*names.expr, {{"甲", "02"}, {"乙", "10", Value::Int(1)}}).ToCell(), "乙");
  EXPECT_EQ(Fold(*names.expr, {}).ToCell(), "");
}

TEST(ExprAggregateTest, FirstKeepsTheFirstNonNullValueAndItsType) {
  Checked c = Check("first(tag(dibao).amount where has_tag(dibao))", EntityKind::kHousehold);
  ASSERT_TRUE(c.status.ok()) << c.status.message();
  EXPECT_EQ(c.expr->type.kind, TypeKind::kDecimal);
  Value v =
      Fold(*c.expr,
           {{"甲", "02"}, {"乙", "10", Value::Decimal(650.5)}, {"丙", "20", Value::Decimal(1)}});
  EXPECT_EQ(v.ToCell(), "650.5");
  EXPECT_TRUE(Fold(*c.expr, {{"甲", "02"}}).is_null());
}

TEST(ExprAggregateTest, ListAndFirstOnlyAtSummaryGrainsAndNeedAValue) {
  Checked person = Check("list(name)", EntityKind::kPerson);
  EXPECT_FALSE(person.status.ok());
  EXPECT_NE(person.status.message().find("只能用于汇总粒度"), std::string::npos)
      << person.status.message();
  Checked empty = Check("first()", EntityKind::kHousehold);
  EXPECT_FALSE(empty.status.ok());
  Checked typo = Check("lsit(name)", EntityKind::kHousehold);
  EXPECT_NE(typo.status.message().find("是否是 “list”"), std::string::npos)
      << typo.status.message();
}

TEST(ExprAggregateTest, CloneIsDeepAndKeepsAggregatePointersInsideTheCopy) {
  Checked c =
      Check("count(person where has_tag(dibao)) + sum(tag(dibao).amount)", EntityKind::kHousehold);
  ASSERT_TRUE(c.status.ok()) << c.status.message();
  ExprPtr copy = CloneExpr(*c.expr);
  EXPECT_EQ(ToDebugString(*copy), ToDebugString(*c.expr));
  const Expr& count = *copy->children[0];
  const Expr& sum = *copy->children[1];
  EXPECT_EQ(count.aggregate.where, count.children[0].get());
  EXPECT_EQ(sum.aggregate.value, sum.children[0].get());
  EXPECT_EQ(sum.aggregate.id, c.expr->children[1]->aggregate.id);
  EXPECT_EQ(copy->type.kind, c.expr->type.kind);
  c.expr.reset();  // the copy owns everything it points at
  EXPECT_EQ(ToDebugString(*copy),
            "(+ (count person where (has_tag dibao)) (sum (tag dibao.amount)))");
}

}  // namespace
}  // namespace onetable::expr

// ID-number rules that need the division list (Validator with schema/divisions): the area code
// must be a GB/T 2260 code in force now or once (areas-historic.csv), and spaces, hyphens and
// full-width digits as people type them are normalized before checking.
#include <gtest/gtest.h>

#include <string>

#include "model/catalog.h"
#include "model/divisions.h"
#include "model/id_number.h"
#include "model/validation.h"

namespace onetable {
namespace {

class IdNumberRegion : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto c = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    ASSERT_TRUE(c.ok()) << c.status().message();
    catalog_ = new Catalog(std::move(*c));
    auto d = Divisions::Load(ONETABLE_SOURCE_DIR "/schema/divisions");
    ASSERT_TRUE(d.ok()) << d.status().message();
    divisions_ = new Divisions(std::move(*d));
  }
  // The problem code for `text` as an ID number ("" when valid); `*out` the canonical form.
  std::string Check(const std::string& text, std::string* out = nullptr) {
    Validator v(*catalog_, divisions_);
    std::string value = text;
    auto problem = v.NormalizeField(*catalog_->Find(EntityKind::kPerson, "id_number"), &value);
    if (out) *out = value;
    return problem ? problem->code : "";
  }
  static Catalog* catalog_;
  static Divisions* divisions_;
};
Catalog* IdNumberRegion::catalog_ = nullptr;
Divisions* IdNumberRegion::divisions_ = nullptr;

TEST_F(IdNumberRegion, AreaCodeMustBeRealCurrentOrHistoric) {
  ASSERT_TRUE(divisions_->has_historic_areas());
  // Valid check digit, but no such region.
  EXPECT_EQ(Check("000000199403239632"), "id_region");
  // 宣武区 (110104) was merged into 西城区 in 2010: a person born in 1980 keeps the code.
  std::string first17 = "11010419800101001";
  EXPECT_EQ(Check(first17 + IdCheckCharacter(first17)), "");
  // A current district, and a city's own code.
  first17 = "42058119800101001";
  EXPECT_EQ(Check(first17 + IdCheckCharacter(first17)), "");
  first17 = "42050019800101001";
  EXPECT_EQ(Check(first17 + IdCheckCharacter(first17)), "");
  first17 = "99999919800101001";
  EXPECT_EQ(Check(first17 + IdCheckCharacter(first17)), "id_region");
  // The message never holds the number.
  Validator v(*catalog_, divisions_);
  std::string value = "000000199403239632";
  auto problem = v.NormalizeField(*catalog_->Find(EntityKind::kPerson, "id_number"), &value);
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->message.find("000000"), std::string::npos);
}

TEST_F(IdNumberRegion, SpacesHyphensAndFullWidthAreNormalized) {
  std::string out;
  EXPECT_EQ(Check(" 411481 19320114 079X ", &out), "");
  EXPECT_EQ(out, "41148119320114079X");
  EXPECT_EQ(Check("411481-19320114-079x", &out), "");
  EXPECT_EQ(out, "41148119320114079X");
  EXPECT_EQ(Check("４１１４８１１９３２０１１４０７９Ｘ", &out), "");
  EXPECT_EQ(out, "41148119320114079X");
  EXPECT_EQ(Check("411481\u300019320114\u3000079X", &out), "");
  // Still 18 characters after the blanks go: a wrong check digit stays wrong.
  EXPECT_EQ(Check(" 411481 19320114 0791 "), "id_checksum");
}

}  // namespace
}  // namespace onetable

// The --preview text table: columns aligned by display width, where each Chinese character
// takes two terminal columns.
#include "mapping/preview_sink.h"

#include <gtest/gtest.h>

#include <sstream>

namespace onetable::mapping {
namespace {

TEST(PreviewSinkTest, AlignsByDisplayWidthWithWideCharactersCountingTwo) {
  std::string text =
      AlignedText({{"序号", "姓名", "年龄"}, {"1", "张三丰", "80"}, {"12", "Li", "7"}});
  EXPECT_EQ(text,
            "序号  姓名    年龄\n"
            "----  ------  ----\n"
            "1     张三丰  80\n"
            "12    Li      7");
}

TEST(PreviewSinkTest, WritesTitleHeaderAndRowsOnEnd) {
  std::ostringstream out;
  PreviewSink sink(out);
  TableMeta meta;
  meta.title = "高龄津贴发放花名册";
  meta.scope = "东风社区";
  meta.as_of = "2024-06-30";
  meta.headers = {"姓名", "备注"};
  ASSERT_TRUE(sink.Begin(meta).ok());
  ASSERT_TRUE(sink.Row({"张三", "多行\n备注"}).ok());
  EXPECT_FALSE(sink.Row({"只有一列"}).ok());
  EXPECT_EQ(out.str(), "");  // nothing until End
  ASSERT_TRUE(sink.End().ok());
  EXPECT_EQ(out.str(),
            "高龄津贴发放花名册 — 东风社区 — 截至 2024-06-30\n"
            "姓名  备注\n"
            "----  ---------\n"
            "张三  多行 备注\n");
}

}  // namespace
}  // namespace onetable::mapping

// `onetable audit` as the operator uses it, on both stores: init creates the audit key outside
// the store and seals its records; verify passes on an intact chain and is itself audited;
// export writes JSON Lines ending with the chain head; purge refuses to cut into the retention
// period and needs an archive file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli_runner.h"

namespace onetable::testing {
namespace {
namespace fs = std::filesystem;

class AuditCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    url_ = TestStoreUrl(dir_);
    config_ = dir_ + "/onetable.yaml";
    std::ofstream(config_) << "store: " << url_ << "\naudit_key_file: " << dir_
                           << "/keys/audit.key\n";
  }
  void TearDown() override { fs::remove_all(dir_); }
  CliResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--config", config_});
    return RunCli(args, "", {{"ONETABLE_ADMIN_PASSWORD", "Admin-password-1"}});
  }
  std::string dir_, url_, config_;
};

TEST_F(AuditCli, InitSealsVerifyExportAndPurgeGuardTheLog) {
  CliResult init = Run({"init"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_NE(init.out.find("审计密钥：" + dir_ + "/keys/audit.key"), std::string::npos) << init.out;
  EXPECT_NE(init.out.find("安全管理员账号：secadmin"), std::string::npos) << init.out;
  EXPECT_NE(init.out.find("审计员账号：auditor"), std::string::npos) << init.out;
  EXPECT_EQ(fs::status(dir_ + "/keys/audit.key").permissions() & fs::perms::others_read,
            fs::perms::none);

  CliResult verify = Run({"audit", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("审计日志完整：3 条记录"), std::string::npos) << verify.out;

  CliResult exported = Run({"audit", "export", "-o", dir_ + "/audit.jsonl"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  std::ifstream in(dir_ + "/audit.jsonl");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("\"action\":\"audit_verify\""), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("{\"chain\":{\"head_seq\":4,"), std::string::npos) << text.str();

  CliResult recent = Run({"audit", "purge", "--before", "2999-01-01", "-o", dir_ + "/a.jsonl"});
  EXPECT_EQ(recent.exit_code, 1);
  EXPECT_NE(recent.err.find("至少保留 180 天"), std::string::npos) << recent.err;
  EXPECT_EQ(Run({"audit", "purge", "--before", "2020-01-01"}).exit_code, 2) << "no archive";
  CliResult nothing = Run({"audit", "purge", "--before", "2020-01-01", "-o", dir_ + "/a.jsonl"});
  EXPECT_EQ(nothing.exit_code, 0) << nothing.err;
  EXPECT_EQ(Run({"audit", "verify"}).exit_code, 0);

  // The key is not the store's: without it nothing can be sealed or checked.
  fs::remove(dir_ + "/keys/audit.key");
  CliResult lost = Run({"audit", "verify"});
  EXPECT_NE(lost.exit_code, 0);
  EXPECT_NE(lost.err.find("请恢复原密钥文件"), std::string::npos) << lost.err;
}

}  // namespace
}  // namespace onetable::testing

// The plugin loader against real shared libraries built from tests/fakes/fake_connector.c: a
// working plugin, and each way a plugin can be wrong. Failures name the plugin and its file.
#include "ingest/plugin_loader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace onetable {
namespace {

const std::string kDir = FAKE_PLUGIN_DIR;

TEST(PluginLoader, LoadsAWorkingPluginAndReadsBatches) {
  auto plugin = LoadConnector("fake", kDir);
  ASSERT_TRUE(plugin.ok()) << plugin.status().message();
  EXPECT_EQ((*plugin)->name(), "fake");
  EXPECT_EQ((*plugin)->origin(), kDir + "/onetable_connector_fake.so");
  EXPECT_EQ((*plugin)->api().option_count, 2u);

  ConnectorSession session(**plugin);
  ASSERT_TRUE(session.Open({{"rows", "5"}, {"label", "x"}}, "", ".").ok());
  auto first = session.Next(3, {});
  ASSERT_TRUE(first.ok()) << first.status().message();
  ASSERT_EQ(first->records.size(), 3u);
  EXPECT_EQ(first->records[0].record_key, "r1");
  EXPECT_EQ(first->records[2].fields[0].second.value_or(""), "v3");
  EXPECT_EQ(first->cursor, "3");
  EXPECT_TRUE(first->more);
  auto second = session.Next(3, {});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->records.size(), 2u);
  EXPECT_FALSE(second->more);

  // A saved cursor resumes where the last committed batch ended.
  ConnectorSession resumed(**plugin);
  ASSERT_TRUE(resumed.Open({{"rows", "5"}, {"label", "x"}}, "4", ".").ok());
  auto rest = resumed.Next(10, {});
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->records.size(), 1u);
  EXPECT_EQ(rest->records[0].record_key, "r5");
}

struct BadPlugin {
  const char* type;
  const char* message;
};

TEST(PluginLoader, RefusesBrokenPluginsNamingThem) {
  const BadPlugin cases[] = {
      {"fakeabi", "接口版本为 99，本程序需要 1"},
      {"fakename", "插件自称 “other”"},
      {"nosym", "没有导出入口函数 onetable_connector_v1"},
      {"missing", "不存在"},
  };
  for (const BadPlugin& c : cases) {
    auto plugin = LoadConnector(c.type, kDir);
    ASSERT_FALSE(plugin.ok()) << c.type;
    const std::string& m = plugin.status().message();
    EXPECT_NE(m.find(c.message), std::string::npos) << m;
    EXPECT_NE(m.find(kDir + "/onetable_connector_" + c.type + ".so"), std::string::npos) << m;
  }
}

TEST(PluginLoader, NotAPluginAtAll) {
  char path[] = "/tmp/onetable-not-a-plugin-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "not an ELF file", 15), 15);
  close(fd);
  auto plugin = LoadConnectorFile(path, "x");
  unlink(path);
  ASSERT_FALSE(plugin.ok());
  EXPECT_NE(plugin.status().message().find("连接器插件 x（" + std::string(path) + "）: 无法加载"),
            std::string::npos)
      << plugin.status().message();
}

TEST(PluginLoader, FailingOpenIsUnreachableAndNamesThePlugin) {
  auto plugin = LoadConnector("fakeopen", kDir);
  ASSERT_TRUE(plugin.ok()) << plugin.status().message();
  ConnectorSession session(**plugin);
  Status st = session.Open({}, "", ".");
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
  EXPECT_NE(st.message().find("连接器插件 fakeopen（"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("无法连接到测试来源"), std::string::npos) << st.message();
}

const OtConnectorV1* StaticFake() {
  static const OtConnectorV1 api = {
      ONETABLE_CONNECTOR_ABI_VERSION, "static_fake", "静态", nullptr, 0, nullptr, nullptr, nullptr};
  return &api;
}

const OtConnectorV1* StaticWrongName() {
  static const OtConnectorV1 api = {
      ONETABLE_CONNECTOR_ABI_VERSION, "x", "x", nullptr, 0, nullptr, nullptr, nullptr};
  return &api;
}

TEST(PluginLoader, StaticRegistryComesFirstAndIsCheckedTheSameWay) {
  RegisterStaticConnector("static_fake", &StaticFake);
  auto plugin = LoadConnector("static_fake", "/nonexistent");
  // Registered, but missing its functions: refused like a shared library would be.
  ASSERT_FALSE(plugin.ok());
  EXPECT_NE(plugin.status().message().find("连接器插件 static_fake（内置）"), std::string::npos)
      << plugin.status().message();
  RegisterStaticConnector("static_wrong", &StaticWrongName);
  auto wrong = LoadConnector("static_wrong", "/nonexistent");
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("插件自称 “x”"), std::string::npos);
}

}  // namespace
}  // namespace onetable

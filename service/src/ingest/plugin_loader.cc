#include "ingest/plugin_loader.h"

#include <dlfcn.h>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>

#ifndef ONETABLE_PLUGIN_DIR
#define ONETABLE_PLUGIN_DIR "connectors"
#endif

namespace onetable {
namespace fs = std::filesystem;

namespace {

constexpr size_t kErrLen = 2048;
constexpr size_t kCursorLen = 64 * 1024;

std::mutex& RegistryMutex() {
  static std::mutex mu;
  return mu;
}

std::map<std::string, OtConnectorEntryV1>& Registry() {
  static std::map<std::string, OtConnectorEntryV1> registry;
  return registry;
}

std::string Plain(const char* s) { return s ? s : ""; }

// Checks what a plugin declares before anything of it runs.
Status CheckApi(const OtConnectorV1* api, const std::string& expected_name) {
  if (api == nullptr) return Status::Invalid("入口函数返回了空指针");
  if (api->abi_version != ONETABLE_CONNECTOR_ABI_VERSION) {
    return Status::Invalid("接口版本为 " + std::to_string(api->abi_version) + "，本程序需要 " +
                           std::to_string(ONETABLE_CONNECTOR_ABI_VERSION) +
                           "（请用与本程序同一版本的 SDK 重新编译该插件）");
  }
  if (api->name == nullptr || expected_name != api->name) {
    return Status::Invalid("插件自称 “" + Plain(api->name) + "”，与文件名所示的 “" + expected_name +
                           "” 不符");
  }
  if (!api->open || !api->next_batch || !api->close) {
    return Status::Invalid("插件缺少 open、next_batch 或 close 函数");
  }
  if (api->option_count > 0 && api->options == nullptr) {
    return Status::Invalid("插件声明了选项个数却没有给出选项");
  }
  for (size_t i = 0; i < api->option_count; ++i) {
    if (api->options[i].key == nullptr) return Status::Invalid("插件的选项缺少名称");
  }
  return Status::Ok();
}

}  // namespace

void RegisterStaticConnector(const std::string& name, OtConnectorEntryV1 entry) {
  std::lock_guard<std::mutex> lock(RegistryMutex());
  Registry()[name] = entry;
}

std::string DefaultPluginDir() {
  const char* env = std::getenv("ONETABLE_PLUGIN_DIR");
  if (env && *env) return env;
  return ONETABLE_PLUGIN_DIR;
}

std::string PluginFileName(const std::string& type) { return "onetable_connector_" + type + ".so"; }

ConnectorPlugin::~ConnectorPlugin() {
  if (library_) dlclose(library_);
}

std::string ConnectorPlugin::Describe() const {
  return "连接器插件 " + name_ + "（" + origin_ + "）";
}

Result<std::unique_ptr<ConnectorPlugin>> LoadConnectorFile(const std::string& path,
                                                           const std::string& expected_name) {
  std::string who = "连接器插件 " + expected_name + "（" + path + "）";
  dlerror();
  void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib) return Status::Invalid(who + ": 无法加载：" + Plain(dlerror()));
  std::unique_ptr<ConnectorPlugin> plugin(new ConnectorPlugin());
  plugin->library_ = lib;
  plugin->name_ = expected_name;
  plugin->origin_ = path;
  dlerror();
  void* sym = dlsym(lib, ONETABLE_CONNECTOR_SYMBOL);
  if (!sym) {
    return Status::Invalid(who + ": 没有导出入口函数 " ONETABLE_CONNECTOR_SYMBOL
                                 "（不是 onetable 连接器，或接口版本不符）");
  }
  auto entry = reinterpret_cast<OtConnectorEntryV1>(sym);
  const OtConnectorV1* api = entry();
  Status st = CheckApi(api, expected_name);
  if (!st.ok()) return st.Wrap(who);
  plugin->api_ = api;
  return plugin;
}

Result<std::unique_ptr<ConnectorPlugin>> LoadConnector(const std::string& type,
                                                       const std::string& plugin_dir) {
  OtConnectorEntryV1 entry = nullptr;
  {
    std::lock_guard<std::mutex> lock(RegistryMutex());
    auto it = Registry().find(type);
    if (it != Registry().end()) entry = it->second;
  }
  if (entry) {
    std::unique_ptr<ConnectorPlugin> plugin(new ConnectorPlugin());
    plugin->name_ = type;
    plugin->origin_ = "内置";
    const OtConnectorV1* api = entry();
    Status st = CheckApi(api, type);
    if (!st.ok()) return st.Wrap(plugin->Describe());
    plugin->api_ = api;
    return plugin;
  }
  std::string path = (fs::path(plugin_dir) / PluginFileName(type)).string();
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    return Status::NotFound(
        "找不到类型为 " + type + " 的连接器插件：" + path +
        " 不存在（插件目录可用环境变量 ONETABLE_PLUGIN_DIR 或 --plugins 指定）");
  }
  return LoadConnectorFile(path, type);
}

// --- sessions ------------------------------------------------------------------------------------

ConnectorSession::~ConnectorSession() {
  if (handle_) plugin_.api().close(handle_);
}

Status ConnectorSession::Open(const std::vector<std::pair<std::string, std::string>>& options,
                              const std::string& cursor, const std::string& base_dir) {
  std::vector<OtKeyValue> kv;
  kv.reserve(options.size());
  for (const auto& [k, v] : options) kv.push_back({k.c_str(), v.c_str()});
  char err[kErrLen] = {0};
  int unreachable = 0;
  try {
    handle_ = plugin_.api().open(kv.data(), kv.size(), cursor.c_str(), base_dir.c_str(),
                                 &unreachable, err, sizeof err);
  } catch (const std::exception& e) {
    return Status::Internal(plugin_.Describe() + ": 打开时出错：" + e.what());
  } catch (...) {
    return Status::Internal(plugin_.Describe() + ": 打开时出错");
  }
  if (handle_) return Status::Ok();
  err[kErrLen - 1] = 0;
  std::string message = err[0] ? err : "打开失败（插件未说明原因）";
  if (unreachable) return Status::Unavailable(plugin_.Describe() + ": " + message);
  return Status::Invalid(plugin_.Describe() + ": " + message);
}

namespace {

struct SinkContext {
  Batch* batch;
  const std::function<void(int64_t, int64_t)>* progress;
};

int OnRecord(void* ctx, const OtRecord* r) {
  auto* c = static_cast<SinkContext*>(ctx);
  SourceRow row;
  row.record_key = Plain(r->record_key);
  row.location = Plain(r->location);
  row.row = r->row;
  row.fields.reserve(r->field_count);
  for (size_t i = 0; i < r->field_count; ++i) {
    const OtKeyValue& f = r->fields[i];
    row.fields.emplace_back(Plain(f.key),
                            f.value ? std::optional<std::string>(f.value) : std::nullopt);
  }
  c->batch->records.push_back(std::move(row));
  return 0;
}

int OnReject(void* ctx, const OtRejectedRow* r) {
  auto* c = static_cast<SinkContext*>(ctx);
  c->batch->rejected.push_back(
      {Plain(r->location), r->row, Plain(r->column), Plain(r->reason), Plain(r->raw)});
  return 0;
}

void OnProgress(void* ctx, int64_t done, int64_t total) {
  auto* c = static_cast<SinkContext*>(ctx);
  if (*c->progress) (*c->progress)(done, total);
}

}  // namespace

Result<Batch> ConnectorSession::Next(size_t max_records,
                                     const std::function<void(int64_t, int64_t)>& progress) {
  if (!handle_) return Status::Internal(plugin_.Describe() + ": 尚未打开");
  Batch batch;
  SinkContext ctx{&batch, &progress};
  OtBatchSink sink{&ctx, &OnRecord, &OnReject, &OnProgress};
  std::string cursor(kCursorLen, '\0');
  char err[kErrLen] = {0};
  int rc;
  try {
    rc = plugin_.api().next_batch(handle_, max_records, &sink, cursor.data(), cursor.size(), err,
                                  sizeof err);
  } catch (const std::exception& e) {
    return Status::Internal(plugin_.Describe() + ": 读取时出错：" + e.what());
  } catch (...) {
    return Status::Internal(plugin_.Describe() + ": 读取时出错");
  }
  err[kErrLen - 1] = 0;
  std::string message = err[0] ? err : "读取失败（插件未说明原因）";
  switch (rc) {
    case OT_BATCH_MORE:
    case OT_BATCH_DONE:
      break;
    case OT_BATCH_UNREACHABLE:
      return Status::Unavailable(plugin_.Describe() + ": " + message);
    case OT_BATCH_ERROR:
      return Status::Internal(plugin_.Describe() + ": " + message);
    default:
      return Status::Internal(plugin_.Describe() + ": 返回了未知的结果 " + std::to_string(rc));
  }
  cursor.resize(strnlen(cursor.data(), cursor.size()));
  batch.cursor = std::move(cursor);
  batch.more = rc == OT_BATCH_MORE;
  return batch;
}

}  // namespace onetable

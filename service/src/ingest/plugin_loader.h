// Finding and loading connector plugins (see onetable/connector.h).
//
// A connector of type T is, in this order: one registered statically under T (tests and any
// binary that links a plugin in), or the shared library `onetable_connector_T.so` in the plugin
// directory. The loader dlopens the library, looks up ONETABLE_CONNECTOR_SYMBOL, and checks
// abi_version, that `name` is T, and that every function is there — before anything else of
// the plugin runs. Every failure names the plugin and the file it came from.
//
// ConnectorSession wraps one open/next_batch/close cycle in Status values; plugin messages are
// wrapped with the plugin's name and file, and a C++ exception escaping a statically linked
// plugin is caught and reported the same way.
//
// Thread-safety: the static registry is guarded; a ConnectorPlugin may be shared for reading;
// a ConnectorSession is used by one thread.
#ifndef ONETABLE_INGEST_PLUGIN_LOADER_H_
#define ONETABLE_INGEST_PLUGIN_LOADER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "onetable/connector.h"
#include "onetable/status.h"

namespace onetable {

// Makes `entry` the connector of type `name` for LoadConnector, ahead of the plugin directory.
// Registering the same name again replaces it.
void RegisterStaticConnector(const std::string& name, OtConnectorEntryV1 entry);

// The plugin directory: $ONETABLE_PLUGIN_DIR when set, else the build's connector output
// directory compiled in.
std::string DefaultPluginDir();
// "onetable_connector_<type>.so".
std::string PluginFileName(const std::string& type);

class ConnectorPlugin {
 public:
  ~ConnectorPlugin();
  ConnectorPlugin(const ConnectorPlugin&) = delete;
  ConnectorPlugin& operator=(const ConnectorPlugin&) = delete;

  const OtConnectorV1& api() const { return *api_; }
  const std::string& name() const { return name_; }
  // The file it was loaded from, or "（内置）" for a static one.
  const std::string& origin() const { return origin_; }
  // "连接器插件 csv（/path/onetable_connector_csv.so）", the prefix of its errors.
  std::string Describe() const;

 private:
  friend Result<std::unique_ptr<ConnectorPlugin>> LoadConnectorFile(const std::string&,
                                                                    const std::string&);
  friend Result<std::unique_ptr<ConnectorPlugin>> LoadConnector(const std::string&,
                                                                const std::string&);
  ConnectorPlugin() = default;

  void* library_ = nullptr;  // dlopen handle, null for static plugins
  const OtConnectorV1* api_ = nullptr;
  std::string name_;
  std::string origin_;
};

// Loads the plugin in `path`, which must call itself `expected_name`.
Result<std::unique_ptr<ConnectorPlugin>> LoadConnectorFile(const std::string& path,
                                                           const std::string& expected_name);
// Finds the connector of `type`: registered statically, else in `plugin_dir`. A missing plugin
// is kNotFound naming the file looked for.
Result<std::unique_ptr<ConnectorPlugin>> LoadConnector(const std::string& type,
                                                       const std::string& plugin_dir);

// One record of a batch, copied out of the plugin's call.
struct SourceRow {
  std::string record_key;
  std::string location;
  int64_t row = 0;
  std::vector<std::pair<std::string, std::optional<std::string>>> fields;
};

struct RejectedRow {
  std::string location;
  int64_t row = 0;
  std::string column;
  std::string reason;
  std::string raw;
};

struct Batch {
  std::vector<SourceRow> records;
  std::vector<RejectedRow> rejected;
  std::string cursor;  // the position after this batch
  bool more = false;   // false: the source is drained
};

class ConnectorSession {
 public:
  // `plugin` must outlive the session.
  explicit ConnectorSession(const ConnectorPlugin& plugin) : plugin_(plugin) {}
  ~ConnectorSession();
  ConnectorSession(const ConnectorSession&) = delete;
  ConnectorSession& operator=(const ConnectorSession&) = delete;

  // kUnavailable when the source cannot be reached, kInvalidArgument for bad options.
  Status Open(const std::vector<std::pair<std::string, std::string>>& options,
              const std::string& cursor, const std::string& base_dir);
  // Reads the next batch of at most `max_records`. `progress` (may be empty) gets the plugin's
  // progress reports. kUnavailable when the source went away, kInternal for other failures.
  Result<Batch> Next(size_t max_records,
                     const std::function<void(int64_t done, int64_t total)>& progress);

 private:
  const ConnectorPlugin& plugin_;
  void* handle_ = nullptr;
};

}  // namespace onetable

#endif  // ONETABLE_INGEST_PLUGIN_LOADER_H_

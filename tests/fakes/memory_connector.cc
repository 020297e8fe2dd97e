#include "fakes/memory_connector.h"

#include <cstdio>
#include <string>

namespace onetable::testing {

std::map<std::string, std::vector<Record>> g_tables;

namespace {

struct MemHandle {
  const std::vector<Record>* rows;
  size_t next;
};

const OtOptionDecl kMemOptions[] = {
    {"table", OT_OPTION_STRING, nullptr, "表名"},
    {"unreachable", OT_OPTION_BOOL, "false", "模拟无法连接"},
};

void* MemOpen(const OtKeyValue* options, size_t n, const char* cursor, const char*,
              int* unreachable, char* err, size_t err_len) {
  std::string table;
  bool down = false;
  for (size_t i = 0; i < n; ++i) {
    if (std::string(options[i].key) == "table") table = options[i].value;
    if (std::string(options[i].key) == "unreachable")
      down = std::string(options[i].value) == "true";
  }
  if (down || !g_tables.count(table)) {
    *unreachable = 1;
    snprintf(err, err_len, "无法连接到内存表 %s", table.c_str());
    return nullptr;
  }
  return new MemHandle{&g_tables[table], cursor && *cursor ? std::stoul(cursor) : 0};
}

int MemNext(void* handle, size_t max, const OtBatchSink* sink, char* cursor_out, size_t len, char*,
            size_t) {
  auto* h = static_cast<MemHandle*>(handle);
  for (size_t n = 0; n < max && h->next < h->rows->size(); ++n, ++h->next) {
    const Record& r = (*h->rows)[h->next];
    if (r.size() == 1 && r[0].first == "!reject") {
      OtRejectedRow bad{"mem", static_cast<int64_t>(h->next + 1), nullptr, r[0].second.c_str(),
                        "a,b"};
      sink->reject(sink->ctx, &bad);
      continue;
    }
    std::vector<OtKeyValue> kv;
    for (const auto& [k, v] : r) kv.push_back({k.c_str(), v.c_str()});
    std::string key = "row" + std::to_string(h->next + 1);
    OtRecord rec{key.c_str(), "mem", static_cast<int64_t>(h->next + 1), kv.data(), kv.size()};
    sink->record(sink->ctx, &rec);
  }
  snprintf(cursor_out, len, "%zu", h->next);
  return h->next < h->rows->size() ? OT_BATCH_MORE : OT_BATCH_DONE;
}

void MemClose(void* h) { delete static_cast<MemHandle*>(h); }

}  // namespace

const OtConnectorV1* MemoryConnector() {
  static const OtConnectorV1 api = {ONETABLE_CONNECTOR_ABI_VERSION,
                                    "memory",
                                    "内存表",
                                    kMemOptions,
                                    2,
                                    MemOpen,
                                    MemNext,
                                    MemClose};
  return &api;
}

}  // namespace onetable::testing

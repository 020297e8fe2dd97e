// The `http` connector plugin: a paged JSON API (page or cursor paging, bearer or basic auth, a
// path to the record array, an incremental parameter), over http_fetch (Poco::Net) and
// http_source (RapidJSON, depth-limited). See http_source.h for paging and the cursor.
//
// Records: each element of the array at records_path; its fields are the object's members as
// text (nested objects flattened as "a.b", numbers exactly as written). The record key is the
// `key` field's value (empty when no key is declared: the runtime then keys on the identity
// fields). The location is the page's URL, the row the record's 1-based place in that page. An
// element that is not an object, or lacks the key field, is rejected to quarantine.
//
// Failures: see http_fetch.h. The first request is made by the first next_batch, so an
// unreachable API aborts the run before anything is written.
//
// Built twice: as the plugin onetable_connector_http.so (exporting onetable_connector_v1) and
// statically, where it is reached as onetable_http_connector().
#include <algorithm>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "http/http_fetch.h"
#include "http/http_source.h"
#include "common/sdk_buffer.h"
#include "onetable/connector.h"

namespace onetable::connectors {
namespace {

const OtOptionDecl kOptions[] = {
    {"url", OT_OPTION_STRING, nullptr,
     "接口地址，如 http://10.1.2.3:8080/api/persons（可带查询参数）"},
    {"records_path", OT_OPTION_STRING, "",
     "响应中记录数组的位置，如 data.items；留空表示响应本身就是数组"},
    {"key", OT_OPTION_STRING, "", "记录中作为来源主键的字段，如 id（可写 a.b）"},
    {"paging", OT_OPTION_STRING, "page", "分页方式：page（页码）、cursor（游标）或 none（不分页）"},
    {"page_param", OT_OPTION_STRING, "page", "页码参数名"},
    {"size_param", OT_OPTION_STRING, "size", "每页条数参数名；留空则不发送"},
    {"page_size", OT_OPTION_INT, "100", "每页条数"},
    {"first_page", OT_OPTION_INT, "1", "第一页的页码（0 或 1）"},
    {"cursor_param", OT_OPTION_STRING, "cursor", "游标分页时的游标参数名"},
    {"next_cursor_path", OT_OPTION_STRING, "",
     "游标分页时响应中下一页游标的位置，如 data.next_cursor"},
    {"since_param", OT_OPTION_STRING, "", "增量参数名，如 updated_since；留空则每次全量读取"},
    {"since_field", OT_OPTION_STRING, "",
     "记录中的更新时间字段，如 updated_at（其最大值作为下次的增量参数）"},
    {"since_initial", OT_OPTION_STRING, "", "首次运行时增量参数的值；留空则首次不发送"},
    {"auth", OT_OPTION_STRING, "none", "认证方式：none、bearer 或 basic"},
    {"token", OT_OPTION_SECRET, "", "bearer 认证的令牌；可写 ${环境变量}"},
    {"username", OT_OPTION_STRING, "", "basic 认证的用户名"},
    {"password", OT_OPTION_SECRET, "", "basic 认证的密码；可写 ${环境变量}"},
    {"timeout", OT_OPTION_INT, "30", "每次请求的超时（秒）"},
    {"retries", OT_OPTION_INT, "3", "遇到 5xx、429 或超时时的重试次数"},
    {"retry_delay_ms", OT_OPTION_INT, "500",
     "第一次重试前等待的毫秒数，之后每次加倍（最多 30 秒）"},
    {"max_response_bytes", OT_OPTION_INT, "16777216", "单个响应的大小上限（字节）"},
    {"max_pages", OT_OPTION_INT, "100000", "一次运行最多读取的页数（防止接口无限翻页）"},
    {"ca_file", OT_OPTION_STRING, "",
     "https：额外信任的 CA 证书文件（PEM，相对于连接器配置文件所在目录）"},
};


struct Handle {
  std::string url;
  std::vector<std::string> records_path, key_path, next_cursor_path, since_path;
  std::string records_path_text, key_text;
  std::string paging;
  std::string page_param, size_param, cursor_param, since_param;
  int64_t page_size = 100;
  int64_t first_page = 1;
  int64_t max_pages = 100000;
  FetchOptions fetch;

  HttpCursor cursor;  // where the run is (in_run set while it runs)
  bool finished = false;
  int64_t pages_fetched = 0;
  int64_t delivered = 0;
  // The page being delivered.
  bool loaded = false;
  rapidjson::Document page;
  const rapidjson::Value* records = nullptr;
  std::string page_url;
  std::string next_token;
};

std::string Option(const OtKeyValue* options, size_t count, const char* key) {
  for (size_t i = 0; i < count; ++i) {
    if (std::strcmp(options[i].key, key) == 0) return options[i].value ? options[i].value : "";
  }
  return "";
}

bool Fail(const std::string& message, char* err, size_t err_len) {
  CopyOut(message, err, err_len);
  return false;
}

bool ParseOptions(Handle* h, const OtKeyValue* options, size_t count, const std::string& base,
                  char* err, size_t err_len) {
  auto get = [&](const char* key) { return Option(options, count, key); };
  auto number = [&](const char* key) { return std::atoll(get(key).c_str()); };
  h->url = get("url");
  const bool https = h->url.rfind("https://", 0) == 0;
  if (h->url.rfind("http://", 0) != 0 && !https) {
    return Fail("选项 url（“" + h->url + "”）应以 http:// 或 https:// 开头", err, err_len);
  }
  if (https && !HttpsSupported()) {
    return Fail("本程序构建时没有 TLS 支持（Poco NetSSL），不能访问 https:// 地址", err, err_len);
  }
  const size_t authority = h->url.find("://") + 3;
  const size_t at = h->url.find('@', authority);
  if (at != std::string::npos && at < h->url.find('/', authority)) {
    return Fail("选项 url 中不要写用户名和密码：请用 auth: basic 与 username、password 选项", err,
                err_len);
  }
  struct PathOption {
    const char* name;
    std::vector<std::string>* out;
  };
  for (const PathOption& p :
       {PathOption{"records_path", &h->records_path}, PathOption{"key", &h->key_path},
        PathOption{"next_cursor_path", &h->next_cursor_path},
        PathOption{"since_field", &h->since_path}}) {
    auto parsed = ParseJsonPath(get(p.name), p.name);
    if (!parsed.ok()) return Fail(parsed.status().message(), err, err_len);
    *p.out = *parsed;
  }
  h->records_path_text = get("records_path");
  h->key_text = get("key");
  h->paging = get("paging");
  if (h->paging != "page" && h->paging != "cursor" && h->paging != "none") {
    return Fail("选项 paging 应为 page、cursor 或 none（现为 “" + h->paging + "”）", err, err_len);
  }
  h->page_param = get("page_param");
  h->size_param = get("size_param");
  h->cursor_param = get("cursor_param");
  h->since_param = get("since_param");
  h->page_size = number("page_size");
  h->first_page = number("first_page");
  h->max_pages = number("max_pages");
  if (h->paging == "page" && h->page_param.empty()) {
    return Fail("页码分页需要选项 page_param", err, err_len);
  }
  if (h->paging == "cursor" && (h->cursor_param.empty() || h->next_cursor_path.empty())) {
    return Fail("游标分页需要选项 cursor_param 和 next_cursor_path", err, err_len);
  }
  if (h->page_size < 1 || h->page_size > 100000) {
    return Fail("选项 page_size 应为 1–100000", err, err_len);
  }
  if (h->max_pages < 1) return Fail("选项 max_pages 应为正整数", err, err_len);
  if (h->since_param.empty() != h->since_path.empty()) {
    return Fail("增量读取需要同时填写选项 since_param 和 since_field", err, err_len);
  }
  FetchOptions& f = h->fetch;
  f.auth = get("auth");
  f.token = get("token");
  f.username = get("username");
  f.password = get("password");
  if (f.auth != "none" && f.auth != "bearer" && f.auth != "basic") {
    return Fail("选项 auth 应为 none、bearer 或 basic（现为 “" + f.auth + "”）", err, err_len);
  }
  if (f.auth == "bearer" && f.token.empty()) {
    return Fail("auth: bearer 需要选项 token", err, err_len);
  }
  if (f.auth == "basic" && f.username.empty()) {
    return Fail("auth: basic 需要选项 username（及 password）", err, err_len);
  }
  const int64_t timeout = number("timeout"), retries = number("retries");
  const int64_t delay = number("retry_delay_ms"), max_bytes = number("max_response_bytes");
  if (timeout < 1 || timeout > 3600) return Fail("选项 timeout 应为 1–3600 秒", err, err_len);
  if (retries < 0 || retries > 10) return Fail("选项 retries 应为 0–10", err, err_len);
  if (delay < 0 || delay > 60000) return Fail("选项 retry_delay_ms 应为 0–60000", err, err_len);
  if (max_bytes < 1024 || max_bytes > (int64_t{1} << 30)) {
    return Fail("选项 max_response_bytes 应为 1024–1073741824", err, err_len);
  }
  f.timeout_seconds = static_cast<int>(timeout);
  f.retries = static_cast<int>(retries);
  f.retry_delay_ms = static_cast<int>(delay);
  f.max_bytes = max_bytes;
  f.ca_file = get("ca_file");
  if (!f.ca_file.empty() && f.ca_file[0] != '/') f.ca_file = base + "/" + f.ca_file;
  return true;
}

void* Open(const OtKeyValue* options, size_t option_count, const char* cursor, const char* base_dir,
           int* unreachable, char* err, size_t err_len) {
  try {
    auto h = std::make_unique<Handle>();
    if (!ParseOptions(h.get(), options, option_count, base_dir ? base_dir : ".", err, err_len)) {
      return nullptr;
    }
    auto saved = DecodeHttpCursor(cursor ? cursor : "");
    if (saved && saved->in_run) {
      h->cursor = *saved;  // an interrupted run: resume where it stopped, asking the same since
    } else {
      // A finished run saved its largest since value; a first run asks since_initial.
      std::string since = saved ? saved->since : "";
      if (since.empty()) since = Option(options, option_count, "since_initial");
      h->cursor = HttpCursor();
      h->cursor.in_run = true;
      h->cursor.since = since;
      h->cursor.max_seen = since;
      h->cursor.page = h->first_page;
    }
    return h.release();
  } catch (const std::exception& e) {
    CopyOut(std::string("打开 HTTP 来源时出错：") + e.what(), err, err_len);
    return nullptr;
  }
}

// Fetches the page the cursor points at. Returns an OtBatchResult error code, or 0.
int LoadPage(Handle* h, char* err, size_t err_len) {
  if (++h->pages_fetched > h->max_pages) {
    CopyOut("HTTP 接口 " + h->url + " 的分页超过 " + std::to_string(h->max_pages) +
                " 页（选项 max_pages），已停止：请检查分页参数",
            err, err_len);
    return OT_BATCH_ERROR;
  }
  std::vector<std::pair<std::string, std::string>> params;
  if (!h->since_param.empty() && !h->cursor.since.empty()) {
    params.emplace_back(h->since_param, h->cursor.since);
  }
  if (h->paging == "page") {
    params.emplace_back(h->page_param, std::to_string(h->cursor.page));
    if (!h->size_param.empty()) params.emplace_back(h->size_param, std::to_string(h->page_size));
  } else if (h->paging == "cursor") {
    if (!h->cursor.token.empty()) params.emplace_back(h->cursor_param, h->cursor.token);
    if (!h->size_param.empty()) params.emplace_back(h->size_param, std::to_string(h->page_size));
  }
  h->page_url = WithQuery(h->url, params);
  FetchResult r = FetchJson(h->page_url, h->fetch);
  if (r.kind != FetchResult::kOk) {
    CopyOut(r.message, err, err_len);
    return r.kind == FetchResult::kUnreachable ? OT_BATCH_UNREACHABLE : OT_BATCH_ERROR;
  }
  Status st = ParseJsonLimited(r.body, kMaxJsonDepth, &h->page);
  if (!st.ok()) {
    CopyOut("HTTP 接口 " + h->page_url + " 的响应无法解析：" + st.message(), err, err_len);
    return OT_BATCH_ERROR;
  }
  h->records = FindJsonPath(h->page, h->records_path);
  if (h->records == nullptr || !h->records->IsArray()) {
    CopyOut("HTTP 接口 " + h->page_url + " 的响应中" +
                (h->records_path.empty() ? std::string("顶层不是数组")
                                         : "找不到记录数组 “" + h->records_path_text + "”") +
                "：请检查选项 records_path",
            err, err_len);
    return OT_BATCH_ERROR;
  }
  h->next_token.clear();
  if (h->paging == "cursor") {
    const rapidjson::Value* next = FindJsonPath(h->page, h->next_cursor_path);
    if (next && !next->IsObject() && !next->IsArray()) h->next_token = JsonText(*next).value_or("");
  }
  h->loaded = true;
  return 0;
}

// Moves the cursor past the page just delivered, or marks the run finished.
void AdvancePage(Handle* h) {
  const int64_t count = static_cast<int64_t>(h->records->Size());
  h->loaded = false;
  h->cursor.skip = 0;
  if (h->paging == "page" && count >= h->page_size) {
    ++h->cursor.page;
  } else if (h->paging == "cursor" && count > 0 && !h->next_token.empty() &&
             h->next_token != h->cursor.token) {
    h->cursor.token = h->next_token;
  } else {
    h->finished = true;
  }
}

int NextBatch(void* handle, size_t max_records, const OtBatchSink* sink, char* cursor_out,
              size_t cursor_len, char* err, size_t err_len) {
  auto* h = static_cast<Handle*>(handle);
  try {
    size_t delivered = 0;
    bool stopped = false;
    while (!h->finished && !stopped && delivered < max_records) {
      if (!h->loaded) {
        int rc = LoadPage(h, err, err_len);
        if (rc != 0) return rc;
      }
      const rapidjson::Value& records = *h->records;
      const int64_t count = static_cast<int64_t>(records.Size());
      while (h->cursor.skip < count && delivered < max_records && !stopped) {
        const int64_t index = h->cursor.skip++;
        ++delivered;
        ++h->delivered;
        const rapidjson::Value& item = records[static_cast<rapidjson::SizeType>(index)];
        if (!item.IsObject()) {
          std::string raw = JsonText(item).value_or("null");
          OtRejectedRow r{h->page_url.c_str(), index + 1, nullptr, "该记录不是 JSON 对象",
                          raw.c_str()};
          stopped = sink->reject(sink->ctx, &r) != 0;
          continue;
        }
        std::string key;
        if (!h->key_path.empty()) {
          const rapidjson::Value* k = FindJsonPath(item, h->key_path);
          std::optional<std::string> text;
          if (k && !k->IsObject() && !k->IsArray()) text = JsonText(*k);
          if (!text || text->empty()) {
            std::string raw = JsonText(item).value_or("");
            OtRejectedRow r{h->page_url.c_str(), index + 1, h->key_text.c_str(),
                            "记录缺少作为主键的字段（选项 key）或其值为空", raw.c_str()};
            stopped = sink->reject(sink->ctx, &r) != 0;
            continue;
          }
          key = *text;
        }
        if (!h->since_path.empty()) {
          const rapidjson::Value* s = FindJsonPath(item, h->since_path);
          if (s && s->IsString()) {  // numbers are kept as strings too
            std::string value(s->GetString(), s->GetStringLength());
            if (IsLater(h->cursor.max_seen, value)) h->cursor.max_seen = value;
          }
        }
        auto fields = RecordFields(item);
        // Values cross the plugin ABI as C strings: a NUL ("\u0000" in JSON) would cut
        // "ID\0GARBAGE" to a valid-looking "ID". Such a record is quarantined, naming the field.
        const std::string* nul_field = nullptr;
        for (const auto& [name, value] : fields) {
          if (value && value->find('\0') != std::string::npos) {
            nul_field = &name;
            break;
          }
        }
        if (nul_field != nullptr) {
          std::string raw = JsonText(item).value_or("");
          OtRejectedRow r{h->page_url.c_str(), index + 1, nul_field->c_str(),
                          "该字段的值含有控制字符（NUL），请检查来源数据", raw.c_str()};
          stopped = sink->reject(sink->ctx, &r) != 0;
          continue;
        }
        std::vector<OtKeyValue> kv;
        kv.reserve(fields.size());
        for (const auto& [name, value] : fields) {
          kv.push_back({name.c_str(), value ? value->c_str() : nullptr});
        }
        OtRecord rec{key.c_str(), h->page_url.c_str(), index + 1, kv.data(), kv.size()};
        stopped = sink->record(sink->ctx, &rec) != 0;
      }
      if (h->cursor.skip >= count) AdvancePage(h);
    }
    if (sink->progress) sink->progress(sink->ctx, h->delivered, 0);
    HttpCursor out = h->cursor;
    if (h->finished) {
      // The next run asks for what changed since the latest record this run saw.
      out = HttpCursor();
      out.since = h->cursor.max_seen;
    }
    const std::string text = EncodeHttpCursor(out);
    if (text.size() + 1 > cursor_len) {
      CopyOut("读取位置信息过长（分页游标过长）", err, err_len);
      return OT_BATCH_ERROR;
    }
    CopyOut(text, cursor_out, cursor_len);
    return h->finished ? OT_BATCH_DONE : OT_BATCH_MORE;
  } catch (const std::exception& e) {
    CopyOut("读取 HTTP 接口 " + h->url + " 时出错：" + e.what(), err, err_len);
    return OT_BATCH_ERROR;
  }
}

void Close(void* handle) { delete static_cast<Handle*>(handle); }

const OtConnectorV1 kHttpConnector = {ONETABLE_CONNECTOR_ABI_VERSION,
                                      "http",
                                      "HTTP 接口（分页的 JSON 数据）",
                                      kOptions,
                                      sizeof kOptions / sizeof kOptions[0],
                                      Open,
                                      NextBatch,
                                      Close};

}  // namespace
}  // namespace onetable::connectors

extern "C" const OtConnectorV1* onetable_http_connector(void) {
  return &onetable::connectors::kHttpConnector;
}

#ifdef ONETABLE_PLUGIN_MODULE
extern "C" __attribute__((visibility("default"))) const OtConnectorV1* onetable_connector_v1(void) {
  return onetable_http_connector();
}
#endif

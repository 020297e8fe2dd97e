#include "http/http_fetch.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>

#include <algorithm>
#include <chrono>
#include <istream>
#include <memory>
#include <thread>

#ifdef ONETABLE_HTTP_TLS
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>

#include <mutex>
#endif

#include "onetable/utf8.h"

namespace onetable::connectors {
namespace {

constexpr int kMaxDelayMs = 30000;
constexpr size_t kBodyExcerpt = 200;

// What one attempt came to; `retry` says whether another attempt may help.
struct Attempt {
  FetchResult result;
  bool retry = false;
};

std::string Excerpt(const std::string& body) {
  if (body.empty()) return "";
  std::string text(utf8::TruncateBytes(body, kBodyExcerpt));
  const size_t n = text.size();
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return "；响应内容：" + text + (n < body.size() ? "…" : "");
}

#ifdef ONETABLE_HTTP_TLS
void InitTls() {
  static std::once_flag once;
  std::call_once(once, [] { Poco::Net::initializeSSL(); });
}
#endif

std::unique_ptr<Poco::Net::HTTPClientSession> MakeSession(const Poco::URI& uri,
                                                          const FetchOptions& options) {
#ifdef ONETABLE_HTTP_TLS
  if (uri.getScheme() == "https") {
    InitTls();
    Poco::Net::Context::Params params;
    params.caLocation = options.ca_file;
    params.loadDefaultCAs = true;
    params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
    Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    return std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(), context);
  }
#endif
  return std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
}

Attempt Once(const std::string& url, const FetchOptions& options) {
  Attempt a;
  FetchResult& r = a.result;
  const std::string where = "HTTP 接口 " + url;
  try {
    Poco::URI uri(url);
    auto session = MakeSession(uri, options);
    session->setTimeout(Poco::Timespan(options.timeout_seconds, 0));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, uri.getPathAndQuery(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("Accept", "application/json");
    request.set("User-Agent", "onetable-connector-http/1");
    if (options.auth == "bearer") {
      request.setCredentials("Bearer", options.token);
    } else if (options.auth == "basic") {
      Poco::Net::HTTPBasicCredentials(options.username, options.password).authenticate(request);
    }
    session->sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = session->receiveResponse(response);
    r.status = static_cast<int>(response.getStatus());
    if (response.hasContentLength() && response.getContentLength64() > options.max_bytes) {
      r.message = where + " 的响应有 " + std::to_string(response.getContentLength64()) +
                  " 字节，超过上限 " + std::to_string(options.max_bytes) +
                  " 字节（选项 max_response_bytes）";
      return a;
    }
    char buf[64 * 1024];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
      r.body.append(buf, static_cast<size_t>(in.gcount()));
      if (static_cast<int64_t>(r.body.size()) > options.max_bytes) {
        r.message = where + " 的响应超过上限 " + std::to_string(options.max_bytes) +
                    " 字节（选项 max_response_bytes）";
        r.body.clear();
        return a;
      }
    }
    const std::string status = "HTTP " + std::to_string(r.status) + " " + response.getReason();
    if (r.status >= 200 && r.status < 300) {
      r.kind = FetchResult::kOk;
    } else if (r.status >= 500 || r.status == 429) {
      a.retry = true;
      const bool gateway = r.status == 502 || r.status == 503 || r.status == 504;
      r.kind = gateway ? FetchResult::kUnreachable : FetchResult::kError;
      r.message = where + " 返回 " + status + Excerpt(r.body);
    } else if (r.status == 401 || r.status == 403) {
      r.message = where + " 拒绝访问（" + status +
                  "）：请检查选项 auth、token 或 username/password" + Excerpt(r.body);
    } else if (r.status >= 300 && r.status < 400) {
      r.message = where + " 返回重定向 " + status + "（新地址：" + response.get("Location", "") +
                  "）：请把选项 url 改为新地址";
    } else {
      r.message = where + " 返回 " + status + Excerpt(r.body);
    }
    return a;
  } catch (const Poco::Net::ConnectionRefusedException&) {
    r.kind = FetchResult::kUnreachable;
    r.message = "无法连接 " + where + "：连接被拒绝。请确认服务已启动、地址和端口正确";
  } catch (const Poco::Net::HostNotFoundException&) {
    r.kind = FetchResult::kUnreachable;
    r.message = "无法连接 " + where + "：找不到主机。请检查选项 url 中的主机名";
  } catch (const Poco::Net::NoAddressFoundException&) {
    r.kind = FetchResult::kUnreachable;
    r.message = "无法连接 " + where + "：主机没有可用的地址。请检查选项 url 中的主机名";
  } catch (const Poco::TimeoutException&) {
    r.kind = FetchResult::kUnreachable;
    a.retry = true;
    r.message = "访问 " + where + " 超时（" + std::to_string(options.timeout_seconds) +
                " 秒，选项 timeout）";
#ifdef ONETABLE_HTTP_TLS
  } catch (const Poco::Net::SSLException& e) {
    // A certificate that does not verify will not verify on a retry either.
    r.kind = FetchResult::kError;
    r.message = "与 " + where + " 建立 TLS 连接失败：" + e.displayText() +
                "。请检查服务器证书，或用选项 ca_file 指定签发它的 CA";
#endif
  } catch (const Poco::Net::NetException& e) {
    r.kind = FetchResult::kUnreachable;
    a.retry = true;
    r.message = "访问 " + where + " 时网络出错：" + e.displayText();
  } catch (const Poco::IOException& e) {
    r.kind = FetchResult::kUnreachable;
    a.retry = true;
    r.message = "访问 " + where + " 时网络出错：" + e.displayText();
  } catch (const Poco::Exception& e) {
    r.kind = FetchResult::kError;
    r.message = "访问 " + where + " 失败：" + e.displayText();
  } catch (const std::exception& e) {
    r.kind = FetchResult::kError;
    r.message = "访问 " + where + " 失败：" + e.what();
  }
  return a;
}

}  // namespace

bool HttpsSupported() {
#ifdef ONETABLE_HTTP_TLS
  return true;
#else
  return false;
#endif
}

FetchResult FetchJson(const std::string& url, const FetchOptions& options) {
  int64_t delay = std::max(0, options.retry_delay_ms);
  for (int attempt = 0;; ++attempt) {
    Attempt a = Once(url, options);
    a.result.attempts = attempt + 1;
    if (!a.retry || attempt >= options.retries) {
      if (attempt > 0 && a.result.kind != FetchResult::kOk) {
        a.result.message += "（共尝试 " + std::to_string(attempt + 1) + " 次）";
      }
      return a.result;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    delay = std::min<int64_t>(kMaxDelayMs, delay * 2);
  }
}

}  // namespace onetable::connectors

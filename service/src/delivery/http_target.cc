// The http delivery target over Poco::Net (https through Poco NetSSL when the build has it).
#include <Poco/DateTimeParser.h>
#include <Poco/Exception.h>
#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <istream>
#include <memory>
#include <ostream>

#ifdef ONETABLE_DELIVERY_TLS
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>

#include <mutex>
#endif

#include "delivery/delivery_target.h"
#include "onetable/text.h"
#include "onetable/utf8.h"

namespace onetable {
namespace {

constexpr size_t kMaxResponseBytes = 64 * 1024;  // what is read of an answer (for the receipt)
constexpr size_t kExcerptBytes = 200;

std::string Excerpt(const std::string& body) {
  if (body.empty()) return "";
  std::string text(utf8::TruncateBytes(body, kExcerptBytes));
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return "；响应内容：" + text + (text.size() < body.size() ? "…" : "");
}

class HttpTarget : public DeliveryTarget {
 public:
  explicit HttpTarget(DeliveryTargetSpec spec) : spec_(std::move(spec)) {}

  SendResult Send(const std::string& delivery_id, const DeliveryBatch& batch) override {
    SendResult r;
    // The URL without its query, so a token in it stays out of receipts and logs.
    std::string where = "推送地址 " + spec_.url.substr(0, spec_.url.find('?'));
    try {
      Poco::URI uri(spec_.url);
      std::unique_ptr<Poco::Net::HTTPClientSession> session = MakeSession(uri);
      session->setTimeout(Poco::Timespan(spec_.timeout_seconds, 0));
      Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, uri.getPathAndQuery(),
                                     Poco::Net::HTTPMessage::HTTP_1_1);
      request.setContentType("application/json; charset=utf-8");
      request.setContentLength64(static_cast<Poco::Int64>(batch.body.size()));
      request.set("Idempotency-Key", delivery_id + ":" + std::to_string(batch.seq));
      request.set("User-Agent", "onetable-delivery/1");
      request.set("Accept", "application/json");
      if (!spec_.bearer.empty()) {
        request.setCredentials("Bearer", spec_.bearer);
      } else if (!spec_.basic_user.empty()) {
        Poco::Net::HTTPBasicCredentials(spec_.basic_user, spec_.basic_password)
            .authenticate(request);
      }
      std::ostream& out = session->sendRequest(request);
      out.write(batch.body.data(), static_cast<std::streamsize>(batch.body.size()));
      out.flush();
      Poco::Net::HTTPResponse response;
      std::istream& in = session->receiveResponse(response);
      std::string body;
      char buf[8192];
      while (body.size() < kMaxResponseBytes && (in.read(buf, sizeof buf) || in.gcount() > 0)) {
        body.append(buf, static_cast<size_t>(in.gcount()));
      }
      r.code = static_cast<int>(response.getStatus());
      const std::string status = "HTTP " + std::to_string(r.code) + " " + response.getReason();
      if (response.has("Retry-After")) {
        r.retry_after_ms =
            ParseRetryAfter(response.get("Retry-After"), static_cast<int64_t>(std::time(nullptr)));
      }
      if (r.code >= 200 && r.code < 300) {
        r.kind = SendResult::kAcked;
        r.message = where + " 已确认接收（" + status + "）";
      } else if (r.code == 408 || r.code == 429 || r.code >= 500) {
        r.kind = SendResult::kRetry;
        r.message = where + " 返回 " + status + Excerpt(body);
      } else {
        r.kind = SendResult::kRefused;
        r.message = where + " 拒收该批次（" + status + "），不再重试" + Excerpt(body);
      }
    } catch (const Poco::Net::ConnectionRefusedException&) {
      r.message = "无法连接" + where + "：连接被拒绝";
    } catch (const Poco::Net::HostNotFoundException&) {
      r.message = "无法连接" + where + "：找不到主机";
    } catch (const Poco::TimeoutException&) {
      r.message = "访问" + where + "超时（" + std::to_string(spec_.timeout_seconds) +
                  " 秒，选项 target.timeout）";
#ifdef ONETABLE_DELIVERY_TLS
    } catch (const Poco::Net::SSLException& e) {
      r.kind = SendResult::kRefused;
      r.message = "与" + where + "建立 TLS 连接失败：" + e.displayText() +
                  "。请检查服务器证书，或用 target.ca_file 指定签发它的 CA";
#endif
    } catch (const Poco::Exception& e) {
      r.message = "访问" + where + "时网络出错：" + e.displayText();
    } catch (const std::exception& e) {
      r.message = "访问" + where + "时出错：" + e.what();
    }
    return r;
  }

 private:
  std::unique_ptr<Poco::Net::HTTPClientSession> MakeSession(const Poco::URI& uri) {
#ifdef ONETABLE_DELIVERY_TLS
    if (uri.getScheme() == "https") {
      static std::once_flag once;
      std::call_once(once, [] { Poco::Net::initializeSSL(); });
      Poco::Net::Context::Params params;
      params.caLocation = spec_.ca_file;
      params.loadDefaultCAs = true;
      params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
      Poco::Net::Context::Ptr context =
          new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
      return std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(), context);
    }
#endif
    return std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
  }

  DeliveryTargetSpec spec_;
};

}  // namespace

int64_t ParseRetryAfter(const std::string& value, int64_t now) {
  const std::string v(TrimBlank(value));
  if (v.empty()) return -1;
  if (std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (v.size() > 9) return -1;
    return std::stoll(v) * 1000;
  }
  try {
    int tz = 0;
    Poco::DateTime when = Poco::DateTimeParser::parse(v, tz);
    const int64_t at = when.timestamp().epochTime() - tz;
    return std::max<int64_t>(0, at - now) * 1000;
  } catch (const Poco::Exception&) {
    return -1;
  }
}

int64_t RetryDelayMs(const RetrySpec& retry, int attempt, int64_t retry_after_ms, double random01) {
  const int shift = std::min(std::max(attempt - 1, 0), 30);
  double base = static_cast<double>(retry.delay_ms) * std::pow(2.0, shift);
  base = std::min(base, static_cast<double>(retry.max_delay_ms));
  // Equal jitter: half fixed, half random, so instances retrying together spread out.
  int64_t delay = static_cast<int64_t>(base / 2 + random01 * base / 2);
  if (retry_after_ms > delay) delay = std::min(retry_after_ms, retry.max_delay_ms);
  return delay;
}

Result<std::unique_ptr<DeliveryTarget>> OpenHttpTarget(const DeliveryTargetSpec& target) {
#ifndef ONETABLE_DELIVERY_TLS
  if (StartsWith(target.url, "https://")) {
    const std::string at = target.where.count("url") ? target.where.at("url") + ": " : "";
    return Status::Invalid(at +
                           "本程序构建时没有 TLS 支持（Poco NetSSL），不能推送到 https:// 地址");
  }
#endif
  return std::unique_ptr<DeliveryTarget>(new HttpTarget(target));
}

}  // namespace onetable

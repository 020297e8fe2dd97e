#include "receiver.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <rapidjson/document.h>

#include <sstream>

namespace onetable::testing {
namespace {

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(Receiver* r) : r_(r) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req,
                     Poco::Net::HTTPServerResponse& resp) override {
    Receiver::Request request;
    std::ostringstream body;
    Poco::StreamCopier::copyStream(req.stream(), body);
    request.body = body.str();
    request.key = req.get("Idempotency-Key", "");
    request.authorization = req.get("Authorization", "");
    request.content_type = req.getContentType();
    int status = 200;
    std::string retry_after;
    r_->Handle(std::move(request), &status, &retry_after);
    if (status == 0) return;  // held: the client went away
    try {
      resp.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
      if (!retry_after.empty()) resp.set("Retry-After", retry_after);
      resp.setContentType("application/json");
      resp.send() << (status == 200 ? "{\"ok\":true}" : "{\"error\":\"test\"}");
    } catch (...) {
    }
  }

 private:
  Receiver* r_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(Receiver* r) : r_(r) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(r_);
  }

 private:
  Receiver* r_;
};

}  // namespace

int64_t BatchOf(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("batch") || !d["batch"].IsInt64()) {
    return -1;
  }
  return d["batch"].GetInt64();
}

Receiver::Receiver() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  port_ = socket.address().port();
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(8);
  params->setKeepAlive(false);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(this), socket, params);
  server_->start();
}

Receiver::~Receiver() {
  Release();
  server_->stopAll(true);
}

void Receiver::FailNext(int n, const std::string& retry_after) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_next_ = n;
  retry_after_ = retry_after;
}

void Receiver::AnswerAll(int status) {
  std::lock_guard<std::mutex> lock(mu_);
  answer_all_ = status;
}

void Receiver::Hold(int64_t seq) {
  std::lock_guard<std::mutex> lock(mu_);
  hold_ = seq;
  released_ = false;
}

void Receiver::Release() {
  std::lock_guard<std::mutex> lock(mu_);
  released_ = true;
  hold_ = 0;
  changed_.notify_all();
}

std::vector<Receiver::Request> Receiver::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

void Receiver::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  requests_.clear();
}

bool Receiver::WaitFor(const std::function<bool(const std::vector<Request>&)>& done,
                       std::chrono::seconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return changed_.wait_for(lock, timeout, [&] { return done(requests_); });
}

void Receiver::Handle(Request request, int* status, std::string* retry_after) {
  std::unique_lock<std::mutex> lock(mu_);
  const int64_t seq = BatchOf(request.body);
  if (hold_ != 0 && seq == hold_) {
    request.answered = 0;
    requests_.push_back(std::move(request));
    changed_.notify_all();
    changed_.wait(lock, [&] { return released_; });
    *status = 0;
    return;
  }
  if (fail_next_ > 0) {
    --fail_next_;
    *status = 503;
    *retry_after = retry_after_;
    retry_after_.clear();  // only the first refusal says when to come back
  } else {
    *status = answer_all_ ? answer_all_ : 200;
  }
  request.answered = *status;
  requests_.push_back(std::move(request));
  changed_.notify_all();
}

}  // namespace onetable::testing

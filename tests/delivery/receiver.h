// A loopback HTTP receiver for delivery tests: records every POST (Idempotency-Key, body,
// Authorization) and answers as scripted — the first N attempts 503 (optionally with
// Retry-After), a status for every request, or hold one batch without answering until released
// (a delivery killed while it waits). Real HTTP over 127.0.0.1 on an ephemeral port.
#ifndef ONETABLE_TESTS_DELIVERY_RECEIVER_H_
#define ONETABLE_TESTS_DELIVERY_RECEIVER_H_

#include <Poco/Net/HTTPServer.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace onetable::testing {

class Receiver {
 public:
  struct Request {
    std::string key;  // Idempotency-Key
    std::string body;
    std::string authorization;
    std::string content_type;
    int answered = 0;  // the status sent back (0: held, never answered)
  };

  Receiver();
  ~Receiver();

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/push"; }

  // The next `n` requests answer 503, the first of them with Retry-After: `retry_after` when
  // that is not empty.
  void FailNext(int n, const std::string& retry_after = "");
  // Every request answers `status` (0: back to 200).
  void AnswerAll(int status);
  // The request for batch `seq` is held without an answer until Release().
  void Hold(int64_t seq);
  void Release();

  std::vector<Request> requests() const;
  void Clear();
  // Waits until `done` holds over the requests (true) or `timeout` passes (false).
  bool WaitFor(const std::function<bool(const std::vector<Request>&)>& done,
               std::chrono::seconds timeout = std::chrono::seconds(60));

  // Called by the handler.
  void Handle(Request request, int* status, std::string* retry_after);

 private:
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::vector<Request> requests_;
  int fail_next_ = 0;
  std::string retry_after_;
  int answer_all_ = 0;
  int64_t hold_ = 0;
  bool released_ = false;
  int port_ = 0;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

// The "batch" of a body, or -1.
int64_t BatchOf(const std::string& body);

}  // namespace onetable::testing

#endif  // ONETABLE_TESTS_DELIVERY_RECEIVER_H_

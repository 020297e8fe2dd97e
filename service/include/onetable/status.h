// Status and Result<T>: how every fallible function in onetable reports failure.
//
// A Status is either OK or carries a code and a message. Messages are written for the person who
// will read them (Chinese for users, and always naming the file, row, column, field or URL that is
// at fault). Exceptions from third-party libraries are caught in the adapter that calls them and
// turned into a Status; no exception crosses a component boundary.
//
// Thread-safety: values; safe to copy and move between threads.
#ifndef ONETABLE_STATUS_H_
#define ONETABLE_STATUS_H_

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace onetable {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // bad input: a file, a row, a request field
  kNotFound,
  kAlreadyExists,    // a unique key (e.g. an ID number) is taken
  kConflict,         // compare-and-set failed: the row's version is not the one expected
  kFailedPrecondition,  // e.g. a database newer than this binary, a missing parent row
  kUnavailable,      // a server that cannot be reached
  kPermissionDenied,
  kInternal,
  kUnauthenticated,  // no valid credentials: missing, wrong, expired or revoked (HTTP 401)
  kAborted,  // the database rolled the whole transaction back to break a deadlock; running it
             // again is safe and may succeed
  kBusy,     // another run holds the lease on this work (a connector's source, a delivery)
};

class Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status Invalid(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status Exists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
  static Status Precondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status Denied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
  static Status Unauthenticated(std::string m) {
    return {StatusCode::kUnauthenticated, std::move(m)};
  }
  static Status Aborted(std::string m) { return {StatusCode::kAborted, std::move(m)}; }
  static Status Busy(std::string m) { return {StatusCode::kBusy, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "prefix: message" (for adding where an error happened).
  Status Wrap(const std::string& prefix) const {
    if (ok()) return *this;
    return Status(code_, prefix + ": " + message_);
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Either a value or a non-OK Status.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace onetable

#define ONETABLE_CONCAT_INNER(a, b) a##b
#define ONETABLE_CONCAT(a, b) ONETABLE_CONCAT_INNER(a, b)

// Returns early from the enclosing function when `expr` (a Status) is not OK.
#define RETURN_IF_ERROR(expr)                    \
  do {                                           \
    ::onetable::Status _st = (expr);             \
    if (!_st.ok()) return _st;                   \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, F())` binds the value of a Result or returns its Status.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL(ONETABLE_CONCAT(_res_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()

#endif  // ONETABLE_STATUS_H_

// DenialAudit: merges repeated denied requests from one client into one audit record with a
// count (issue 16, M3), so that a client hammering the API without credentials cannot fill the
// append-only audit log at request rate.
//
// Denials are alike when they have the same client address, user ("" when none), status and
// route pattern (the method and pattern without ids, so varying ids does not make them differ).
// The first of a kind in a window (60 s) is recorded as it happens. Further ones in that window
// are only counted; when the window is over, the count is recorded once, as one "denied" record
// of that user and address, object the route, detail "repeated count=N status=S from=<first>
// to=<last>", before the next alike denial is recorded (Note), else when a request finds windows
// that are over (TakeExpired), or at shutdown (TakeAll). At most max_kinds kinds are tracked;
// past that a denial is recorded individually.
//
// Thread-safety: all methods are safe from any thread.
#ifndef ONETABLE_HTTP_DENIAL_AUDIT_H_
#define ONETABLE_HTTP_DENIAL_AUDIT_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace onetable {

class DenialAudit {
 public:
  // What makes denials alike.
  struct Kind {
    std::string address;
    std::string user;
    std::string role;   // recorded, not compared
    std::string route;  // "GET /api/v1/tree"
    int status = 0;
  };
  // A count to record: `count` denials of `kind` between the two times.
  struct Summary {
    Kind kind;
    int64_t count = 0;
    int64_t first_at = 0;  // Unix seconds
    int64_t last_at = 0;
  };
  struct Decision {
    bool record_this = true;         // write this denial's own record
    std::vector<Summary> summaries;  // counts to write first (a window that is over)
  };

  explicit DenialAudit(int64_t window_seconds = 60, size_t max_kinds = 10000)
      : window_(window_seconds), max_kinds_(max_kinds) {}

  Decision Note(const Kind& kind, int64_t now);
  // Counts of windows over at `now` (their clients are forgotten). Cheap when none are: checks
  // at most once a second.
  std::vector<Summary> TakeExpired(int64_t now);
  std::vector<Summary> TakeAll();

  // "repeated count=N status=S from=... to=..." for a Summary's record.
  static std::string Detail(const Summary& summary);

 private:
  struct Window {
    Kind kind;
    int64_t started = 0;
    int64_t last = 0;
    int64_t suppressed = 0;
  };

  const int64_t window_;
  const size_t max_kinds_;
  std::mutex mutex_;
  std::map<std::string, Window> windows_;  // by KeyOf(kind)
  int64_t last_sweep_ = 0;
};

}  // namespace onetable

#endif  // ONETABLE_HTTP_DENIAL_AUDIT_H_

// The `onetable` command's exit codes, the same for every verb (CLI and serve alike):
//   0 done, 1 invalid input (a bad catalog, a failed migration...), 2 bad usage or config,
//   3 the store or a source cannot be reached, 4 another run holds the lease.
#ifndef ONETABLE_APP_EXIT_CODES_H_
#define ONETABLE_APP_EXIT_CODES_H_

namespace onetable {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitUnavailable = 3;
inline constexpr int kExitBusy = 4;

}  // namespace onetable

#endif  // ONETABLE_APP_EXIT_CODES_H_

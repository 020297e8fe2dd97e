// AtomicFile: writes a file under a temporary name in the target's directory and renames it over
// the target on Commit, so nobody ever sees a half-written file and a failure leaves nothing
// behind (the temporary is removed when the AtomicFile is destroyed uncommitted). Writers that
// stream bytes use stream(); writers that open files themselves (libxlsxwriter) use temp_path().
//
// Thread-safety: one thread.
#ifndef ONETABLE_MAPPING_ATOMIC_FILE_H_
#define ONETABLE_MAPPING_ATOMIC_FILE_H_

#include <fstream>
#include <memory>
#include <string>

#include "onetable/status.h"

namespace onetable::mapping {

class AtomicFile {
 public:
  // Creates the temporary file ".<name>.tmp-XXXXXX" next to `target`. Fails (naming the path)
  // when the directory does not exist or is not writable.
  static Result<std::unique_ptr<AtomicFile>> Create(const std::string& target);

  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();  // removes the temporary unless committed

  const std::string& target() const { return target_; }
  const std::string& temp_path() const { return temp_; }

  // The temporary file opened for writing (opened on first use).
  std::ostream& stream();

  // Flushes and closes the stream (if used), syncs the file to disk and renames it over the
  // target. On failure the temporary is removed and the target is left as it was.
  Status Commit();

 private:
  AtomicFile(std::string target, std::string temp)
      : target_(std::move(target)), temp_(std::move(temp)) {}

  std::string target_;
  std::string temp_;
  std::ofstream out_;
  bool committed_ = false;
};

}  // namespace onetable::mapping

#endif  // ONETABLE_MAPPING_ATOMIC_FILE_H_

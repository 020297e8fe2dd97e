// GuardedZip: read access to the entries of an untrusted zip file (an .xlsx), with limits.
//
// Before anything is inflated, Open checks the archive against its central directory: the
// entry count, each entry's uncompressed size, the total, and each entry's compression ratio
// (a zip bomb compresses 100 MB of zeros into a few hundred KB). While inflating, Read enforces
// the sizes again, so a directory that lies about them stops at the declared size. Errors are
// Chinese and name the file (and entry).
//
// Thread-safety: not thread-safe (one input stream); use one instance per thread.
#ifndef ONETABLE_CONNECTORS_XLSX_ZIP_GUARD_H_
#define ONETABLE_CONNECTORS_XLSX_ZIP_GUARD_H_

#include <cstdint>
#include <functional>
#include <istream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "onetable/status.h"

namespace Poco::Zip {
class ZipArchive;
}

namespace onetable::connectors {

struct ZipLimits {
  size_t max_entries = 10000;
  uint64_t max_entry_bytes = 256ull << 20;  // uncompressed, one entry
  uint64_t max_total_bytes = 1ull << 30;    // uncompressed, all entries
  double max_ratio = 200;                   // uncompressed / compressed, one entry...
  uint64_t ratio_floor_bytes = 1 << 20;     // ...once it is bigger than this
};

class GuardedZip {
 public:
  // Opens the zip read from `in` (must be seekable). `file_name` names it in messages. Fails
  // for a file that is not a zip (with a hint for .xls and encrypted workbooks), a truncated
  // one, an encrypted or unsupported entry, or one over the limits.
  static Result<std::unique_ptr<GuardedZip>> Open(std::unique_ptr<std::istream> in,
                                                  std::string file_name, ZipLimits limits);
  ~GuardedZip();
  GuardedZip(const GuardedZip&) = delete;
  GuardedZip& operator=(const GuardedZip&) = delete;

  bool Has(const std::string& entry) const;
  // Names of the file entries, sorted.
  std::vector<std::string> EntryNames() const;

  // Inflates `entry` and hands the data to `consume` as a stream. The stream ends early when the
  // data grows past the declared size or the limits, or is corrupt (bad deflate data, CRC
  // mismatch); that error is returned in preference to whatever `consume` made of the cut
  // stream. Otherwise returns `consume`'s status.
  Status Read(const std::string& entry, const std::function<Status(std::istream&)>& consume);

  const std::string& file_name() const { return file_name_; }

 private:
  GuardedZip(std::unique_ptr<std::istream> in, std::string file_name, ZipLimits limits);
  Status Load();

  std::unique_ptr<std::istream> in_;
  std::string file_name_;
  ZipLimits limits_;
  std::unique_ptr<Poco::Zip::ZipArchive> archive_;
  std::map<std::string, uint64_t> declared_sizes_;  // file entries, from the central directory
  uint64_t inflated_total_ = 0;
};

}  // namespace onetable::connectors

#endif  // ONETABLE_CONNECTORS_XLSX_ZIP_GUARD_H_

// ChineseNames: what identity resolution knows about how one person's name gets written in
// different systems — traditional vs simplified characters (OpenCC's t2s conversion), surnames
// written for one another (schema/identity/surname_variants.tsv: 萧/肖, 傅/付 …), readings
// (schema/identity/pinyin.tsv) for names that sound the same, and the split into surname and
// given name (compound surnames such as 欧阳 and 诸葛 are two characters).
//
// One process-wide instance (Get), built on first use from the embedded tables. Thread-safe:
// the tables are immutable; the OpenCC converter is guarded by a mutex.
#ifndef ONETABLE_INGEST_LINKAGE_CHINESE_NAMES_H_
#define ONETABLE_INGEST_LINKAGE_CHINESE_NAMES_H_

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace onetable::linkage {

class ChineseNames {
 public:
  static const ChineseNames& Get();

  ChineseNames(const ChineseNames&) = delete;
  ChineseNames& operator=(const ChineseNames&) = delete;
  ~ChineseNames();

  // Whether OpenCC's t2s configuration could be opened (libopencc-data installed). Without it
  // ToSimplified returns its input unchanged.
  bool HasConverter() const { return converter_ != nullptr; }

  // The t2s configuration opened: $ONETABLE_OPENCC_CONFIG when set (a deployment whose OpenCC
  // data lives elsewhere), else OpenCC's own t2s.json (/usr/share/opencc/t2s.json).
  static std::string ConfigPath();

  // `name` with traditional characters made simplified (陳 -> 陈, 蕭 -> 萧), spaces and the
  // middle dots of minority names (· ・ •) removed.
  std::string ToSimplified(const std::string& name) const;

  // (surname, given name); a two-character compound surname when the name starts with one and
  // has at least three characters.
  std::pair<std::string, std::string> Split(const std::string& name) const;

  // The other surnames written for `surname` (not itself); empty when it has none.
  std::vector<std::string> SurnameVariants(const std::string& surname) const;
  bool AreSurnameVariants(const std::string& a, const std::string& b) const;

  // True when `a` and `b` have the same number of characters and every pair of characters at the
  // same place shares a reading (either is polyphonic: any reading). False when a character has
  // no reading in the table.
  bool SameSound(const std::string& a, const std::string& b) const;

 private:
  ChineseNames();

  void* converter_ = nullptr;  // opencc_t
  mutable std::mutex converter_mu_;
  std::map<char32_t, std::vector<std::string>> readings_;
  std::map<std::string, std::set<std::string>> variants_;
};

// A warning (Chinese) naming the OpenCC file that could not be opened, so that 繁简 matching
// being off is seen at `check`, `serve` and `import`; "" when the converter is there.
std::string MissingConverterWarning();

// The characters of `text` as UTF-8 strings, one per code point (invalid bytes one each).
std::vector<std::string> Characters(const std::string& text);

}  // namespace onetable::linkage

#endif  // ONETABLE_INGEST_LINKAGE_CHINESE_NAMES_H_

// Blocking (as in Splink): which register persons an incoming person record is compared with.
// Each rule is an indexed lookup; the candidates are the union of what the rules return, so one
// wrong field does not hide the true person:
//
//   name          the name and its written variants (NameVariants): finds the person whose
//                 birth date or phone is wrong;
//   birth_date    the same birth date, and the date with day and month swapped: finds the
//                 person whose name is written another way (同音, a character left out …);
//   phone         the same phone: finds the person whose name and birth date both slipped.
//
// A record with an ID number that the register does not have is compared only with persons of
// the same name variant and birth date (rule name+birth_date): an ID number is the key, and a
// register built from a keyed export must not scan every namesake of every row.
//
// Thread-safety: functions over a Store, used from one thread.
#ifndef ONETABLE_INGEST_LINKAGE_BLOCKING_H_
#define ONETABLE_INGEST_LINKAGE_BLOCKING_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "onetable/status.h"
#include "store/store.h"

namespace onetable::linkage {

// At most this many persons per lookup (a very common name in a big city has hundreds; the
// birth-date and phone rules still find the person among them).
inline constexpr int kBlockLimit = 1000;

struct Candidate {
  Row row;
  std::vector<std::string> rules;  // the rules that found it: "name", "birth_date", "phone"
};

struct Block {
  std::map<int64_t, Candidate> candidates;  // by person id
  // Persons with exactly the incoming name (the term frequency), -1 when not looked up.
  int64_t name_count = -1;
};

// `name`, its simplified form, the simplified form with each variant surname, and with the
// given name's characters reversed (张伟明 → 张明伟); the name first, no duplicates.
std::vector<std::string> NameVariants(const std::string& name);

// The candidates for `values` (canonical, by catalog key) under the rules above.
Result<Block> BlockCandidates(Store* store, const std::map<std::string, std::string>& values);

}  // namespace onetable::linkage

#endif  // ONETABLE_INGEST_LINKAGE_BLOCKING_H_

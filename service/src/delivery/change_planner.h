// ChangePlanner: the table sink a delivery generates its table into. It compares each row with
// what the target last acknowledged (the delivery's key state, loaded first) and writes only the
// changes — new keys and changed rows as upserts with the whole row — to a temporary spill file,
// so memory holds one small entry per acknowledged key, never the rows. Finish() then adds a
// delete for every acknowledged key the table no longer has, and Batches() reads the changes
// back in batches.
//
// Incremental (SetIncremental, change_scope.h): the table generated holds only the rows of the
// persons whose inputs changed. Nothing is loaded first; Finish() reads the acknowledged keys of
// those persons and of the generated keys, marks the rows the target already has, and adds a
// delete for every key one of those persons held that the rows no longer have. The result is the
// same as a full plan's, since every other person's row is as acknowledged.
//
// Each row's grain id (SetRowId, called just before Row) goes into the state, so a later
// incremental run finds the keys a person held; a full plan re-sends a row whose acknowledged
// key came from another row (or from an unknown one), which also fixes a state from before the
// id was kept.
//
// Columns whose value is row_number() are left out (delivery_spec.h). A row with an empty key is
// skipped (counted); a key that repeats within the table fails the run (kInvalidArgument naming
// the column and the row number, not the value).
//
// Thread-safety: one thread.
#ifndef ONETABLE_DELIVERY_CHANGE_PLANNER_H_
#define ONETABLE_DELIVERY_CHANGE_PLANNER_H_

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "mapping/mapping_spec.h"
#include "mapping/table_sink.h"
#include "onetable/status.h"
#include "store/store.h"

namespace onetable {

class ChangePlanner : public mapping::TableSink {
 public:
  // `mapping` must outlive the planner.
  ChangePlanner(const mapping::MappingSpec& mapping, std::string key_header);
  ~ChangePlanner() override;

  // Reads the acknowledged state of `delivery` (before the table is generated; full plans).
  Status LoadState(Store& store, const std::string& delivery);
  // Makes the plan incremental over `persons` (sorted): the rows generated are theirs only.
  void SetIncremental(std::vector<int64_t> persons);
  // The grain id of the next row.
  void SetRowId(int64_t id) { row_id_ = id; }

  Status Begin(const mapping::TableMeta& meta) override;
  Status Row(const std::vector<std::string>& cells) override;
  Status TotalRow(const std::vector<std::string>&) override { return Status::Ok(); }
  Status End() override { return Status::Ok(); }

  // After generation: spills the deletes (reads the state again for their keys); incremental,
  // also decides which rows changed.
  Status Finish(Store& store, const std::string& delivery);

  // The delivered columns, in order.
  const std::vector<std::string>& columns() const { return columns_; }
  int64_t rows() const { return rows_; }
  int64_t unchanged() const { return unchanged_; }
  int64_t upserts() const { return upserts_; }
  int64_t deletes() const { return deletes_; }
  // Rows withheld for an empty or masked key ("***": a child's ID number, access.h).
  int64_t blank_keys() const { return blank_keys_; }

  // Calls `batch` with up to `size` changes at a time (their change and state JSON, in plan
  // order); stops at the first error it returns.
  Status Batches(size_t size, const std::function<Status(const std::vector<std::string>& changes,
                                                         const std::vector<std::string>& states,
                                                         int64_t upserts, int64_t deletes)>& batch);

 private:
  struct Hash128 {
    uint64_t hi = 0, lo = 0;
    bool operator==(const Hash128& o) const { return hi == o.hi && lo == o.lo; }
  };
  struct Hash128Hasher {
    size_t operator()(const Hash128& h) const { return static_cast<size_t>(h.hi ^ (h.lo * 31)); }
  };
  struct Known {
    Hash128 row;
    int64_t row_id = 0;
    bool acked = false;  // in the acknowledged state
    bool seen = false;   // in this table
  };
  // An incremental plan's generated row, until Finish decides.
  struct Generated {
    std::string key_hash;
    Hash128 row;
    int64_t row_id = 0;
  };
  static Hash128 Parse(const std::string& hex);
  Status Spill(const std::string& change, const std::string& state);
  Status FinishIncremental(Store& store, const std::string& delivery);
  Status DuplicateKey(int64_t row) const;

  const mapping::MappingSpec& mapping_;
  std::string key_header_;
  std::vector<size_t> kept_;  // indexes of the delivered cells
  size_t key_index_ = 0;
  std::vector<std::string> columns_;
  std::unordered_map<Hash128, Known, Hash128Hasher> known_;
  std::FILE* spill_ = nullptr;
  bool incremental_ = false;
  std::vector<int64_t> persons_;      // incremental: sorted
  std::vector<Generated> generated_;  // incremental: one per spilled upsert, in spill order
  std::vector<bool> skip_;            // per spilled line: the target has it already
  int64_t row_id_ = 0;
  int64_t rows_ = 0, unchanged_ = 0, upserts_ = 0, deletes_ = 0, blank_keys_ = 0;
};

}  // namespace onetable

#endif  // ONETABLE_DELIVERY_CHANGE_PLANNER_H_

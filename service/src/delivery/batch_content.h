// What one delivery batch holds, as text: the body sent to the target (the HTTP contract's JSON,
// also what the mysql and file targets read back) and the state it brings once acknowledged.
// Both are built once, stored with the batch before it is sent, and never rebuilt: a resend
// sends the stored bytes.
//
//   body:  {"delivery": ID, "batch": SEQ, "mapping": MAPPING, "generated_at": "…Z",
//           "columns": [header, …],
//           "changes": [{"op": "upsert", "key": K, "row": {header: cell, …}},
//                       {"op": "delete", "key": K}, …]}
//   state: [["u", KEY_HASH, ROW_HASH, K, ROW_ID], ["d", KEY_HASH], …]  (ROW_ID: the grain row's
//          id, change_scope.h; a state stored before it was kept lacks it)
//
// Hashes: KeyHash and RowHash are the first 128 bits of SHA-256 in hex (32 characters); the row
// hash covers the headers too, so a changed column list re-sends every row.
//
// Thread-safety: pure functions.
#ifndef ONETABLE_DELIVERY_BATCH_CONTENT_H_
#define ONETABLE_DELIVERY_BATCH_CONTENT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "onetable/status.h"
#include "store/delivery_log.h"

namespace onetable {

struct BatchHeader {
  std::string delivery;
  int64_t seq = 0;
  std::string mapping;
  std::string generated_at;  // "2026-12-01T10:00:00Z"
  std::vector<std::string> columns;
};

struct Change {
  bool upsert = true;
  std::string key;
  std::vector<std::string> cells;  // upserts: one per column
};

std::string KeyHash(const std::string& key);
std::string RowHash(const std::vector<std::string>& columns, const std::vector<std::string>& cells);

// One element of "changes" and of the state array.
std::string ChangeJson(const std::vector<std::string>& columns, const Change& change);
std::string StateJson(const Change& change, const std::string& key_hash,
                      const std::string& row_hash, int64_t row_id = 0);

// The whole body / state from their elements (already JSON).
std::string BatchBody(const BatchHeader& header, const std::vector<std::string>& changes);
std::string BatchState(const std::vector<std::string>& states);

struct ParsedBatch {
  BatchHeader header;
  std::vector<Change> changes;
};

// Reads a body back (targets that are not HTTP). kInvalidArgument when it is not one.
Result<ParsedBatch> ParseBatchBody(const std::string& body);
// Reads a state back into what AckDeliveryBatch applies.
Status ParseBatchState(const std::string& state, std::vector<DeliveryKeyState>* upserts,
                       std::vector<std::string>* delete_hashes);

}  // namespace onetable

#endif  // ONETABLE_DELIVERY_BATCH_CONTENT_H_

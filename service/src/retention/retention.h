// Retention of raw rows (PIPL Art. 19, 47: keep personal data no longer than the purpose needs).
// Three kinds of rows outlive their use:
//   - source_record.payload: the raw row a connector last brought for a record. Identity and
//     survivorship work from the register, the provenance and the content hash, never from the
//     payload, so clearing it keeps every later run's "unchanged" check and every resolution.
//   - quarantine_row.raw: the raw text of a rejected row. The row itself (file, row, column,
//     reason) stays for the run's report; only the raw text goes.
//   - register_change: the incremental deliveries' change log (migration 0017). An entry older
//     than the period and older than every delivery's basis (delivery_basis.changes_from, from
//     which each next incremental run reads) has been consumed by every delivery and is deleted.
//     A delivery without a basis yet starts with a full recompute and needs none of them.
// Rows are cleared in batches of `batch` rows, each batch its own transaction, so a purge never
// holds the store long and an interrupted one resumes where it stopped.
//
// Thread-safety: one connection, one thread.
#ifndef ONETABLE_RETENTION_RETENTION_H_
#define ONETABLE_RETENTION_RETENTION_H_

#include <cstdint>
#include <string>

#include "onetable/status.h"
#include "store/sql_connection.h"

namespace onetable {

struct RetentionCounts {
  int64_t payloads = 0;     // source_record payloads cleared (or that would be)
  int64_t quarantined = 0;  // quarantine_row raw texts cleared
  int64_t changes = 0;      // register_change entries deleted
  int64_t total() const { return payloads + quarantined + changes; }
};

// The "YYYY-MM-DD HH:MM:SS" UTC cut-off `days` before `now` (Unix seconds).
std::string RetentionCutoff(int64_t now, int days);

// Counts (dry_run) or purges what is older than `cutoff`. `batch` >= 1.
Result<RetentionCounts> PurgeExpired(SqlConnection& db, const std::string& cutoff, bool dry_run,
                                     int batch = 500);

// "源数据原始行 N 条，隔离行原文 N 条，变更日志 N 条" for messages and the audit detail.
std::string DescribeCounts(const RetentionCounts& counts);

// The audit detail: "payloads=N quarantined=N changes=N before=<cutoff>".
std::string AuditDetailOf(const RetentionCounts& counts, const std::string& cutoff);

}  // namespace onetable

#endif  // ONETABLE_RETENTION_RETENTION_H_

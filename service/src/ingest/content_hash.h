// Content hashes of source records: SHA-256 over a canonical serialization, so the same record
// hashes the same however its source ordered its columns, and an unchanged record is skipped.
// Pure; thread-safe.
#ifndef ONETABLE_INGEST_CONTENT_HASH_H_
#define ONETABLE_INGEST_CONTENT_HASH_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace onetable {

// A record's fields as the connector gave them (column -> value, nullopt for NULL).
using SourceFields = std::vector<std::pair<std::string, std::optional<std::string>>>;

// Canonical form: fields sorted by column, each as length-prefixed column and value (NULL
// distinct from ""), prefixed with `salt` (the spec's fingerprint: a changed field map must
// re-apply records whose content did not change). Returns its SHA-256.
std::string RecordHash(const SourceFields& fields, std::string_view salt);

// The record as a JSON object {column: value|null}, in source column order (the payload kept
// with the source record).
std::string RecordJson(const SourceFields& fields);

}  // namespace onetable

#endif  // ONETABLE_INGEST_CONTENT_HASH_H_

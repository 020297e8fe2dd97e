// Which stored values are encrypted at rest (crypto/field_cipher.h), decided from the catalog
// (schema/fields.yaml) so that a field added there is covered without code:
//   - every stored field of type id_number or phone (they identify a person), with a blind
//     index so that equality lookups (find a person by ID number, linkage blocking by phone)
//     stay index lookups;
//   - every stored `sensitive` field of type string or code (religion, health, bank account …);
//   - every field the catalog marks `encrypted: true` (free-text document numbers: 其他证件号码,
//     出租人证件号码), without a blind index.
// Fields that stay clear, and why: names, addresses and codes are searched by prefix, joined,
// grouped and sorted in SQL; dates (birth_date above all) carry the as-of age rule and the
// alive rule that rosters push to SQL as range predicates; decimal and integer amounts are
// compared and summed. A range or LIKE predicate cannot run over ciphertext, so an encrypted
// field never reaches an SQL predicate except through its blind index (== and in) or IS NULL.
// Tag attributes are encrypted for every tag that is not `public` (the whole attrs JSON).
//
// Thread-safety: pure functions.
#ifndef ONETABLE_CRYPTO_ENCRYPTED_FIELDS_H_
#define ONETABLE_CRYPTO_ENCRYPTED_FIELDS_H_

#include <string>

#include "model/catalog.h"

namespace onetable {

inline bool IsEncryptedField(const FieldDef& f) {
  if (f.derived) return false;
  if (f.type == FieldType::kIdNumber || f.type == FieldType::kPhone || f.encrypted) return true;
  return f.sensitivity == Sensitivity::kSensitive &&
         (f.type == FieldType::kString || f.type == FieldType::kCode);
}

inline bool HasBlindIndex(const FieldDef& f) {
  return !f.derived && (f.type == FieldType::kIdNumber || f.type == FieldType::kPhone);
}

// The column holding the blind index of `f` (a HasBlindIndex field).
inline std::string BlindIndexColumn(const FieldDef& f) { return f.key + "_bidx"; }

inline bool IsEncryptedTag(const TagDef& t) { return t.sensitivity != Sensitivity::kPublic; }

}  // namespace onetable

#endif  // ONETABLE_CRYPTO_ENCRYPTED_FIELDS_H_

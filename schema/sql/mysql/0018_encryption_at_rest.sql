-- Encryption at rest (service/src/crypto/): the values crypto/encrypted_fields.h names are stored
-- as SM4 envelopes ("enc1:<kid>:…"), so equality lookups go through a keyed blind index
-- (HMAC-SM3) held next to each ID-number and phone column; the person's ID-number index is the
-- unique one now (ciphertext is never equal). Encrypted columns are widened to hold envelopes.
-- crypto_state keeps the re-encryption cursor of `onetable key rotate` and of the conversion of
-- a store written in clear. Keep in step with schema/sql/sqlite/0018_encryption_at_rest.sql.

ALTER TABLE grid MODIFY worker_phone VARCHAR(255), ADD COLUMN worker_phone_bidx VARCHAR(32);
ALTER TABLE household MODIFY landlord_id_number VARCHAR(255), MODIFY landlord_phone VARCHAR(255),
  ADD COLUMN landlord_phone_bidx VARCHAR(32);
ALTER TABLE person MODIFY id_number VARCHAR(255), MODIFY phone VARCHAR(255), MODIFY id_doc_number VARCHAR(255),
  MODIFY religion TEXT, MODIFY health_status TEXT, MODIFY spouse_id_number TEXT,
  MODIFY guardian_phone TEXT, MODIFY incapacity_level TEXT, MODIFY account_name TEXT,
  MODIFY account_number TEXT, MODIFY social_security_card TEXT,
  ADD COLUMN id_number_bidx VARCHAR(32), ADD COLUMN phone_bidx VARCHAR(32),
  ADD COLUMN spouse_id_number_bidx VARCHAR(32), ADD COLUMN guardian_phone_bidx VARCHAR(32);
CREATE UNIQUE INDEX person_id_number_bidx ON person(id_number_bidx);
CREATE INDEX person_phone_bidx ON person(phone_bidx);
CREATE INDEX person_spouse_id_number_bidx ON person(spouse_id_number_bidx);
CREATE INDEX person_guardian_phone_bidx ON person(guardian_phone_bidx);
CREATE INDEX household_landlord_phone_bidx ON household(landlord_phone_bidx);
CREATE INDEX grid_worker_phone_bidx ON grid(worker_phone_bidx);
ALTER TABLE review_item MODIFY detail MEDIUMTEXT;

CREATE TABLE crypto_state (
  name VARCHAR(64) NOT NULL PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at VARCHAR(19) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

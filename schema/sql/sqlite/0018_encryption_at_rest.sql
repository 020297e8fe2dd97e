-- Encryption at rest (service/src/crypto/): the values crypto/encrypted_fields.h names are stored
-- as SM4 envelopes ("enc1:<kid>:…"), so equality lookups go through a keyed blind index
-- (HMAC-SM3) held next to each ID-number and phone column; the person's ID-number index is the
-- unique one now (ciphertext is never equal). crypto_state keeps the re-encryption cursor of
-- `onetable key rotate` and of the conversion of a store written in clear.
-- Keep in step with schema/sql/mysql/0018_encryption_at_rest.sql.

ALTER TABLE grid ADD COLUMN worker_phone_bidx TEXT;
ALTER TABLE household ADD COLUMN landlord_phone_bidx TEXT;
ALTER TABLE person ADD COLUMN id_number_bidx TEXT;
ALTER TABLE person ADD COLUMN phone_bidx TEXT;
ALTER TABLE person ADD COLUMN spouse_id_number_bidx TEXT;
ALTER TABLE person ADD COLUMN guardian_phone_bidx TEXT;
CREATE UNIQUE INDEX person_id_number_bidx ON person(id_number_bidx);
CREATE INDEX person_phone_bidx ON person(phone_bidx);
CREATE INDEX person_spouse_id_number_bidx ON person(spouse_id_number_bidx);
CREATE INDEX person_guardian_phone_bidx ON person(guardian_phone_bidx);
CREATE INDEX household_landlord_phone_bidx ON household(landlord_phone_bidx);
CREATE INDEX grid_worker_phone_bidx ON grid(worker_phone_bidx);

CREATE TABLE crypto_state (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- Delivery receipts clustered by the grain row they came from: see
-- schema/sql/sqlite/0022_delivery_state_by_row.sql (keep the two in step). InnoDB clusters a
-- table on its primary key, so the receipts of the regenerated persons are found and rewritten
-- in the clustered index itself; the key hash keeps a unique index of its own.

ALTER TABLE delivery_state
  DROP PRIMARY KEY,
  ADD PRIMARY KEY (delivery, row_id, key_hash),
  ADD UNIQUE KEY delivery_state_key (delivery, key_hash),
  DROP INDEX delivery_state_row;

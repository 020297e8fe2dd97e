-- A delivery batch's content (its body and the key state it brings) in a table of its own, by
-- batch id: acknowledging a batch updates its receipt row, and SQLite rewrites the whole row on
-- an update, so with the content in it every acknowledgement wrote the batch's body again (MBs
-- a batch). New batches leave delivery_batch.body and .state empty; batches from before keep
-- their content there (the store reads it when a batch has no row here). Keep in step with
-- schema/sql/mysql/0021_delivery_batch_content.sql.

CREATE TABLE delivery_batch_content (
  batch_id INTEGER NOT NULL PRIMARY KEY,
  body TEXT NOT NULL,
  state TEXT NOT NULL
);

-- A fixture for the scanner's own test: one of each thing TiDB or Galera cannot run. The
-- words in this comment (TRIGGER, FULLTEXT, LOCK TABLES) must not count.
CREATE TABLE no_key (a INT NOT NULL, b VARCHAR(10)) ENGINE=MyISAM;
CREATE TABLE docs (
  id BIGINT NOT NULL PRIMARY KEY,
  body TEXT,
  place POINT NOT NULL,
  parent BIGINT,
  qty INT CHECK (qty > 0),
  FULLTEXT INDEX docs_body (body),
  SPATIAL INDEX docs_place (place),
  FOREIGN KEY (parent) REFERENCES docs(id) ON DELETE CASCADE
) ENGINE=InnoDB AUTO_INCREMENT=1000;
CREATE TRIGGER docs_no_delete BEFORE DELETE ON docs FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'no';
CREATE PROCEDURE purge() DELETE FROM docs;
CREATE EVENT nightly ON SCHEDULE EVERY 1 DAY DO DELETE FROM docs;
LOCK TABLES docs WRITE;
INSERT INTO docs (id, body) VALUES (1, 'CREATE TRIGGER in a string does not count');

#!/usr/bin/env python3
"""tests/bench/identity_metrics.py DB TRUTH_CSV SOURCE: scores identity resolution of an unkeyed
import against its labels.

For each imported row of SOURCE (source_record, key "<file>:<line>") the person it went to:
  - a person the import did not create (it has an ID number; the unkeyed export has none): an
    automatic link, correct when that person's ID number is the label;
  - a person the import created: "review" when a duplicate review item proposes a candidate for
    it, else "new"; a new person whose label names a register person is a SILENT DUPLICATE.
Prints one JSON object: counts and the four rates the goals are stated in (percent)."""
import csv
import json
import sqlite3
import sys


def main():
    db, truth_path, source = sys.argv[1], sys.argv[2], sys.argv[3]
    truth = {}
    with open(truth_path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            truth[int(row["line"])] = (row["id_number"], row["kind"])
    con = sqlite3.connect(db)
    alias = dict(con.execute("SELECT alias_id, person_id FROM person_alias"))
    ids = dict(con.execute("SELECT id, id_number FROM person"))
    proposed = {
        r[0] for r in con.execute(
            "SELECT entity_id FROM review_item WHERE kind = 'duplicate' AND status = 'open'")
    }
    c = dict(rows=0, auto_links=0, correct_links=0, wrong_links=0, review=0, new=0,
             silent_duplicates=0, in_register=0, not_in_register_new=0, unlabelled=0)
    wrong_kinds, review_kinds, silent_kinds = {}, {}, {}
    for key, person in con.execute(
            "SELECT record_key, person_id FROM source_record WHERE source = ?", (source,)):
        line = int(key.rsplit(":", 1)[1])
        if line not in truth:
            c["unlabelled"] += 1
            continue
        want, kind = truth[line]
        c["rows"] += 1
        if want:
            c["in_register"] += 1
        while person in alias:
            person = alias[person]
        got = ids.get(person)
        if got:
            c["auto_links"] += 1
            if got == want:
                c["correct_links"] += 1
            else:
                c["wrong_links"] += 1
                wrong_kinds[kind] = wrong_kinds.get(kind, 0) + 1
        elif person in proposed:
            c["review"] += 1
            review_kinds[kind] = review_kinds.get(kind, 0) + 1
        else:
            c["new"] += 1
            if want:
                c["silent_duplicates"] += 1
                silent_kinds[kind] = silent_kinds.get(kind, 0) + 1
            else:
                c["not_in_register_new"] += 1
    review_items = con.execute(
        "SELECT review_count, read_count FROM import_run WHERE source = ? ORDER BY id DESC LIMIT 1",
        (source,)).fetchone()
    pct = lambda a, b: round(100.0 * a / b, 2) if b else 0.0
    out = dict(c)
    out["precision"] = pct(c["correct_links"], c["auto_links"]) if c["auto_links"] else 100.0
    out["linked_automatically"] = pct(c["correct_links"], c["in_register"])
    out["sent_to_review"] = pct(c["review"], c["rows"])
    out["silent_duplicate_rate"] = pct(c["silent_duplicates"], c["in_register"])
    out["review_per_100_rows"] = pct(review_items[0], review_items[1]) if review_items else 0.0
    out["wrong_link_kinds"] = wrong_kinds
    out["review_kinds"] = review_kinds
    out["silent_duplicate_kinds"] = silent_kinds
    print(json.dumps(out, ensure_ascii=False, sort_keys=True))


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# The portability scanner's own test: over a fixture with one of each thing TiDB or Galera
# cannot run, it must fail and name every rule at the right line, and must not count words in
# comments or strings.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(python3 "$here/check_mysql_migrations.py" "$here/unportable")" && {
  echo "FAIL: the scanner passed a file full of unportable SQL" >&2
  exit 1
}
f="$here/unportable/0001_everything_tidb_lacks.sql"
failed=0
for expected in 3:engine 3:no-primary-key 7:spatial 9:check-constraint 10:fulltext 11:spatial \
  12:fk-action 13:auto-increment-start 14:trigger 16:routine 17:event 18:table-lock; do
  if ! grep -qF "$f:${expected%%:*}: ${expected#*:}:" <<<"$out"; then
    echo "FAIL: no finding $expected" >&2
    failed=1
  fi
done
count="$(grep -c "^$f:" <<<"$out")"
if [[ "$count" != 12 ]]; then
  echo "FAIL: expected 12 findings, got $count (comments or strings counted?):" >&2
  echo "$out" >&2
  failed=1
fi
((failed == 0)) && echo "scanner test: ok"
exit "$failed"

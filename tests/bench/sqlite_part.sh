# tests/bench/run, SQLite rows (sourced): the register import against `sqlite3 .import`, the
# re-import, the department imports, three tables against hand-written SQL, and the XLSX.

# import_once STORE_URL SPEC LOG: one `onetable import`; sets `elapsed`. Without encryption at
# rest: the hand-written SQL baselines read the database directly (encryption_part.sh measures it).
import_once() {
  local cfg="$work/onetable-import-$(basename "${1#*:}").yaml"
  printf 'store: %s\nschema: %s\nencryption: false\n' "$1" "$ROOT/schema" >"$cfg"
  timed "$3" "$ONETABLE" --config "$cfg" import "$2" --plugins "$PLUGINS"
}

# check_import LOG WHAT KEY EXPECTED: the run's JSON must say KEY = EXPECTED and nothing rejected.
check_import() {
  local got rejected
  got="$(json_field "$1" "$3")"
  rejected="$(json_field "$1" rejected)"
  if [[ "$got" != "$4" || "$rejected" != 0 ]]; then
    fail_row "$2" "expected $3=$4 and rejected=0, got $3=${got:-?} rejected=${rejected:-?} ($(tail -n 1 "$1"))"
    return 1
  fi
}

# sqlite_table WHAT MAPPING SQL AS_OF STORE_FILE CONFIG
sqlite_table() {
  local what="$1" mapping="$2" sql="$3" as_of="$4" db="$5" cfg="$6" ours theirs r times=() base=()
  ours="$work/table-$sql.csv" theirs="$work/sql-$sql.csv"
  for ((r = 0; r < runs; r++)); do
    if ! timed "$work/table-$sql.log" "$ONETABLE" --config "$cfg" table "$mapping" --format csv \
      -o "$ours"; then
      fail_row "$what" "onetable table failed: $(tail -n 3 "$work/table-$sql.log" | tr '\n' ' ')"
      return
    fi
    times+=("$elapsed")
  done
  for ((r = 0; r < runs; r++)); do
    if ! timed "$work/sql-$sql.log" sqlite3 "$db" -cmd ".parameter set :asof \"'$as_of'\"" \
      ".mode csv" ".headers on" ".output $theirs" ".read $BENCH/sql/sqlite/$sql.sql"; then
      fail_row "$what" "sqlite3 failed: $(tail -n 3 "$work/sql-$sql.log" | tr '\n' ' ')"
      return
    fi
    base+=("$elapsed")
  done
  local same
  if ! same="$(same_table "$ours" "$theirs")"; then
    fail_row "$what" "onetable and the hand-written SQL disagree: $(echo "$same" | tr '\n' ' ')"
    return
  fi
  local t b
  t="$(median "${times[@]}")" b="$(median "${base[@]}")"
  row "$what (${same#same } rows, same cells as the SQL)" "$(secs "$t")" "$(secs "$b")" \
    "$(ratio "$t" "$b")" "≤ 1.5×" "$(judge "$(awk -v a="$t" -v b="$b" 'BEGIN{print a/b}')" "<=" 1.5)"
}

sqlite_part() {
  local tree="$work/tree.db" db="$work/register.db" bare="$work/bare.db" r times=() base=()
  local import_what="import the register CSV (${persons} persons) vs \`sqlite3 .import\`"
  if ! has_verb import || ! has_plugin csv; then
    not_yet "$import_what" "≤ 3×" "\`onetable import\` or the csv plugin is not built yet"
    not_yet "re-import unchanged" "≤ 0.3× the first import" "needs \`onetable import\`"
    return
  fi
  rm -f "$tree"*
  if ! "$ONETABLE" --config "$(config "sqlite:$tree" init-sqlite)" init >"$work/init-sqlite.log" 2>&1 ||
    ! "$SYNTH" load-tree --city "$city" --store "sqlite:$tree" >"$work/tree-sqlite.log" 2>&1 ||
    ! sqlite3 "$tree" ".read $BENCH/sql/sqlite/codes.sql" ".import --csv $work/codes.csv bench_code" \
      >>"$work/tree-sqlite.log" 2>&1; then
    fail_row "set up the SQLite register (init, tree)" "$(tail -n 3 "$work"/*-sqlite.log | tr '\n' ' ')"
    return
  fi

  # The register import, each run into a fresh copy of the tree-only store.
  for ((r = 0; r < import_runs; r++)); do
    rm -f "$db" "$db-wal" "$db-shm"
    cp "$tree" "$db"
    if ! import_once "sqlite:$db" "$BENCH/connectors/register.yaml" "$work/import.log"; then
      fail_row "$import_what" "onetable import failed: $(tail -n 3 "$work/import.log" | tr '\n' ' ')"
      return
    fi
    check_import "$work/import.log" "$import_what" new "$persons" || return
    times+=("$elapsed")
  done
  for ((r = 0; r < runs; r++)); do
    rm -f "$bare"
    if ! timed "$work/bare.log" sqlite3 "$bare" ".import --csv $city/register.csv person_bare"; then
      fail_row "$import_what" "sqlite3 .import failed: $(tail -n 3 "$work/bare.log" | tr '\n' ' ')"
      return
    fi
    base+=("$elapsed")
  done
  local bare_rows
  bare_rows="$(sqlite3 "$bare" 'SELECT count(*) FROM person_bare')"
  [[ "$bare_rows" == "$persons" ]] || fail_row "$import_what" "sqlite3 .import loaded $bare_rows rows"
  rm -f "$bare"
  local t_import t_bare
  t_import="$(median "${times[@]}")" t_bare="$(median "${base[@]}")"
  row "$import_what" "$(secs "$t_import")" "$(secs "$t_bare")" "$(ratio "$t_import" "$t_bare")" \
    "≤ 3×" "$(judge "$(awk -v a="$t_import" -v b="$t_bare" 'BEGIN{print a/b}')" "<=" 3)"
  notes+=("SQLite store after the import: $(du -m "$db" | cut -f1) MB for $persons persons (the bare table: a few hundred bytes a row).")
  ((only_delivery)) || encryption_rows "$tree" "$db" "$t_import"
  if ((only_delivery)); then
    import_done="$(date +%s)"
    delivery_row "$db"
    return
  fi
  if ((only_tables)); then
    sqlite_tables "$db"
    return
  fi

  times=()
  for ((r = 0; r < runs; r++)); do
    if ! import_once "sqlite:$db" "$BENCH/connectors/register.yaml" "$work/reimport.log"; then
      fail_row "re-import unchanged" "$(tail -n 3 "$work/reimport.log" | tr '\n' ' ')"
      return
    fi
    check_import "$work/reimport.log" "re-import unchanged" unchanged "$persons" || return
    times+=("$elapsed")
  done
  local t_re
  t_re="$(median "${times[@]}")"
  row "re-import the same file unchanged" "$(secs "$t_re")" "$(secs "$t_import") (first import)" \
    "$(ratio "$t_re" "$t_import")" "≤ 0.3× the first import" \
    "$(judge "$(awk -v a="$t_re" -v b="$t_import" 'BEGIN{print a/b}')" "<=" 0.3)"

  department_imports "sqlite:$db"
  identity_rows "sqlite:$db" "$db"

  sqlite_tables "$db" || return
  xlsx_row "$(config "sqlite:$db" sqlite)"
  import_done="$(date +%s)"  # the register's last write before the delivery rows
  delivery_row "$db"
}

# The three tables against their hand-written SQL on the SQLite store DB.
sqlite_tables() {
  local db="$1" cfg
  cfg="$(config "sqlite:$db" sqlite)"
  if ! has_verb table; then
    not_yet "full roster → CSV" "≤ 1.5×" "\`onetable table\` is not built yet"
    return 1
  fi
  sqlite_table "full roster bench/quanyuan-renkou → CSV" bench/quanyuan-renkou roster \
    "$year-12-31" "$db" "$cfg"
  sqlite_table "filtered roster 高龄津贴 minzheng/gaoling-jintie → CSV" minzheng/gaoling-jintie \
    gaoling "$year-06-30" "$db" "$cfg"
  sqlite_table "per-grid 人口统计表 zongzhi/renkou-tongji → CSV" zongzhi/renkou-tongji tongji \
    "$year-12-31" "$db" "$cfg"
}

# A delivery of the full roster after 1% of the persons changed (a new phone number, imported
# through `onetable import` as a department's export would bring it, so the register records the
# change as it records every other), against generating the changed rows alone: `onetable table`
# of the same roster restricted to exactly those persons (a copy of the mapping whose where is
# `id_number in (…)`, which runs in SQL on the unique index, so it reads just those rows). That
# is the cost of the rows themselves through the same generator; what the delivery adds on top —
# finding who changed since the last delivery, reading their receipts, hashing, storing and
# writing the batches — is what the ratio shows. Before incremental deliveries the run
# regenerated the whole roster. File target (JSON, 5000 changes a batch), so no receiver process
# is timed. The first, full delivery of every row is set-up (info); so are the imports.
delivery_row() {
  local db="$1" cfg="$work/onetable-delivery.yaml" maps="$work/delivery-mappings" r times=() base=()
  if ! has_verb deliver; then
    not_yet "delivery of 1% changed rows" "≤ 2×" "\`onetable deliver\` is not built yet"
    return
  fi
  mkdir -p "$work/deliveries" "$work/drop" "$maps/bench"
  rm -f "$work/drop"/*
  cp "$BENCH/mappings/bench/quanyuan-renkou.yaml" "$maps/bench/"
  printf 'store: %s\nschema: %s\nmappings: %s\ndeliveries: %s\nencryption: false\n' "sqlite:$db" \
    "$ROOT/schema" "$maps" "$work/deliveries" >"$cfg"
  printf '%s\n' 'id: bench' 'title: 全员人口推送（基准测试）' 'mapping: bench/quanyuan-renkou' \
    'key: 公民身份号码' "target: {type: file, dir: $work/drop, format: json, batch: 5000}" \
    >"$work/deliveries/bench.yaml"
  if ! timed "$work/deliver-full.log" "$ONETABLE" --config "$cfg" deliver bench; then
    fail_row "first delivery (every row)" "$(tail -n 3 "$work/deliver-full.log" | tr '\n' ' ')"
    return
  fi
  row "first delivery of the full roster, every row ($(json_field "$work/deliver-full.log" upserts) upserts, file target)" \
    "$(secs "$elapsed")" "—" "—" "—" "info"
  # The steady state: a delivery reads changes from its previous plan's start minus a margin
  # (kChangeMargin, 120 s), so the register import just before still counts as changes for the
  # next one. Wait until the import is out of that window, then deliver once more (nothing
  # changed; set-up, not timed), so the timed runs below start from a plan made after it.
  local settle=$((import_done + 125 - $(date +%s)))
  ((settle > 0)) && sleep "$settle"
  if ! timed "$work/deliver-settle.log" "$ONETABLE" --config "$cfg" deliver bench; then
    fail_row "delivery with nothing changed (set-up)" "$(tail -n 3 "$work/deliver-settle.log" | tr '\n' ' ')"
    return
  fi
  row "delivery with nothing changed, once the import is out of the change window (set-up: $(tail -n 1 "$work/deliver-settle.log" | sed -n 's/.*"mode":"\([a-z]*\)".*/\1/p'))" \
    "$(secs "$elapsed")" "—" "—" "—" "info"
  local changed=0 rows=0 mode="" last_start=0 wait
  for ((r = 0; r < runs; r++)); do
    # Each timed run starts from a plan made after the previous run's changes were out of the
    # window (as with a schedule of every 10m): else it would also regenerate the persons the
    # previous run changed. So: wait, and deliver once untimed (it sends nothing).
    if ((r > 0)); then
      wait=$((last_start + 125 - $(date +%s)))
      ((wait > 0)) && sleep "$wait"
      "$ONETABLE" --config "$cfg" deliver bench >"$work/deliver-settle.log" 2>&1 ||
        { fail_row "delivery of 1% changed rows" "the untimed delivery between runs failed"; return; }
    fi
    # 1% of the persons (every 100th row of the register export) get a new phone number, a
    # different one each run, imported as a department's export.
    python3 - "$city/register.csv" "$work/changed-$r.csv" "$work/changed-ids.txt" "$r" <<'PY' ||
import csv, sys
src, out, ids, run = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
with open(src, newline="", encoding="utf-8") as f, open(out, "w", newline="", encoding="utf-8") as o, \
     open(ids, "w", encoding="utf-8") as k:
    rows = csv.reader(f)
    w = csv.writer(o)
    header = next(rows)
    w.writerow(header)
    phone, key = header.index("联系电话"), header.index("公民身份号码")
    for n, row in enumerate(rows):
        if n % 100 == 7:
            row[phone] = "199%04d%04d" % (n // 100 % 10000, int(run) * 1000 + n % 1000)
            w.writerow(row)
            k.write(row[key] + "\n")
PY
      { fail_row "delivery of 1% changed rows" "could not write the changed export"; return; }
    if ! BENCH_REGISTER_CSV="$work/changed-$r.csv" import_once "sqlite:$db" \
      "$BENCH/connectors/register.yaml" "$work/import-changed.log"; then
      fail_row "delivery of 1% changed rows" "import of the changes failed: $(tail -n 3 "$work/import-changed.log" | tr '\n' ' ')"
      return
    fi
    last_start="$(date +%s)"
    if ! timed "$work/deliver.log" "$ONETABLE" --config "$cfg" deliver bench; then
      fail_row "delivery of 1% changed rows" "$(tail -n 3 "$work/deliver.log" | tr '\n' ' ')"
      return
    fi
    times+=("$elapsed")
    changed="$(json_field "$work/deliver.log" upserts)"
    rows="$(json_field "$work/deliver.log" rows)"
    mode="$(tail -n 1 "$work/deliver.log" | sed -n 's/.*"mode":"\([a-z]*\)".*/\1/p')"
  done
  # The baseline: the same roster, only the changed persons.
  { sed '/^columns:/,$d' "$BENCH/mappings/bench/quanyuan-renkou.yaml" |
      sed 's#^id: bench/quanyuan-renkou#id: bench/quanyuan-changed#'
    printf 'where: id_number in (%s)\n' "$(sed 's/.*/"&"/' "$work/changed-ids.txt" | paste -sd, -)"
    sed -n '/^columns:/,$p' "$BENCH/mappings/bench/quanyuan-renkou.yaml"
  } >"$maps/bench/quanyuan-changed.yaml"
  for ((r = 0; r < runs; r++)); do
    if ! timed "$work/deliver-table.log" "$ONETABLE" --config "$cfg" table bench/quanyuan-changed \
      --format csv -o "$work/deliver-table.csv"; then
      fail_row "delivery of 1% changed rows" "onetable table of the changed persons failed: $(tail -n 3 "$work/deliver-table.log" | tr '\n' ' ')"
      return
    fi
    base+=("$elapsed")
  done
  local base_rows
  base_rows="$(($(wc -l <"$work/deliver-table.csv") - 1))"
  local t b
  t="$(median "${times[@]}")" b="$(median "${base[@]}")"
  row "delivery after 1% of persons changed ($changed upserts of $persons rows, ${mode:-?}: $rows rows regenerated; file target) vs \`onetable table\` of just the changed persons → CSV (≈$base_rows rows)" \
    "$(secs "$t")" "$(secs "$b")" "$(ratio "$t" "$b")" "≤ 2×" \
    "$(judge "$(awk -v a="$t" -v b="$b" 'BEGIN{print a/b}')" "<=" 2)"
}

# "720 rows: 706 linked, 14 new, 273 to review, 3 quarantined" from an import's JSON line.
import_counts() {
  echo "$(json_field "$1" read) rows: $(json_field "$1" linked) linked, $(json_field "$1" new) new," \
    "$(json_field "$1" review) to review, $(json_field "$1" rejected) quarantined"
}

# The department exports into the register: not a goal of their own, but the run shows the
# ingest takes real departments' files (GBK, 15-digit IDs, XLSX with a title row) and how many
# rows it links, creates, sends to review or quarantines.
department_imports() {
  local store="$1" spec name what log
  for spec in minzheng:csv:"民政 GBK CSV" canlian:xlsx:"残联 XLSX"; do
    IFS=: read -r name plugin what <<<"$spec"
    if ! has_plugin "$plugin"; then
      not_yet "import $what" "—" "the $plugin plugin is not built yet"
      continue
    fi
    log="$work/import-$name.log"
    if ! import_once "$store" "$BENCH/connectors/$name.yaml" "$log"; then
      fail_row "import $what" "$(tail -n 3 "$log" | tr '\n' ' ')"
      continue
    fi
    row "import $what ($(import_counts "$log"))" "$(secs "$elapsed")" "—" "—" "—" "info"
  done
}

# The full roster as XLSX: time, and how much more memory a whole-city table takes than a
# one-grid table of the same mapping (the streaming writer should need no more for more rows).
xlsx_row() {
  local cfg="$1" grid r times=() peak=0 small
  grid="$(sed -n '2p' "$city/grids.csv" | cut -d, -f7)"
  if ! peak_rss "$work/xlsx-small.log" "$ONETABLE" --config "$cfg" table bench/quanyuan-renkou \
    --scope "$grid" --format xlsx -o "$work/roster-grid.xlsx"; then
    fail_row "full roster → XLSX" "$(tail -n 3 "$work/xlsx-small.log" | tr '\n' ' ')"
    return
  fi
  small="$peak_kb"
  for ((r = 0; r < runs; r++)); do
    if ! peak_rss "$work/xlsx.log" "$ONETABLE" --config "$cfg" table bench/quanyuan-renkou \
      --format xlsx -o "$work/roster.xlsx"; then
      fail_row "full roster → XLSX" "$(tail -n 3 "$work/xlsx.log" | tr '\n' ' ')"
      return
    fi
    times+=("$elapsed")
    ((peak_kb > peak)) && peak="$peak_kb"
  done
  local growth=$((peak - small)) t
  t="$(median "${times[@]}")"
  row "full roster → XLSX ($persons rows): time; peak RSS $(mb "$peak") vs $(mb "$small") for one grid" \
    "$(secs "$t"), +$(mb "$growth")" "—" "—" "RSS growth ≤ 64 MB" \
    "$(judge "$growth" "<=" 65536 | sed 's/not judged (quick)/not judged (quick)/')"
}

# identity_judge VALUE OP LIMIT -> pass / **miss**, in quick runs too: these goals are about
# correctness, not speed, so a quick run (ctest's bench_quick) fails when one is missed.
identity_judge() {
  if awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN { exit !((op == "<=") ? v <= l : v >= l) }'; then
    echo "pass"
  else
    failed=1
    notes+=("identity goal missed: $1 (goal $2 $3)")
    echo "**miss**"
  fi
}

# review_per_100 LOG: review items the run opened per 100 rows it read.
review_per_100() {
  awk -v r="$(json_field "$1" review)" -v n="$(json_field "$1" read)" \
    'BEGIN { if (n > 0) printf "%.2f", 100 * r / n; else print 0 }'
}

# The identity rows (issue 12): the unkeyed 卫健 export matched against the city, scored with
# its labels, and the review load of every departmental export. Goals: automatic-link
# precision ≥ 99.5%, silent duplicates ≤ 1%, ≥ 90% linked without a worker, ≤ 2 review items
# per 100 incoming rows.
identity_rows() {
  local store="$1" db="$2" log="$work/import-weijian.log" metrics name what v
  if ! import_once "$store" "$BENCH/connectors/weijian.yaml" "$log"; then
    fail_row "import 卫健 unkeyed CSV" "$(tail -n 3 "$log" | tr '\n' ' ')"
    return
  fi
  row "import 卫健 CSV without ID numbers ($(import_counts "$log"))" "$(secs "$elapsed")" "—" "—" \
    "—" "info"
  if ! metrics="$(python3 "$BENCH/identity_metrics.py" "$db" "$city/weijian_truth.csv" \
    bench-weijian 2>&1)"; then
    fail_row "identity metrics" "$metrics"
    return
  fi
  echo "$metrics" >"$work/identity-metrics.json"
  jf() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$metrics" "$1"; }
  local rows in_reg
  rows="$(jf rows)" in_reg="$(jf in_register)"
  v="$(jf precision)"
  row "identity: precision of automatic links (卫健, $(jf auto_links) links, $(jf wrong_links) wrong)" \
    "$v%" "—" "—" "≥ 99.5%" "$(identity_judge "$v" ">=" 99.5)"
  v="$(jf linked_automatically)"
  row "identity: linked automatically ($(jf correct_links) of $in_reg rows about register persons)" \
    "$v%" "—" "—" "≥ 90%" "$(identity_judge "$v" ">=" 90)"
  v="$(jf silent_duplicate_rate)"
  row "identity: silent duplicates (new person, no review item: $(jf silent_duplicates) of $in_reg)" \
    "$v%" "—" "—" "≤ 1%" "$(identity_judge "$v" "<=" 1)"
  row "identity: sent to review ($(jf review) of $rows rows; $(jf new) new, $(jf not_in_register_new) of them truly new)" \
    "$(jf sent_to_review)%" "—" "—" "—" "info"
  notes+=("identity by kind of slip: wrong links $(jf wrong_link_kinds); to review $(jf review_kinds); silent duplicates $(jf silent_duplicate_kinds)")
  for spec in minzheng:"民政 GBK CSV" canlian:"残联 XLSX" weijian:"卫健 CSV"; do
    IFS=: read -r name what <<<"$spec"
    [[ -f "$work/import-$name.log" ]] || continue
    v="$(review_per_100 "$work/import-$name.log")"
    row "review items per 100 incoming rows: $what ($(json_field "$work/import-$name.log" review) of $(json_field "$work/import-$name.log" read))" \
      "$v" "—" "—" "≤ 2" "$(identity_judge "$v" "<=" 2)"
  done
}

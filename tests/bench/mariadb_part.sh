# tests/bench/run, MariaDB rows (sourced): the same import and tables on a MariaDB store, against
# LOAD DATA LOCAL INFILE and the mariadb client's --batch output. Run on a city of
# `mariadb_persons` persons (the ingest writes row by row over the network: see the README).

# The mariadb client for the store URL (with local infile): MDB=(...) after parse_mysql_url.
mdb() { "${MDB[@]}" "$@"; }

parse_mysql_url() {
  local rest="${1#mysql://}"
  mdb_user="${rest%%:*}"
  rest="${rest#*:}"
  mdb_pass="${rest%%@*}"
  rest="${rest#*@}"
  mdb_host="${rest%%:*}"
  rest="${rest#*:}"
  mdb_port="${rest%%/*}"
  mdb_db="${rest#*/}"
  mdb_db="${mdb_db%%\?*}"
  MDB=(mariadb --no-defaults --default-character-set=utf8mb4 --local-infile=1 --host="$mdb_host" --port="$mdb_port"
    --user="$mdb_user" --password="$mdb_pass" --database="$mdb_db")
}

# Every table of the benchmark's database goes: the store is rebuilt from nothing, and a shared
# test database (ops/test's) is left as empty as it was found.
drop_all_tables() {
  local tables
  tables="$(mdb --batch --skip-column-names -e \
    "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()")" || return 1
  [[ -z "$tables" ]] && return 0
  mdb -e "SET FOREIGN_KEY_CHECKS = 0; $(sed 's/.*/DROP TABLE IF EXISTS `&`;/' <<<"$tables")"
}

mariadb_table() {  # WHAT MAPPING SQL AS_OF CONFIG
  local what="$1" mapping="$2" sql="$3" as_of="$4" cfg="$5" ours theirs r times=() base=()
  ours="$work/mtable-$sql.csv" theirs="$work/msql-$sql.tsv"
  for ((r = 0; r < runs; r++)); do
    if ! timed "$work/mtable-$sql.log" "$ONETABLE" --config "$cfg" table "$mapping" --format csv \
      -o "$ours"; then
      fail_row "$what" "onetable table failed: $(tail -n 3 "$work/mtable-$sql.log" | tr '\n' ' ')"
      return
    fi
    times+=("$elapsed")
  done
  for ((r = 0; r < runs; r++)); do
    if ! timed "$work/msql-$sql.log" bash -c 'out="$1"; shift; exec "$@" >"$out"' _ "$theirs" \
      "${MDB[@]}" --batch -e "SET @asof = '$as_of'; $(cat "$BENCH/sql/mysql/$sql.sql")"; then
      fail_row "$what" "mariadb failed: $(tail -n 3 "$work/msql-$sql.log" | tr '\n' ' ')"
      return
    fi
    base+=("$elapsed")
  done
  local same t b
  if ! same="$(same_table "$ours" "$theirs" --tsv)"; then
    fail_row "$what" "onetable and the hand-written SQL disagree: $(echo "$same" | tr '\n' ' ')"
    return
  fi
  t="$(median "${times[@]}")" b="$(median "${base[@]}")"
  row "$what (${same#same } rows, same cells)" "$(secs "$t")" "$(secs "$b")" "$(ratio "$t" "$b")" \
    "≤ 1.5×" "$(judge "$(awk -v a="$t" -v b="$b" 'BEGIN{print a/b}')" "<=" 1.5)"
}

mariadb_part() {
  local n="$mariadb_persons" what="MariaDB: import the register CSV ($mariadb_persons persons) vs LOAD DATA LOCAL INFILE"
  if ! has_verb import || ! has_plugin csv; then
    not_yet "$what" "≤ 3×" "needs \`onetable import\` and the csv plugin"
    return
  fi
  if ! command -v mariadb >/dev/null || ! command -v mariadbd >/dev/null; then
    fail_row "$what" "mariadb client or server not installed (ops/setup installs them)"
    return
  fi
  local url="${ONETABLE_TEST_MYSQL_URL:-}"
  if [[ -z "$url" ]]; then
    if ! url="$(ONETABLE_MARIADB_DIR="$work/mariadb" "$ROOT/ops/mariadb" start 2>"$work/mariadb-start.log")"; then
      fail_row "$what" "ops/mariadb start failed: $(tail -n 3 "$work/mariadb-start.log" | tr '\n' ' ')"
      return
    fi
    mariadb_started=1
  fi
  parse_mysql_url "$url"
  if ! drop_all_tables >"$work/mdb-drop.log" 2>&1; then
    fail_row "$what" "cannot reach or clear $mdb_db: $(tail -n 2 "$work/mdb-drop.log" | tr '\n' ' ')"
    return
  fi

  # Its own, smaller city (the same generator, seed and district).
  local mcity="$city"
  if [[ "$n" != "$persons" ]]; then
    mcity="$work/city-mariadb"
    mkdir -p "$mcity"
    if ! "$SYNTH" generate --persons "$n" --today "$today" --out "$mcity" >"$work/mcity.log" 2>&1; then
      fail_row "$what" "synth_city failed: $(tail -n 2 "$work/mcity.log" | tr '\n' ' ')"
      return
    fi
  fi
  if ! "$ONETABLE" --config "$(config "$url" init-mariadb)" init >"$work/init-mariadb.log" 2>&1 ||
    ! "$SYNTH" load-tree --city "$mcity" --store "$url" >"$work/tree-mariadb.log" 2>&1 ||
    ! mdb -e "$(cat "$BENCH/sql/mysql/codes.sql") LOAD DATA LOCAL INFILE '$work/codes.csv' INTO TABLE bench_code
         CHARACTER SET utf8mb4 FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"';
         $(cat "$BENCH/sql/mysql/bare.sql")" >>"$work/tree-mariadb.log" 2>&1; then
    fail_row "set up the MariaDB register (init, tree)" "$(tail -n 3 "$work"/*-mariadb.log | tr '\n' ' ')"
    drop_all_tables >/dev/null 2>&1
    return
  fi

  local r base=() loaded
  for ((r = 0; r < runs; r++)); do
    if ! timed "$work/mbare.log" "${MDB[@]}" -e "TRUNCATE person_bare; LOAD DATA LOCAL INFILE '$mcity/register.csv'
        INTO TABLE person_bare CHARACTER SET utf8mb4 FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"'
        LINES TERMINATED BY '\n' IGNORE 1 LINES"; then
      fail_row "$what" "LOAD DATA failed: $(tail -n 3 "$work/mbare.log" | tr '\n' ' ')"
      drop_all_tables >/dev/null 2>&1
      return
    fi
    base+=("$elapsed")
  done
  loaded="$(mdb --batch --skip-column-names -e 'SELECT count(*) FROM person_bare')"
  [[ "$loaded" == "$n" ]] || fail_row "$what" "LOAD DATA loaded $loaded rows, not $n"

  # One import (a second would need the store rebuilt), then the unchanged re-imports.
  local t_import t_bare t_re times=()
  if ! timed "$work/mimport.log" env BENCH_REGISTER_CSV="$mcity/register.csv" "$ONETABLE" \
    --config "$(config "$url" import)" import "$BENCH/connectors/register.yaml" --plugins "$PLUGINS"; then
    fail_row "$what" "onetable import failed: $(tail -n 3 "$work/mimport.log" | tr '\n' ' ')"
    drop_all_tables >/dev/null 2>&1
    return
  fi
  t_import="$elapsed"
  if check_import "$work/mimport.log" "$what" new "$n"; then
    t_bare="$(median "${base[@]}")"
    row "$what (1 run)" "$(secs "$t_import")" "$(secs "$t_bare")" "$(ratio "$t_import" "$t_bare")" \
      "≤ 3×" "$(judge "$(awk -v a="$t_import" -v b="$t_bare" 'BEGIN{print a/b}')" "<=" 3)"
    for ((r = 0; r < (only_tables ? 0 : runs); r++)); do
      if ! timed "$work/mreimport.log" env BENCH_REGISTER_CSV="$mcity/register.csv" "$ONETABLE" \
        --config "$(config "$url" import)" import "$BENCH/connectors/register.yaml" --plugins "$PLUGINS"; then
        fail_row "MariaDB: re-import unchanged" "$(tail -n 3 "$work/mreimport.log" | tr '\n' ' ')"
        break
      fi
      check_import "$work/mreimport.log" "MariaDB: re-import unchanged" unchanged "$n" || break
      times+=("$elapsed")
    done
    if ((!only_tables && ${#times[@]} == runs)); then
      t_re="$(median "${times[@]}")"
      row "MariaDB: re-import unchanged" "$(secs "$t_re")" "$(secs "$t_import") (first import)" \
        "$(ratio "$t_re" "$t_import")" "≤ 0.3× the first import" \
        "$(judge "$(awk -v a="$t_re" -v b="$t_import" 'BEGIN{print a/b}')" "<=" 0.3)"
    fi
  fi

  ((only_tables)) || gongan_source "$url" "$mcity"

  if has_verb table; then
    local cfg
    cfg="$(config "$url" mariadb)"
    mariadb_table "MariaDB: full roster → CSV vs \`mariadb --batch\`" bench/quanyuan-renkou roster \
      "$year-12-31" "$cfg"
    mariadb_table "MariaDB: 高龄津贴 → CSV" minzheng/gaoling-jintie gaoling "$year-06-30" "$cfg"
    mariadb_table "MariaDB: 人口统计表 → CSV" zongzhi/renkou-tongji tongji "$year-12-31" "$cfg"
  else
    not_yet "MariaDB: full roster → CSV" "≤ 1.5×" "\`onetable table\` is not built yet"
  fi
  drop_all_tables >/dev/null 2>&1
}

# 公安's 流动人口 table in the database (the department's system), then pulled in by the mysql
# connector when it is built.
gongan_source() {
  local url="$1" mcity="$2" what="公安 流动人口 table (LOAD DATA) and its import by the mysql connector"
  if ! timed "$work/gongan-load.log" "${MDB[@]}" -e "$(cat "$BENCH/sql/mysql/gongan.sql")
      LOAD DATA LOCAL INFILE '$mcity/gongan_ldrk.tsv' INTO TABLE gongan_ldrk CHARACTER SET utf8mb4
      FIELDS TERMINATED BY '\t' LINES TERMINATED BY '\n'
      (id, xm, gmsfhm, xb, mz, csrq, hjdz, xzz, lxdh, djrq, lbdsy, zxbs, gxsj)"; then
    fail_row "$what" "LOAD DATA failed: $(tail -n 3 "$work/gongan-load.log" | tr '\n' ' ')"
    return
  fi
  local rows load_t="$elapsed"
  rows="$(mdb --batch --skip-column-names -e 'SELECT count(*) FROM gongan_ldrk')"
  if ! has_plugin mysql; then
    row "公安 流动人口 table: LOAD DATA of $rows rows" "—" "$(secs "$load_t")" "—" "—" \
      "info; import: not yet (no mysql connector plugin)"
    return
  fi
  local log="$work/import-gongan.log"
  if ! timed "$log" env BENCH_GONGAN_URL="$url" "$ONETABLE" --config "$(config "$url" import)" import \
    "$BENCH/connectors/gongan.yaml" --plugins "$PLUGINS"; then
    fail_row "$what" "$(tail -n 3 "$log" | tr '\n' ' ')"
    return
  fi
  row "import 公安 流动人口 from MariaDB ($(import_counts "$log"))" "$(secs "$elapsed")" \
    "$(secs "$load_t") (LOAD DATA)" "—" "—" "info"
  local v
  v="$(review_per_100 "$log")"
  row "review items per 100 incoming rows: 公安 流动人口 ($(json_field "$log" review) of $(json_field "$log" read))" \
    "$v" "—" "—" "≤ 2" "$(identity_judge "$v" "<=" 2)"
}

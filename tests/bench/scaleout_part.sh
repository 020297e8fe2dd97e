# tests/bench/run, scale-out rows (sourced, after api_part.sh and mariadb_part.sh, whose wrk and
# mariadb helpers it uses): on one MariaDB, GET and PUT of persons through one `onetable serve`
# and through two at once (the same 64 connections split over both); on the 3-node Galera cluster
# (ops/galera), the register import through node 1, the full roster through node 2, and PUT p99
# with one instance per node. Every server listens on 127.0.0.1 only.

scaleout_instances=()  # pids of the serve processes this part started

stop_instances() {
  local pid
  for pid in "${scaleout_instances[@]}"; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  scaleout_instances=()
}

# start_instance URL NAME -> port in `instance_port`; 1 when it does not answer.
start_instance() {
  local url="$1" name="$2" port=$((20000 + RANDOM % 20000)) i
  "$ONETABLE" --config "$(config "$url" "$name")" serve --listen "127.0.0.1:$port" \
    >"$work/serve-$name.log" 2>&1 &
  local pid=$!
  scaleout_instances+=("$pid")
  for ((i = 0; i < 150; i++)); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && { instance_port="$port"; return 0; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  return 1
}

login_token() {  # PORT -> the admin's bearer token
  curl -sS -X POST -H 'Content-Type: application/json' \
    -d "{\"name\": \"admin\", \"password\": \"$scaleout_password\"}" "http://127.0.0.1:$1/api/v1/login" |
    python3 -c 'import json,sys; print(json.load(sys.stdin).get("token", ""))' 2>/dev/null
}

# The wrk scripts: GET a random person; PUT persons from a list file (id version), each
# wrk thread its own stride, none twice.
write_lua() {  # TOKEN MAX_ID PEOPLE_FILE TAG
  cat >"$work/so-get.lua" <<EOF
wrk.headers["Authorization"] = "Bearer $1"
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/api/v1/persons/" .. math.random(1, $2))
end
EOF
  # Each thread takes every other person of the list; when it has been through its share it
  # starts again with a phone that differs from the pass before. The version each PUT names is
  # the one the last answer for that person gave (its ETag; the list's at first), so a 412
  # (the version was not what the list said) costs one request, not every later pass.
  cat >"$work/so-put-$4.lua" <<EOF
local all = {}
for line in io.lines("$3") do
  local id, version = line:match("(%d+) (%d+)")
  all[#all + 1] = {tonumber(id), tonumber(version)}
end
local threads = 0
setup = function(thread)
  thread:set("offset", threads)
  threads = threads + 1
end
local mine, sent, versions = nil, 0, {}
response = function(status, headers, body)
  local id = body:match('"id"%s*:%s*(%d+)')
  local etag = headers["ETag"] or headers["Etag"] or headers["etag"]
  if id and etag then versions[tonumber(id)] = tonumber((etag:gsub('[^%d]', ''))) end
end
request = function()
  if mine == nil then
    mine = {}
    for i = (offset or 0) + 1, #all, 2 do mine[#mine + 1] = all[i] end
  end
  local p = mine[(sent % #mine) + 1]
  local pass = math.floor(sent / #mine)
  sent = sent + 1
  local phone = string.format("13%d%08d", pass % 10, p[1] % 100000000)
  local headers = {["Authorization"] = "Bearer $1", ["Content-Type"] = "application/json",
                   ["If-Match"] = '"' .. (versions[p[1]] or p[2]) .. '"'}
  return wrk.format("PUT", "/api/v1/persons/" .. p[1], headers,
                    '{"fields": {"phone": "' .. phone .. '"}}')
end
EOF
}

# wrk_spread NAME CONNECTIONS SCRIPT... -- PORT...: one wrk per port at once, CONNECTIONS split
# evenly; sets `rate` (sum of req/s), `p99` (the worst p99, ms), `errors` (sum). SCRIPT is one
# script for all, or one per port (SCRIPT1 SCRIPT2 ... --).
wrk_spread() {
  local name="$1" conns="$2"
  shift 2
  local scripts=()
  while [[ "$1" != -- ]]; do scripts+=("$1"); shift; done
  shift
  local ports=("$@") n=$# i pids=() each
  last_spread="$name"
  each=$((conns / n))
  for ((i = 0; i < n; i++)); do
    local s="${scripts[$((${#scripts[@]} > 1 ? i : 0))]}"
    timeout $((wrk_seconds + 60)) wrk -t2 -c"$each" -d"${wrk_seconds}s" --timeout 10s --latency \
      -s "$s" "http://127.0.0.1:${ports[$i]}" >"$work/wrk-$name-$i.log" 2>&1 &
    pids+=($!)
  done
  local ok=0
  for i in "${pids[@]}"; do wait "$i" || ok=1; done
  rate=0 p99=0 errors=0
  for ((i = 0; i < n; i++)); do
    local log="$work/wrk-$name-$i.log" r q e
    r="$(wrk_rate "$log")" q="$(wrk_p99 "$log")" e="$(wrk_errors "$log")"
    [[ -n "$r" && -n "$q" ]] || ok=1
    rate="$(awk -v a="$rate" -v b="${r:-0}" 'BEGIN { print a + b }')"
    p99="$(awk -v a="$p99" -v b="${q:-0}" 'BEGIN { print (b > a ? b : a) }')"
    errors=$((errors + ${e:-0}))
    local slow
    slow="$(wrk_timeouts "$log")"
    [[ -n "$slow" && "$slow" != 0 ]] && p99=10000
  done
  return $ok
}

# After wrk_spread: true when under 1% of the requests got no 2xx (PUTs refused as stale, 412,
# or rolled back by a certification conflict, 409, are answers the service must give; errors
# are counted in the row). Socket errors and anything more fail the row.
few_errors() {
  local total
  total="$(cat "$work"/wrk-"$last_spread"-*.log | sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' | awk '{ s += $1 } END { print s + 0 }')"
  refused_note=""
  ((errors == 0)) && return 0
  refused_note=", $errors of $total refused"
  ((total > 0 && errors * 100 < total))
}

# A register of `mariadb_persons` persons at URL, imported by the csv connector; 0 when ready.
scaleout_register() {
  local url="$1" tag="$2"
  parse_mysql_url "$url"
  drop_all_tables >"$work/so-drop-$tag.log" 2>&1 || return 1
  ONETABLE_ADMIN_PASSWORD="$scaleout_password" "$ONETABLE" --config "$(config "$url" "init-$tag")" init \
    >"$work/so-init-$tag.log" 2>&1 || return 1
  "$SYNTH" load-tree --city "$scaleout_city" --store "$url" >>"$work/so-init-$tag.log" 2>&1 || return 1
  timed "$work/so-import-$tag.log" env BENCH_REGISTER_CSV="$scaleout_city/register.csv" "$ONETABLE" \
    --config "$(config "$url" import)" import "$BENCH/connectors/register.yaml" --plugins "$PLUGINS" || return 1
  check_import "$work/so-import-$tag.log" "import ($tag)" new "$mariadb_persons"
}

# The people list (id version) for PUTs, split in `parts` files so that no two wrk runs share
# a person: so-people-TAG-0.txt ...
people_lists() {  # TAG PARTS
  mdb --batch --skip-column-names -e "SELECT id, version FROM person ORDER BY id" |
    tr '\t' ' ' >"$work/so-people-$1.txt"
  local i
  for ((i = 0; i < $2; i++)); do
    awk -v n="$2" -v k="$i" 'NR % n == k' "$work/so-people-$1.txt" >"$work/so-people-$1-$i.txt"
  done
}

scaleout_part() {
  local what="scale-out rows"
  if ! has_verb serve || ! command -v wrk >/dev/null || ! has_plugin csv; then
    not_yet "$what" "—" "needs \`onetable serve\`, wrk and the csv plugin"
    return
  fi
  scaleout_password="Bench-Scale-0ut-$RANDOM"
  scaleout_city="$work/city-mariadb"
  [[ -f "$scaleout_city/register.csv" ]] || scaleout_city="$city"
  export ONETABLE_THROWAWAY_STORE=1  # ops/mariadb and ops/galera run without fsync per commit

  # --- one MariaDB: 1 instance vs 2 -------------------------------------------------------
  local url="${ONETABLE_TEST_MYSQL_URL:-}"
  if [[ -z "$url" ]]; then
    url="$(ONETABLE_MARIADB_DIR="$work/mariadb" "$ROOT/ops/mariadb" start 2>"$work/so-mariadb.log")" || {
      fail_row "$what" "ops/mariadb start failed"
      return
    }
    mariadb_started=1
  fi
  if ! scaleout_register "$url" mariadb; then
    fail_row "MariaDB: register for the scale-out rows" "$(tail -n 3 "$work"/so-*-mariadb.log | tr '\n' ' ')"
  else
    scaleout_one_mariadb "$url"
  fi
  stop_instances
  parse_mysql_url "$url"
  drop_all_tables >/dev/null 2>&1

  # --- the Galera cluster -------------------------------------------------------------------
  scaleout_galera
  stop_instances
}

scaleout_one_mariadb() {
  local url="$1" p1 p2 token max_id
  start_instance "$url" so-a || { fail_row "MariaDB: 1 instance" "serve did not start"; return; }
  p1="$instance_port"
  token="$(login_token "$p1")"
  [[ -n "$token" ]] || { fail_row "MariaDB: 1 instance" "could not log in"; return; }
  max_id="$(mdb --batch --skip-column-names -e 'SELECT max(id) FROM person')"
  people_lists mariadb 4
  write_lua "$token" "$max_id" "$work/so-people-mariadb-0.txt" m0
  write_lua "$token" "$max_id" "$work/so-people-mariadb-1.txt" m1
  write_lua "$token" "$max_id" "$work/so-people-mariadb-2.txt" m2

  local get1 put1 p99_1 get2 put2 p99_2 refused_1
  wrk_spread get1 64 "$work/so-get.lua" -- "$p1" && ((errors == 0)) || {
    fail_row "MariaDB: GET, 1 instance" "wrk failed or $errors errors"; return; }
  get1="$rate"
  wrk_spread put1 64 "$work/so-put-m0.lua" -- "$p1" && few_errors || {
    fail_row "MariaDB: PUT, 1 instance" "wrk failed or $errors errors"; return; }
  put1="$rate" p99_1="$p99" refused_1="$refused_note"

  start_instance "$url" so-b || { fail_row "MariaDB: 2 instances" "second serve did not start"; return; }
  p2="$instance_port"
  wrk_spread get2 64 "$work/so-get.lua" -- "$p1" "$p2" && ((errors == 0)) || {
    fail_row "MariaDB: GET, 2 instances" "wrk failed or $errors errors"; return; }
  get2="$rate"
  wrk_spread put2 64 "$work/so-put-m1.lua" "$work/so-put-m2.lua" -- "$p1" "$p2" && few_errors || {
    fail_row "MariaDB: PUT, 2 instances" "wrk failed or $errors errors"; return; }
  put2="$rate" p99_2="$p99"

  row "MariaDB ($mariadb_persons persons): GET a person, 2 instances vs 1 (wrk -c64 split, ${wrk_seconds}s)" \
    "$(printf '%.0f req/s' "$get2")" "$(printf '%.0f req/s' "$get1") (1 instance)" \
    "$(ratio "$get2" "$get1")" "—" "info"
  row "MariaDB: PUT a person, 2 instances vs 1: throughput (p99 $(printf '%.1f' "$p99_2") vs $(printf '%.1f' "$p99_1") ms${refused_note:+; 2 instances$refused_note}${refused_1:+; 1 instance$refused_1})" \
    "$(printf '%.0f req/s' "$put2")" "$(printf '%.0f req/s' "$put1") (1 instance)" \
    "$(ratio "$put2" "$put1")" "—" "info"
}

scaleout_galera() {
  local what="Galera (3 nodes)"
  if ! [[ -f /usr/lib/galera/libgalera_smm.so ]]; then
    fail_row "$what" "galera-4 is not installed (ops/setup installs it)"
    return
  fi
  local urls=()
  if [[ -n "${ONETABLE_TEST_GALERA_URLS:-}" ]]; then
    read -r -a urls <<<"$ONETABLE_TEST_GALERA_URLS"
  else
    export ONETABLE_GALERA_DIR="$work/galera"
    chmod 711 "$work"
    if ! "$ROOT/ops/galera" start >"$work/so-galera.log" 2>&1; then
      fail_row "$what" "ops/galera start failed: $(tail -n 3 "$work/so-galera.log" | tr '\n' ' ')"
      return
    fi
    galera_started=1
    mapfile -t urls < <("$ROOT/ops/galera" urls)
  fi
  ((${#urls[@]} == 3)) || { fail_row "$what" "expected 3 node URLs, got ${#urls[@]}"; return; }

  if ! scaleout_register "${urls[0]}" galera; then
    fail_row "Galera: import the register CSV" "$(tail -n 3 "$work"/so-*-galera.log | tr '\n' ' ')"
    return
  fi
  row "Galera: import the register CSV ($mariadb_persons persons) through node 1 (1 run)" \
    "$(secs "$elapsed")" "—" "—" "—" "info"

  # The full roster through node 2, cell by cell against the SQL on node 2.
  if has_verb table; then
    parse_mysql_url "${urls[1]}"
    mdb -e "$(cat "$BENCH/sql/mysql/codes.sql") LOAD DATA LOCAL INFILE '$work/codes.csv' INTO TABLE bench_code
         CHARACTER SET utf8mb4 FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"';" >"$work/so-codes.log" 2>&1 ||
      fail_row "Galera: code tables" "$(tail -n 2 "$work/so-codes.log" | tr '\n' ' ')"
    mariadb_table "Galera: full roster → CSV through node 2 vs \`mariadb --batch\`" \
      bench/quanyuan-renkou roster "$year-12-31" "$(config "${urls[1]}" galera-2)"
  fi

  local ports=() i token max_id
  for i in 0 1 2; do
    start_instance "${urls[$i]}" "so-g$i" || { fail_row "$what" "serve on node $((i + 1)) did not start"; return; }
    ports+=("$instance_port")
  done
  token="$(login_token "${ports[0]}")"
  [[ -n "$token" ]] || { fail_row "$what" "could not log in"; return; }
  parse_mysql_url "${urls[0]}"
  max_id="$(mdb --batch --skip-column-names -e 'SELECT max(id) FROM person')"
  people_lists galera 3
  for i in 0 1 2; do write_lua "$token" "$max_id" "$work/so-people-galera-$i.txt" "g$i"; done
  if wrk_spread gput 63 "$work/so-put-g0.lua" "$work/so-put-g1.lua" "$work/so-put-g2.lua" -- \
    "${ports[@]}" && few_errors; then
    row "Galera: PUT a person, 3 instances (one per node, wrk -c63 split, ${wrk_seconds}s): p99 latency ($(printf '%.0f req/s' "$rate")$refused_note)" \
      "$(printf '%.2f ms' "$p99")" "—" "—" "p99 ≤ 25 ms" "$(judge "$p99" "<=" 25)"
  else
    fail_row "Galera: PUT a person, 3 instances" "wrk failed or $errors errors ($(grep -h -m1 -i 'non-2xx\|socket' "$work"/wrk-gput-*.log | head -1))"
  fi
  stop_instances
  parse_mysql_url "${urls[0]}"
  drop_all_tables >/dev/null 2>&1
}

# tests/bench/run, API rows (sourced): `onetable serve` on the SQLite register the import made,
# loaded with wrk on loopback: /healthz, GET a person, PUT a person, and the server's peak RSS.
# Requests go to 127.0.0.1 only; every wrk run is bounded by -d.

wrk_rate() { sed -n 's/^Requests\/sec:[[:space:]]*\([0-9.]*\).*/\1/p' "$1"; }
wrk_p99() {  # the 99% latency in ms
  awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 }
    else if (v ~ /ms$/) sub(/ms$/, "", v); else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }
    printf "%.2f", v }' "$1"
}
wrk_errors() {  # non-2xx/3xx responses plus connect/read/write errors (slow is not an error)
  local bad socket
  bad="$(sed -n 's/.*Non-2xx or 3xx responses: \([0-9]*\).*/\1/p' "$1")"
  socket="$(sed -n 's/.*Socket errors: connect \([0-9]*\), read \([0-9]*\), write \([0-9]*\), timeout.*/\1 \2 \3/p' "$1" |
    awk '{ print $1 + $2 + $3 }')"
  echo $((${bad:-0} + ${socket:-0}))
}
wrk_timeouts() { sed -n 's/.*Socket errors: .*timeout \([0-9]*\).*/\1/p' "$1"; }

# run_wrk NAME [wrk args...] URL: median requests/s of `runs` runs into `rate`, last log kept.
run_wrk() {
  local name="$1" r rates=() log="$work/wrk-$1.log"
  shift
  for ((r = 0; r < runs; r++)); do
    if ! timeout $((wrk_seconds + 60)) wrk -t2 -c64 -d"${wrk_seconds}s" --timeout 10s --latency "$@" >"$log" 2>&1; then
      return 1
    fi
    rates+=("$(wrk_rate "$log")")
  done
  rate="$(median "${rates[@]}")"
  wrk_log="$log"
}

api_part() {
  local db="$work/register.db" what_get="API: GET a person vs /healthz (wrk -c64, ${wrk_seconds}s)"
  local what_put="API: PUT a person (wrk -c64, ${wrk_seconds}s)" what_rss="\`serve\` peak RSS holding the register"
  if ! has_verb serve || ! command -v wrk >/dev/null; then
    not_yet "$what_get" "≥ 60%" "needs \`onetable serve\` and wrk"
    return
  fi
  if [[ ! -f "$db" ]]; then
    not_yet "$what_get" "≥ 60%" "needs the imported register (see the import row)"
    not_yet "$what_rss" "≤ 300 MB" "needs the imported register"
    return
  fi
  local port=$((20000 + RANDOM % 20000)) cfg base
  cfg="$(config "sqlite:$db" api)"
  base="http://127.0.0.1:$port"
  "$ONETABLE" --config "$cfg" serve --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
  server_pid=$!
  local i
  for ((i = 0; i < 100; i++)); do
    curl -fsS "$base/healthz" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.2
  done
  if ! curl -fsS "$base/healthz" >/dev/null 2>&1; then
    fail_row "$what_get" "serve did not answer /healthz: $(tail -n 3 "$work/serve.log" | tr '\n' ' ')"
    stop_server
    return
  fi

  local healthz_rate=""
  if run_wrk healthz "$base/healthz"; then
    healthz_rate="$rate"
    row "API: /healthz (wrk -c64, ${wrk_seconds}s)" "$(printf '%.0f req/s' "$rate")" "—" "—" "—" "info"
  else
    fail_row "API: /healthz" "wrk failed: $(tail -n 3 "$work/wrk-healthz.log" | tr '\n' ' ')"
  fi

  # A session for the person routes: the admin whose password `onetable init` printed once.
  local password token
  password="$(sed -n 's/^管理员密码：\([^（]*\).*/\1/p' "$work/init-sqlite.log" | head -1)"
  token="$(curl -sS -X POST -H 'Content-Type: application/json' \
    -d "{\"name\": \"admin\", \"password\": \"$password\"}" "$base/api/v1/login" |
    python3 -c 'import json,sys; print(json.load(sys.stdin).get("token", ""))' 2>/dev/null)"
  local login_code probe
  login_code="$(curl -s -o /dev/null -w '%{http_code}' -X POST -d '{}' "$base/api/v1/login")"
  probe="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
    "$base/api/v1/persons/1")"
  if [[ "$login_code" == 404 || ( -n "$token" && "$probe" == 404 ) ]]; then
    # Person 1 exists (the import made it): a 404 means there is no such route yet.
    not_yet "$what_get" "≥ 60% of /healthz" "no login or person API yet (issue 5)"
    not_yet "$what_put" "p99 ≤ 25 ms" "no person API yet (issue 5)"
  elif [[ -z "$token" ]]; then
    fail_row "$what_get" "could not log in as admin (the password printed by init)"
  elif [[ "$probe" != 200 ]]; then
    fail_row "$what_get" "GET /api/v1/persons/1 answered $probe"
  else
    person_load "$base" "$token" "$db" "$healthz_rate" "$what_get" "$what_put"
  fi

  local hwm
  hwm="$(awk '/VmHWM/ { print $2 }' "/proc/$server_pid/status" 2>/dev/null)"
  if [[ -n "$hwm" ]]; then
    row "$what_rss ($persons persons, after the load above)" "$(mb "$hwm")" "—" "—" "≤ 300 MB" \
      "$(awk -v k="$hwm" 'BEGIN { exit !(k <= 300 * 1024) }' && echo pass || echo '**miss**')"
  else
    fail_row "$what_rss" "could not read /proc/$server_pid/status"
  fi
  stop_server
}

# GET and PUT of persons spread over the register: wrk's Lua picks the person per request.
person_load() {
  local base="$1" token="$2" db="$3" healthz_rate="$4" what_get="$5" what_put="$6" max_id
  max_id="$(sqlite3 "$db" 'SELECT max(id) FROM person')"
  cat >"$work/get.lua" <<EOF
wrk.headers["Authorization"] = "Bearer $token"
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/api/v1/persons/" .. math.random(1, $max_id))
end
EOF
  if run_wrk get -s "$work/get.lua" "$base"; then
    local errors
    errors="$(wrk_errors "$wrk_log")"
    if ((errors > 0)); then
      fail_row "$what_get" "$errors requests failed ($(grep -m1 -i 'non-2xx\|socket' "$wrk_log"))"
    else
      local share
      share="$(awk -v a="$rate" -v b="$healthz_rate" 'BEGIN { if (b > 0) printf "%.0f", 100 * a / b; else print 0 }')"
      row "$what_get" "$(printf '%.0f req/s' "$rate")" "$(printf '%.0f req/s' "$healthz_rate") (/healthz)" \
        "$share%" "≥ 60% of /healthz" "$(judge "$share" ">=" 60)"
    fi
  else
    fail_row "$what_get" "wrk failed: $(tail -n 3 "$wrk_log" | tr '\n' ' ')"
  fi

  # Each PUT names the person's current version (If-Match): persons are taken in turn from a
  # list read from the store before the run, each thread its own stride, none twice.
  sqlite3 -separator ' ' "$db" "SELECT id, version FROM person ORDER BY id LIMIT 300000" \
    >"$work/people.txt"
  cat >"$work/put.lua" <<EOF
-- Loaded once per wrk thread: the persons and their versions, then every other one from an
-- offset that setup() gives each thread.
local people = {}
for line in io.lines("$work/people.txt") do
  local id, version = line:match("(%d+) (%d+)")
  people[#people + 1] = {id, version}
end
local threads = 0
setup = function(thread)
  thread:set("offset", threads)
  threads = threads + 1
end
local next_index = nil
request = function()
  if next_index == nil then next_index = (offset or 0) + 1 end
  local p = people[next_index] or people[1]
  next_index = next_index + 2
  local phone = string.format("139%08d", tonumber(p[1]) % 100000000)
  -- wrk.format uses the headers given instead of wrk.headers, so all of them go here.
  local headers = {["Authorization"] = "Bearer $token", ["Content-Type"] = "application/json",
                   ["If-Match"] = '"' .. p[2] .. '"'}
  return wrk.format("PUT", "/api/v1/persons/" .. p[1], headers,
                    '{"fields": {"phone": "' .. phone .. '"}}')
end
EOF
  local put_runs_saved="$runs"
  runs=1  # each PUT changes the register: one run, so none is repeated against a stale version
  if run_wrk put -s "$work/put.lua" "$base"; then
    runs="$put_runs_saved"
    local errors p99
    errors="$(wrk_errors "$wrk_log")"
    p99="$(wrk_p99 "$wrk_log")"
    if ((errors > 0)); then
      fail_row "$what_put" "$errors requests failed ($(grep -m1 -i 'non-2xx\|socket' "$wrk_log"))"
    else
      local slow
      slow="$(wrk_timeouts "$wrk_log")"
      local shown="$p99"
      if [[ -n "$slow" && "$slow" != 0 ]]; then  # some took longer than wrk's 10 s timeout
        shown="> 10000" p99=10000
      fi
      row "$what_put: p99 latency ($(printf '%.0f req/s' "$rate"))" "${shown} ms" "—" "—" "p99 ≤ 25 ms" \
        "$(judge "$p99" "<=" 25)"
    fi
  else
    runs="$put_runs_saved"
    fail_row "$what_put" "wrk failed: $(tail -n 3 "$wrk_log" | tr '\n' ' ')"
  fi
}

# Helpers of tests/bench/run (sourced): timing, the result table, and writing it out.
# Globals it reads: quick, persons, runs, work, build_dir, build_type, summary, load_start,
# started, only_robustness. Rows are kept in arrays and printed by `finish`.

rows_what=() rows_ot=() rows_base=() rows_ratio=() rows_goal=() rows_result=()
notes=()
failed=0

note() { echo "bench: $*" >&2; }
die() {
  echo "bench: $*" >&2
  exit 1
}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }
secs() { awk -v s="$1" 'BEGIN { if (s < 10) printf "%.2f s", s; else printf "%.1f s", s }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f MB", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "—" }'; }

# median of the arguments (the mean of the two middle ones for an even count)
median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print 0; exit }
    if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# row WHAT ONETABLE BASELINE RATIO GOAL RESULT
row() {
  rows_what+=("$1") rows_ot+=("$2") rows_base+=("$3") rows_ratio+=("$4") rows_goal+=("$5")
  rows_result+=("$6")
  echo "bench: | $1 | $2 | $3 | $4 | $5 | $6 |" >&2
}
# A step that could not be measured: counts as a failure of the run.
fail_row() {
  failed=1
  row "$1" "error" "" "" "" "**error**: $2"
  notes+=("$1: $2")
}
not_yet() { row "$1" "not yet" "" "" "$2" "not yet: $3"; }

# judge VALUE OP LIMIT -> pass / **miss** (quick runs judge nothing)
judge() {
  if ((quick)); then
    echo "not judged (quick)"
  elif awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN { exit !((op == "<=") ? v <= l : v >= l) }'; then
    echo "pass"
  else
    echo "**miss**"
  fi
}

# timed LOG CMD...: runs CMD under the step timeout with stdout+stderr to LOG; sets `elapsed`
# (seconds) and returns CMD's status (124 on timeout).
timed() {
  local log="$1" t0 status
  shift
  t0="$(now)"
  timeout "$step_timeout" "$@" >"$log" 2>&1
  status=$?
  elapsed="$(since "$t0")"
  # Said in the log, whose tail the failure rows quote: a killed command prints nothing itself.
  ((status != 124)) || echo "timed out after ${step_timeout}s (--step-timeout)" >>"$log"
  return $status
}

# peak_rss LOG CMD...: like timed, and sets `peak_kb` from /usr/bin/time (maximum RSS, KiB).
peak_rss() {
  local log="$1" status
  shift
  timed "$log" /usr/bin/time -f 'PEAK_RSS_KB %M' "$@"
  status=$?
  peak_kb="$(sed -n 's/^PEAK_RSS_KB //p' "$log" | tail -1)"
  return $status
}

# The last line of an import's output is one JSON object; json_field LOG KEY reads a number.
json_field() { tail -n 1 "$1" | sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p"; }

# Compares a table onetable wrote (CSV) with the hand-written SQL's output (CSV or the mariadb
# client's TSV); prints the first difference and fails when they differ.
same_table() { python3 "$BENCH/same_table.py" "$@"; }

finish() {
  local out="$BENCH/out" cores cpu mem date_now load_end minutes header file scope
  mkdir -p "$out"
  cores="$(nproc)"
  cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  mem="$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
  date_now="$(date '+%Y-%m-%d %H:%M %Z')"
  load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
  minutes="$(awk -v s="$(($(date +%s) - started))" 'BEGIN { printf "%.1f", s / 60 }')"
  {
    echo "### tests/bench/run${BENCH_ARGS:+ $BENCH_ARGS} — $date_now"
    echo
    if ((${only_robustness:-0})); then
      scope="each crash loop once"
    else
      scope="$persons persons, timings are medians of $runs run(s) (imports: $import_runs)"
    fi
    echo "Machine: $cores cores ($cpu), $mem; load average $load_start at start, $load_end at" \
      "the end (other builds share the machine). Build: $build_type. $scope; whole run" \
      "$minutes min."
    echo
    echo "City: \`$summary\`"
    echo
    echo "| what | onetable | baseline | ratio | goal | result |"
    echo "|---|---|---|---|---|---|"
    local i
    for i in "${!rows_what[@]}"; do
      echo "| ${rows_what[$i]} | ${rows_ot[$i]} | ${rows_base[$i]} | ${rows_ratio[$i]} |" \
        "${rows_goal[$i]} | ${rows_result[$i]} |"
    done
    if ((${#notes[@]})); then
      echo
      for i in "${notes[@]}"; do echo "- $i"; done
    fi
  } >"$work/results.md"
  if ((quick)); then
    file="$build_dir/bench-results-quick.md"
    cp "$work/results.md" "$file"
  else
    file="$out/results.md"
    cp "$work/results.md" "$file"
    cp "$work/results.md" "$out/results-$(date +%Y%m%d-%H%M).md"
  fi
  echo
  cat "$work/results.md"
  echo
  echo "(written to $file)"
  if ((failed)); then
    echo "bench: FAILED: a measurement step errored (see the table)" >&2
    exit 1
  fi
  exit 0
}

server_pid=""
stop_server() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  server_pid=""
}

mariadb_started=0
stop_mariadb() {
  if ((mariadb_started)); then
    ONETABLE_MARIADB_DIR="$work/mariadb" "$ROOT/ops/mariadb" stop >/dev/null 2>&1
    mariadb_started=0
  fi
}
galera_started=0
stop_galera() {
  if ((galera_started)); then
    ONETABLE_GALERA_DIR="$work/galera" "$ROOT/ops/galera" stop >/dev/null 2>&1
    galera_started=0
  fi
}

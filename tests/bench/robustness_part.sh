# tests/bench/robustness_part.sh — the robustness section: the crash loops of issue 17 at full
# length. `onetable import`, `onetable deliver` and `onetable key rotate` are killed with SIGKILL
# at ROBUSTNESS_KILLS (default 200) random moments each, on SQLite, and on MariaDB unless the run
# has none (--no-mariadb); after every kill the store must be intact (integrity_check, CHECK
# TABLE), hold whole batches only, and the re-run must bring every row in exactly once (every
# value under the new key for key rotate): tests/integration/crash_loop_test.cc, tests/delivery/
# delivery_crash_loop_test.cc, tests/integration/encryption_test.cc. `ops/test` runs the same
# tests with 20 kills (ctest -R crash_loop). Each row shows the time taken and the seed, so a
# failure can be replayed with ONETABLE_KILL_SEED.
# Globals it reads: build_dir, work, step_timeout, robustness_kills, use_mariadb. MariaDB: the
# URL in ONETABLE_TEST_MYSQL_URL (its tables are dropped, like the other throwaway uses), else
# the benchmark's own server from ops/mariadb in the work directory (started here if the MariaDB
# rows did not start it).

robustness_part() {
  local kills="${robustness_kills:-200}" binary filter name store log t0 status seed goal url=""
  local tests_dir
  tests_dir="$(cd "$build_dir/tests" 2>/dev/null && pwd)" || tests_dir="$build_dir/tests"
  for binary in integration_tests delivery_tests; do
    [[ -x "$tests_dir/$binary" ]] || {
      not_yet "crash loops ($kills × SIGKILL)" "intact" "no $binary in $build_dir (build the tests)"
      return
    }
  done
  local stores=(sqlite)
  if ((use_mariadb)); then
    url="${ONETABLE_TEST_MYSQL_URL:-}"
    if [[ -z "$url" ]]; then
      if url="$(ONETABLE_MARIADB_DIR="$work/mariadb" "$ROOT/ops/mariadb" start 2>"$work/robustness-mariadb.log")"; then
        mariadb_started=1
      else
        fail_row "crash loops on MariaDB" "ops/mariadb start failed: $(tail -n 3 "$work/robustness-mariadb.log" | tr '\n' ' ')"
        url=""
      fi
    fi
    [[ -n "$url" ]] && stores+=(mysql)
  fi
  # A MySQL store's audit and data keys are found through the environment (else var/ in the
  # working directory): the loops' own, in the work directory.
  local keys="$work/robustness-keys"
  mkdir -p "$keys" && chmod 700 "$keys"
  for store in "${stores[@]}"; do
    for name in import deliver "key rotate"; do
      case "$name" in
        import) binary=integration_tests filter='CrashLoop.ImportKilled*' ;;
        deliver) binary=delivery_tests filter='DeliveryCrashLoop.*' ;;
        *) binary=integration_tests filter='Encryption.KeyRotateKilled*' ;;
      esac
      log="$work/crash-loop-${name// /-}-$store.log"
      note "crash loop: $name, $kills × SIGKILL, $store"
      t0="$(now)"
      (cd "$work" && ONETABLE_KILL_LOOPS="$kills" ONETABLE_TEST_STORE="$store" \
        ONETABLE_TEST_MYSQL_URL="$url" ONETABLE_THROWAWAY_STORE=1 \
        ONETABLE_AUDIT_KEY_FILE="$keys/audit.key" \
        timeout "$((step_timeout * 2))" "$tests_dir/$binary" --gtest_filter="$filter") >"$log" 2>&1
      status=$?
      seed="$(sed -n 's/.*(seed \([0-9]*\)).*/\1/p' "$log" | tail -n 1)"
      [[ -n "$seed" ]] || seed="$(sed -n 's/.*ONETABLE_KILL_SEED=\([0-9]*\).*/\1/p' "$log" | tail -n 1)"
      if ((status == 0)) && grep -q '^\[  PASSED  \] 1 test' "$log"; then
        if [[ "$name" == "key rotate" ]]; then
          goal="intact, whole batches, every value under the new key"
        else
          goal="intact, whole batches, every row once"
        fi
        row "$name crash loop ($kills × SIGKILL, $store)" "$(secs "$(since "$t0")")" "" "" \
          "$goal" "pass (seed ${seed:-?})"
      else
        ((status == 124)) && echo "timed out after $((step_timeout * 2))s" >>"$log"
        fail_row "$name crash loop ($kills × SIGKILL, $store)" \
          "see $log (seed ${seed:-?}): $(grep -m 3 -E 'Failure|timed out|error' "$log" | tr '\n' ' ')"
      fi
    done
  done
}

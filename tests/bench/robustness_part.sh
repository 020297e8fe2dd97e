# tests/bench/robustness_part.sh — the robustness section: the crash loops of issue 17 at full
# length. `onetable import` and `onetable deliver` are killed with SIGKILL at ROBUSTNESS_KILLS
# (default 200) random moments each, on SQLite, and on MariaDB when the benchmark has one; after
# every kill the store must be intact, hold whole batches only, and the re-run must bring every
# row in exactly once (tests/integration/crash_loop_test.cc, tests/delivery/
# delivery_crash_loop_test.cc; `ops/test` runs the same tests with 20 kills). The row shows the
# time taken and the seed, so a failure can be replayed with ONETABLE_KILL_SEED.
# Globals it reads: build_dir, work, step_timeout, robustness_kills, mysql_url (may be empty:
# then SQLite only; a MariaDB URL has its tables dropped, like the other throwaway uses).

robustness_part() {
  local kills="${robustness_kills:-200}" binary filter name store log t0 status seed
  for binary in integration_tests delivery_tests; do
    [[ -x "$build_dir/tests/$binary" ]] || {
      not_yet "crash loops ($kills × SIGKILL)" "intact" "no $binary in $build_dir (build the tests)"
      return
    }
  done
  for store in sqlite ${mysql_url:+mysql}; do
    for name in import deliver; do
      if [[ "$name" == import ]]; then
        binary=integration_tests filter='CrashLoop.ImportKilled*'
      else
        binary=delivery_tests filter='DeliveryCrashLoop.*'
      fi
      log="$work/crash-loop-$name-$store.log"
      t0="$(now)"
      ONETABLE_KILL_LOOPS="$kills" ONETABLE_TEST_STORE="$store" \
        ONETABLE_TEST_MYSQL_URL="${mysql_url:-}" ONETABLE_THROWAWAY_STORE=1 \
        timeout "$((step_timeout * 2))" "$build_dir/tests/$binary" --gtest_filter="$filter" \
        >"$log" 2>&1
      status=$?
      seed="$(sed -n 's/.*(seed \([0-9]*\)).*/\1/p' "$log" | tail -n 1)"
      if ((status == 0)); then
        row "$name crash loop ($kills × SIGKILL, $store)" "$(secs "$(since "$t0")")" "" "" \
          "intact, every row once" "pass (seed ${seed:-?})"
      else
        fail_row "$name crash loop ($kills × SIGKILL, $store)" "see $log (seed ${seed:-?})"
      fi
    done
  done
}

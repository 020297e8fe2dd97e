# tests/bench/run, encryption-at-rest rows (sourced): the cost of sealing values with SM4 +
# HMAC-SM3 (service/src/crypto/). The register import into a fresh copy of the tree with
# encryption on, against the same import with `encryption: false` (the other SQLite rows run
# without encryption, because their hand-written SQL baselines read the database directly and
# cannot read ciphertext); then the full roster from both stores, whose CSVs must be equal.

# crypt_config STORE_URL NAME on|off -> a config file with encryption on (its own key file) or off
crypt_config() {
  local f="$work/onetable-crypt-$2.yaml" enc=true
  [[ "$3" == off ]] && enc=false
  printf 'store: %s\nschema: %s\nmappings: %s\nencryption: %s\ndata_key_file: %s\n' "$1" \
    "$ROOT/schema" "$work/mappings" "$enc" "$work/bench-data.key" >"$f"
  echo "$f"
}

# encryption_rows TREE_DB CLEAR_DB CLEAR_IMPORT_SECONDS
encryption_rows() {
  local tree="$1" clear="$2" t_clear="$3" enc="$work/register-enc.db" r times=() cfg
  local what="import the register CSV (${persons} persons) with encryption at rest vs without"
  cfg="$(crypt_config "sqlite:$enc" enc on)"
  for ((r = 0; r < import_runs; r++)); do
    rm -f "$enc" "$enc-wal" "$enc-shm"
    cp "$tree" "$enc"
    # Not timed: init draws the data key (the first run) and seals the tree's few clear values.
    if ! "$ONETABLE" --config "$cfg" init >"$work/init-enc.log" 2>&1; then
      fail_row "$what" "onetable init failed: $(tail -n 3 "$work/init-enc.log" | tr '\n' ' ')"
      return
    fi
    if ! timed "$work/import-enc.log" "$ONETABLE" --config "$cfg" import \
      "$BENCH/connectors/register.yaml" --plugins "$PLUGINS"; then
      fail_row "$what" "onetable import failed: $(tail -n 3 "$work/import-enc.log" | tr '\n' ' ')"
      return
    fi
    check_import "$work/import-enc.log" "$what" new "$persons" || return
    times+=("$elapsed")
  done
  local t_enc
  t_enc="$(median "${times[@]}")"
  row "$what" "$(secs "$t_enc")" "$(secs "$t_clear")" "$(ratio "$t_enc" "$t_clear")" "≤ 1.3×" \
    "$(judge "$(awk -v a="$t_enc" -v b="$t_clear" 'BEGIN{print a/b}')" "<=" 1.3)"
  has_verb table || return
  local plain_cfg ours="$work/roster-enc.csv" theirs="$work/roster-clear.csv" base=()
  plain_cfg="$(crypt_config "sqlite:$clear" clear off)"
  times=()
  for ((r = 0; r < runs; r++)); do
    timed "$work/roster-enc.log" "$ONETABLE" --config "$cfg" table bench/quanyuan-renkou \
      --format csv -o "$ours" || { fail_row "roster with encryption" "$(tail -n 3 "$work/roster-enc.log" | tr '\n' ' ')"; return; }
    times+=("$elapsed")
    timed "$work/roster-clear.log" "$ONETABLE" --config "$plain_cfg" table bench/quanyuan-renkou \
      --format csv -o "$theirs" || { fail_row "roster without encryption" "$(tail -n 3 "$work/roster-clear.log" | tr '\n' ' ')"; return; }
    base+=("$elapsed")
  done
  local same t b
  if ! same="$(same_table "$ours" "$theirs")"; then
    fail_row "full roster with encryption at rest" "the tables differ: $(echo "$same" | tr '\n' ' ')"
    return
  fi
  t="$(median "${times[@]}")" b="$(median "${base[@]}")"
  row "full roster bench/quanyuan-renkou → CSV with encryption at rest vs without (${same#same } rows, same cells)" \
    "$(secs "$t")" "$(secs "$b")" "$(ratio "$t" "$b")" "≤ 1.3×" \
    "$(judge "$(awk -v a="$t" -v b="$b" 'BEGIN{print a/b}')" "<=" 1.3)"
  notes+=("SQLite store with encryption at rest: $(du -m "$enc" | cut -f1) MB (without: $(du -m "$clear" | cut -f1) MB).")
  rm -f "$enc" "$enc-wal" "$enc-shm"
}

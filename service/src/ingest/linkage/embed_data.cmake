# Generates a C++ file holding the identity data files (schema/identity/*.tsv) as strings, so the
# binary carries the tables it links persons with (pinyin readings, surname variants).
file(WRITE ${OUT}.tmp "// Generated from schema/identity by embed_data.cmake. Do not edit.\n")
file(APPEND ${OUT}.tmp "#include \"ingest/linkage/linkage_data.h\"\n\nnamespace onetable::linkage {\n\n")
foreach(pair "pinyin.tsv;PinyinTable" "surname_variants.tsv;SurnameVariantTable")
  list(GET pair 0 file)
  list(GET pair 1 fn)
  file(READ ${DATA_DIR}/${file} body)
  file(APPEND ${OUT}.tmp "std::string_view ${fn}() {\n  static const char kText[] = R\"ot_data(${body})ot_data\";\n")
  file(APPEND ${OUT}.tmp "  return std::string_view(kText, sizeof kText - 1);\n}\n\n")
endforeach()
file(APPEND ${OUT}.tmp "}  // namespace onetable::linkage\n")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)

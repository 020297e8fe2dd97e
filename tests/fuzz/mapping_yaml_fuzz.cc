// Fuzz target: the mapping YAML loader (service/src/mapping/mapping_spec.h) over any file an
// admin may save under mappings/ (or post through the mapping editor), checked against the
// shipped catalog. A spec that loads must resolve its as_of for a run; a failure must be a
// message, never a crash.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_catalog.h"
#include "mapping/mapping_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  const onetable::Catalog& catalog = onetable::fuzz::ShippedCatalog();
  auto spec = onetable::mapping::ParseMappingSpec(yaml, "fuzz.yaml", catalog);
  if (!spec.ok()) return 0;
  (void)spec->Headers();
  const onetable::Date today{2024, 6, 30};
  (void)onetable::mapping::ResolveAsOf(*spec, "", today);
  (void)onetable::mapping::ResolveAsOf(*spec, "2023", today);
  onetable::Date date;
  (void)onetable::mapping::ExpandAsOf(spec->as_of, 2147483647, &date);
  return 0;
}

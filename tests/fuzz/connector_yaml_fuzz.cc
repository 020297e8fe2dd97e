// Fuzz target: the connector YAML loader (service/src/ingest/connector_spec.h) over any file an
// admin may put in the connectors directory, checked against the shipped catalog; a spec that
// loads has its options resolved against the csv or xlsx plugin's declaration, as a run does
// before Open. A failure must be a message, never a crash.
#include <cstdint>
#include <string>

#include "fuzz_catalog.h"
#include "ingest/connector_spec.h"
#include "onetable/connector.h"

extern "C" const OtConnectorV1* onetable_csv_connector(void);
extern "C" const OtConnectorV1* onetable_xlsx_connector(void);

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string yaml(reinterpret_cast<const char*>(data), size);
  const onetable::Catalog& catalog = onetable::fuzz::ShippedCatalog();
  auto spec = onetable::ParseConnectorSpec(yaml, "/fuzz/connectors/fuzz.yaml", catalog);
  if (!spec.ok()) return 0;
  const OtConnectorV1* plugin = spec->type == "xlsx" ? onetable_xlsx_connector()
                                                      : onetable_csv_connector();
  (void)onetable::ResolveConnectorOptions(*spec, *plugin);
  return 0;
}

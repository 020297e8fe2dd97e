// A static in-memory connector for in-process import tests (the Connector seam): option `table`
// names one of g_tables; a record {"!reject", reason} is delivered as a rejected row; option
// `unreachable: true` fails Open as an unreachable source. Record keys are "row<N>".
// Not thread-safe: tests set g_tables before a run.
#ifndef ONETABLE_TESTS_FAKES_MEMORY_CONNECTOR_H_
#define ONETABLE_TESTS_FAKES_MEMORY_CONNECTOR_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "onetable/connector.h"

namespace onetable::testing {

using Record = std::vector<std::pair<std::string, std::string>>;
extern std::map<std::string, std::vector<Record>> g_tables;

const OtConnectorV1* MemoryConnector();

}  // namespace onetable::testing

#endif  // ONETABLE_TESTS_FAKES_MEMORY_CONNECTOR_H_

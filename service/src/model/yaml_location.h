// Where a yaml-cpp Mark is, as people count: 1-based line and column in characters.
//
// yaml-cpp counts columns in bytes (0-based), so on a line with Chinese text before the mistake
// its column is up to three times too far right. Every YAML loader (catalog, config, connectors,
// mappings) turns marks into positions here, from the text it gave yaml-cpp. Pure; thread-safe.
#ifndef ONETABLE_MODEL_YAML_LOCATION_H_
#define ONETABLE_MODEL_YAML_LOCATION_H_

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>

#include "model/catalog.h"

namespace onetable {

// The place of `mark` in `text` (what yaml-cpp parsed) of `file`. A mark without a byte offset
// keeps yaml-cpp's line and column; a null mark gives line and column 0 (unknown).
SourceLocation YamlLocation(const std::string& file, std::string_view text, const YAML::Mark& mark);

}  // namespace onetable

#endif  // ONETABLE_MODEL_YAML_LOCATION_H_

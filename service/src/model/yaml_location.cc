#include "model/yaml_location.h"


namespace onetable {

SourceLocation YamlLocation(const std::string& file, std::string_view text,
                            const YAML::Mark& mark) {
  SourceLocation loc;
  loc.file = file;
  if (mark.is_null()) return loc;
  if (mark.pos >= 0 && static_cast<size_t>(mark.pos) <= text.size()) {
    return SourceLocation::InText(file, text, static_cast<size_t>(mark.pos));
  }
  loc.line = mark.line + 1;
  loc.column = mark.column + 1;
  return loc;
}

}  // namespace onetable

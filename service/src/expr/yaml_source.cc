#include "expr/yaml_source.h"

#include <cstdlib>
#include <vector>

#include "model/text.h"
#include "model/yaml_location.h"
#include "onetable/utf8.h"

namespace onetable::expr {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Maps each byte offset of a scalar's value to the byte in the file it was written at.
class ScalarMap : public ExprLocator {
 public:
  ScalarMap(const YamlSource& source, const YAML::Node& node) : source_(source) {
    const std::string& raw = source.text();
    const std::string& cooked = node.Scalar();
    map_.assign(cooked.size() + 1, 0);
    const YAML::Mark mark = node.Mark();
    size_t p = mark.pos < 0 ? raw.size() : static_cast<size_t>(mark.pos);
    const char style = p < raw.size() ? raw[p] : ' ';
    if (style == '"' || style == '\'') {
      ++p;
    } else if (style == '|' || style == '>') {
      while (p < raw.size() && raw[p] != '\n') ++p;  // the block header line
    }
    size_t i = 0;
    while (i < cooked.size()) {
      if (p >= raw.size()) {
        while (i < cooked.size()) map_[i++] = raw.size();
        break;
      }
      const char r = raw[p];
      const char c = cooked[i];
      if (style == '"' && r == '\\' && p + 1 < raw.size()) {
        const char esc = raw[p + 1];
        if (esc == '\n' || esc == '\r') {  // escaped line break: joins lines
          p += 2;
          while (p < raw.size() && IsSpace(raw[p])) ++p;
          continue;
        }
        size_t raw_len = 2, produced = 1;
        int hex_digits = esc == 'x' ? 2 : esc == 'u' ? 4 : esc == 'U' ? 8 : 0;
        if (hex_digits > 0) {
          raw_len = 2 + hex_digits;
          produced = utf8::EncodedLength(static_cast<char32_t>(
              std::strtoul(raw.substr(p + 2, hex_digits).c_str(), nullptr, 16)));
        } else if (esc == 'N' || esc == '_') {
          produced = 2;
        } else if (esc == 'L' || esc == 'P') {
          produced = 3;
        }
        for (size_t k = 0; k < produced && i < cooked.size(); ++k) map_[i++] = p;
        p += raw_len;
        continue;
      }
      if (style == '\'' && r == '\'' && p + 1 < raw.size() && raw[p + 1] == '\'') {
        map_[i++] = p;
        p += 2;
        continue;
      }
      if (r == c) {
        map_[i++] = p++;
        continue;
      }
      if (IsSpace(r)) {
        if (IsSpace(c)) {  // a folded line break: runs of blanks on both sides
          const size_t start = p;
          while (p < raw.size() && IsSpace(raw[p])) ++p;
          while (i < cooked.size() && IsSpace(cooked[i])) map_[i++] = start;
        } else {
          ++p;  // indentation the value does not keep
        }
        continue;
      }
      map_[i++] = p;
      if (!IsSpace(c)) ++p;
    }
    map_[cooked.size()] = p;
  }

  SourceLocation Locate(size_t offset) const override {
    if (offset >= map_.size()) offset = map_.size() - 1;
    return source_.AtByte(map_[offset]);
  }

 private:
  const YamlSource& source_;
  std::vector<size_t> map_;
};

}  // namespace

SourceLocation YamlSource::AtByte(size_t pos) const {
  return SourceLocation::InText(file_, text_, pos);
}

SourceLocation YamlSource::At(const YAML::Mark& mark) const {
  return YamlLocation(file_, text_, mark);
}

std::unique_ptr<ExprLocator> YamlSource::ScalarLocator(const YAML::Node& node) const {
  return std::make_unique<ScalarMap>(*this, node);
}

std::string StripBom(std::string text) {
  if (text.compare(0, utf8::kBom.size(), utf8::kBom) == 0) text.erase(0, utf8::kBom.size());
  return text;
}

}  // namespace onetable::expr

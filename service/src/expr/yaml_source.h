// YamlSource: the text of one YAML file kept beside its yaml-cpp tree, so that errors name the
// exact place: a node's Mark becomes a 1-based line:col counted in characters (yaml-cpp counts
// bytes, 0-based), and an offset inside a scalar's value becomes the place in the file where that
// character was written — through quotes, escapes and folded lines.
//
// Exact for plain, single-quoted and double-quoted scalars (including escapes such as \" and
// \u4e2d); best effort for block scalars (| and >).
//
// Thread-safety: immutable after construction.
#ifndef ONETABLE_EXPR_YAML_SOURCE_H_
#define ONETABLE_EXPR_YAML_SOURCE_H_

#include <yaml-cpp/yaml.h>

#include <memory>
#include <string>

#include "expr/ast.h"
#include "model/catalog.h"

namespace onetable::expr {

class YamlSource {
 public:
  // `text` is what yaml-cpp parsed, without a UTF-8 byte order mark.
  YamlSource(std::string file, std::string text) : file_(std::move(file)), text_(std::move(text)) {}

  const std::string& file() const { return file_; }
  const std::string& text() const { return text_; }

  SourceLocation At(const YAML::Mark& mark) const;
  SourceLocation AtByte(size_t pos) const;
  std::string Format(const YAML::Mark& mark, const std::string& message) const {
    return FormatAt(At(mark), message);
  }

  // A locator for an expression that is the value of scalar `node`. This source must outlive
  // the locator.
  std::unique_ptr<ExprLocator> ScalarLocator(const YAML::Node& node) const;

 private:
  std::string file_;
  std::string text_;
};

// Strips a UTF-8 byte order mark, if present.
std::string StripBom(std::string text);

}  // namespace onetable::expr

#endif  // ONETABLE_EXPR_YAML_SOURCE_H_

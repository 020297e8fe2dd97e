// What a yaml-cpp exception means, for the people who read it: its message in Chinese, and the
// place of the mistake rather than of its discovery.
//
// yaml-cpp reports an unclosed flow collection ("- {header: 姓名, value: name" without its "}")
// where it gave up looking — at the next line's first token, or as an "illegal block entry" a
// few lines on — so an editor would send the user past the mistake. For those the error is
// the bracket left open, at its place. Every YAML loader
// (catalog, config, connectors, deliveries, mappings) uses this. Pure; thread-safe.
#ifndef ONETABLE_MODEL_YAML_ERROR_H_
#define ONETABLE_MODEL_YAML_ERROR_H_

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>

namespace onetable {

struct YamlError {
  YAML::Mark mark;      // where the mistake is (yaml-cpp's own mark when nothing better is known)
  std::string message;  // in Chinese; an unknown message is kept in yaml-cpp's words
};

// `text` is what yaml-cpp parsed when it threw `e`.
YamlError DescribeYamlError(std::string_view text, const YAML::Exception& e);

// yaml-cpp's message `msg` in Chinese.
std::string YamlMessageChinese(const std::string& msg);

}  // namespace onetable

#endif  // ONETABLE_MODEL_YAML_ERROR_H_

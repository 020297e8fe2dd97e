#include "model/yaml_error.h"

#include <utility>
#include <vector>

namespace onetable {
namespace {

// yaml-cpp's messages (yaml-cpp/exceptions.h, ErrorMsg) by their fixed start.
const std::vector<std::pair<std::string, std::string>>& Messages() {
  static const auto* const kMessages = new std::vector<std::pair<std::string, std::string>>{
      {YAML::ErrorMsg::END_OF_MAP_FLOW, "花括号 { 没有对应的 }"},
      {YAML::ErrorMsg::END_OF_SEQ_FLOW, "方括号 [ 没有对应的 ]"},
      {YAML::ErrorMsg::END_OF_MAP, "键值对没有正确结束（请检查缩进）"},
      {YAML::ErrorMsg::END_OF_SEQ, "列表没有正确结束（请检查缩进和“- ”）"},
      {YAML::ErrorMsg::MAP_VALUE, "此处不能出现“: ”（值中含冒号请加引号，或检查缩进）"},
      {YAML::ErrorMsg::MAP_KEY, "此处不能出现键（请检查缩进）"},
      {YAML::ErrorMsg::BLOCK_ENTRY, "此处不能出现列表项“- ”（请检查缩进）"},
      {YAML::ErrorMsg::FLOW_END, "多余的 } 或 ]"},
      {YAML::ErrorMsg::TAB_IN_INDENTATION, "缩进中不能使用制表符（Tab），请用空格"},
      {YAML::ErrorMsg::EOF_IN_SCALAR, "引号没有闭合：文件在字符串结束前就结束了"},
      {YAML::ErrorMsg::DOC_IN_SCALAR, "字符串中不能出现文档分隔符（--- 或 ...）"},
      {YAML::ErrorMsg::CHAR_IN_SCALAR, "字符串中有不允许的字符"},
      {YAML::ErrorMsg::SINGLE_QUOTED_CHAR, "单引号字符串中有不允许的字符"},
      {YAML::ErrorMsg::INVALID_ESCAPE, "未知的转义字符："},
      {YAML::ErrorMsg::INVALID_UNICODE, "无效的 Unicode 转义："},
      {YAML::ErrorMsg::INVALID_HEX, "十六进制转义中有无效字符"},
      {YAML::ErrorMsg::UNKNOWN_TOKEN, "无法识别的内容"},
      {YAML::ErrorMsg::ALIAS_NOT_FOUND, "* 之后缺少别名"},
      {YAML::ErrorMsg::ANCHOR_NOT_FOUND, "& 之后缺少锚点名"},
      {YAML::ErrorMsg::CHAR_IN_ALIAS, "别名中有不允许的字符"},
      {YAML::ErrorMsg::CHAR_IN_ANCHOR, "锚点名中有不允许的字符"},
      {YAML::ErrorMsg::UNKNOWN_ANCHOR, "引用的锚点没有定义"},
      {YAML::ErrorMsg::CHAR_IN_BLOCK, "多行文本（| 或 >）中有不允许的字符"},
      {YAML::ErrorMsg::ZERO_INDENT_IN_BLOCK, "多行文本（| 或 >）的缩进不能为 0"},
      {YAML::ErrorMsg::MULTIPLE_TAGS, "同一个值不能有多个标记（!）"},
      {YAML::ErrorMsg::MULTIPLE_ANCHORS, "同一个值不能有多个锚点（&）"},
      {YAML::ErrorMsg::MULTIPLE_ALIASES, "同一个值不能有多个别名（*）"},
      {YAML::ErrorMsg::YAML_DIRECTIVE_ARGS, "%YAML 指令应恰有一个参数"},
      {YAML::ErrorMsg::YAML_VERSION, "不支持的 YAML 版本："},
      {YAML::ErrorMsg::BAD_CONVERSION, "取值的类型不对"},
      {YAML::ErrorMsg::INVALID_SCALAR, "无效的取值"},
      {YAML::ErrorMsg::BAD_FILE, "无法读取文件"},
  };
  return *kMessages;
}

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// The byte offset of the bracket `open` left unclosed before `end`, skipping quoted text and
// comments; npos when there is none.
size_t UnclosedBracket(std::string_view text, size_t end, char open, char close) {
  std::vector<size_t> stack;
  char quote = 0;
  bool comment = false;
  for (size_t i = 0; i < end && i < text.size(); ++i) {
    const char c = text[i];
    if (comment) {
      comment = c != '\n';
      continue;
    }
    if (quote != 0) {
      if (quote == '"' && c == '\\') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#' &&
               (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n')) {
      comment = true;
    } else if (c == open) {
      stack.push_back(i);
    } else if (c == close && !stack.empty()) {
      stack.pop_back();
    }
  }
  return stack.empty() ? std::string_view::npos : stack.back();
}

YAML::Mark MarkAt(std::string_view text, size_t pos) {
  YAML::Mark mark;
  mark.pos = static_cast<int>(pos);
  const size_t line_start = text.rfind('\n', pos == 0 ? 0 : pos - 1);
  const size_t start = line_start == std::string_view::npos || pos == 0 ? 0 : line_start + 1;
  mark.line = 0;
  for (size_t i = 0; i < start; ++i) mark.line += text[i] == '\n' ? 1 : 0;
  mark.column = static_cast<int>(pos - start);
  return mark;
}

}  // namespace

std::string YamlMessageChinese(const std::string& msg) {
  for (const auto& [english, chinese] : Messages()) {
    if (StartsWith(msg, english)) return chinese + msg.substr(english.size());
  }
  if (StartsWith(msg, YAML::ErrorMsg::KEY_NOT_FOUND)) {
    return "缺少键" + msg.substr(std::string(YAML::ErrorMsg::KEY_NOT_FOUND).size());
  }
  return msg;
}

YamlError DescribeYamlError(std::string_view text, const YAML::Exception& e) {
  YamlError out{e.mark, YamlMessageChinese(e.msg)};
  if (e.mark.pos < 0) return out;
  const size_t end = static_cast<size_t>(e.mark.pos);
  if (e.msg == YAML::ErrorMsg::END_OF_MAP_FLOW || e.msg == YAML::ErrorMsg::END_OF_SEQ_FLOW) {
    const bool map = e.msg == YAML::ErrorMsg::END_OF_MAP_FLOW;
    const size_t at = UnclosedBracket(text, end, map ? '{' : '[', map ? '}' : ']');
    if (at != std::string_view::npos) out.mark = MarkAt(text, at);
    return out;
  }
  // What an open bracket on an earlier line makes of the lines after it: a "- " or "key:" that
  // is not allowed inside a flow collection. The bracket is the mistake.
  const bool cascade = e.msg == YAML::ErrorMsg::BLOCK_ENTRY || e.msg == YAML::ErrorMsg::MAP_KEY ||
                       e.msg == YAML::ErrorMsg::MAP_VALUE || e.msg == YAML::ErrorMsg::UNKNOWN_TOKEN;
  if (!cascade) return out;
  const size_t brace = UnclosedBracket(text, end, '{', '}');
  const size_t bracket = UnclosedBracket(text, end, '[', ']');
  size_t at = std::string_view::npos;
  if (brace != std::string_view::npos) at = brace;
  if (bracket != std::string_view::npos && (at == std::string_view::npos || bracket > at)) {
    at = bracket;
  }
  if (at == std::string_view::npos) return out;
  const YAML::Mark open = MarkAt(text, at);
  if (open.line >= e.mark.line) return out;  // on the same line: the message says enough
  out.mark = open;
  out.message = text[at] == '{' ? YamlMessageChinese(YAML::ErrorMsg::END_OF_MAP_FLOW)
                                : YamlMessageChinese(YAML::ErrorMsg::END_OF_SEQ_FLOW);
  return out;
}

}  // namespace onetable

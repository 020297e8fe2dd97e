#include "mysql/mysql_source.h"

#include <cctype>
#include <cstdlib>
#include <optional>

#include "onetable/text.h"
#include "onetable/utf8.h"

namespace onetable::connectors {
namespace {

constexpr char kUrlForm[] =
    "应为 mysql://用户:密码@主机:端口/数据库 或 mysql://用户:密码@/数据库?socket=套接字路径";
constexpr size_t kMaxIdentifierChars = 64;

Status BadUrl(const std::string& url, const std::string& what) {
  return Status::Invalid("选项 url（“" + RedactUrlPassword(url) + "”）无效：" + what + "。" +
                         kUrlForm);
}

bool AllDigits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool Unescape(const std::string& s, std::string* out) {
  out->clear();
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out->push_back(s[i]);
      continue;
    }
    if (++i == s.size()) return false;
    switch (s[i]) {
      case '\\':
        out->push_back('\\');
        break;
      case 't':
        out->push_back('\t');
        break;
      case 'n':
        out->push_back('\n');
        break;
      default:
        return false;
    }
  }
  return true;
}

SqlParam Param(const std::string& value, ColumnClass cls) {
  SqlParam p;
  p.text = value;
  if (cls == ColumnClass::kInteger && !value.empty()) {
    // Integers compare exactly only when bound as integers (a string is compared as a double).
    char* end = nullptr;
    errno = 0;
    long long n = std::strtoll(value.c_str(), &end, 10);
    if (errno == 0 && end && *end == '\0') {
      p.is_int = true;
      p.number = n;
    }
  }
  return p;
}

// (c0, c1, ...) > (v0, v1, ...), spelled out so that it reads the same on every server and an
// index on the columns can serve it.
void AppendGreater(const std::vector<std::string>& cols, const std::vector<std::string>& values,
                   const std::vector<ColumnClass>& classes, size_t from, BoundSql* out) {
  const std::string col = "ot_src." + cols[from];
  if (from + 1 == cols.size()) {
    out->sql += col + " > ?";
    out->params.push_back(Param(values[from], classes[from]));
    return;
  }
  out->sql += "(" + col + " > ? OR (" + col + " = ? AND ";
  out->params.push_back(Param(values[from], classes[from]));
  out->params.push_back(Param(values[from], classes[from]));
  AppendGreater(cols, values, classes, from + 1, out);
  out->sql += "))";
}

}  // namespace

Result<MysqlSourceUrl> ParseMysqlSourceUrl(const std::string& url) {
  MysqlSourceUrl p;
  if (std::optional<std::string> why = ParseMysqlUrl(url, &p)) return BadUrl(url, *why);
  if (!p.socket.empty()) {
    p.where = "套接字 " + p.socket;
  } else {
    const bool ipv6 = p.host.find(':') != std::string::npos;
    p.where = (ipv6 ? "[" + p.host + "]" : p.host) + ":" + std::to_string(p.port);
  }
  return p;
}

bool IsPlainIdentifier(const std::string& name) {
  if (name.empty() || AllDigits(name) || !utf8::IsValid(name)) return false;
  size_t chars = 0;
  for (size_t i = 0; i < name.size(); ++chars) {
    const utf8::CodePoint cp = utf8::DecodeAt(name, i);
    i += cp.length;
    // MySQL identifiers hold only the Basic Multilingual Plane.
    if (cp.value > 0xFFFF) return false;
    if (cp.value >= 0x80) continue;
    const unsigned char c = static_cast<unsigned char>(cp.value);
    if (!(std::isalnum(c) || c == '_' || c == '$')) return false;
  }
  return chars <= kMaxIdentifierChars;
}

Result<std::string> QuoteIdentifier(const std::string& name, const std::string& option,
                                    bool allow_schema) {
  const size_t dot = allow_schema ? name.find('.') : std::string::npos;
  if (dot != std::string::npos) {
    auto schema = QuoteIdentifier(name.substr(0, dot), option, false);
    auto table = QuoteIdentifier(name.substr(dot + 1), option, false);
    if (!schema.ok() || !table.ok()) {
      return Status::Invalid("选项 " + option + " 中的 “" + name +
                             "” 不是有效的 库名.表名（只能用字母、数字、下划线、$ 或中文）");
    }
    return *schema + "." + *table;
  }
  if (!IsPlainIdentifier(name)) {
    return Status::Invalid("选项 " + option + " 中的 “" + name +
                           "” 不是有效的列名或表名：只能用字母、数字、下划线、$ 或中文，"
                           "最多 64 个字符，不能全是数字");
  }
  return "`" + name + "`";
}

Result<std::vector<std::string>> ParseColumnList(const std::string& text,
                                                 const std::string& option) {
  std::vector<std::string> out;
  for (std::string_view piece : Split(text, ',')) {
    const std::string name(TrimBlank(piece));
    if (name.empty()) {
      return Status::Invalid("选项 " + option + "（“" + text + "”）应为一个或多个以逗号分隔的列名");
    }
    auto quoted = QuoteIdentifier(name, option);
    if (!quoted.ok()) return quoted.status();
    out.push_back(name);
  }
  return out;
}

std::string EncodeMysqlCursor(const MysqlCursor& cursor) {
  std::string out = "mysql1\t";
  switch (cursor.phase) {
    case MysqlCursor::Phase::kStart:
      return out + "start";
    case MysqlCursor::Phase::kNullWatermark:
      out += "null\t";
      break;
    case MysqlCursor::Phase::kValue:
      out += "value\t" + Escape(cursor.watermark);
      break;
  }
  for (size_t i = 0; i < cursor.keys.size(); ++i) {
    if (i > 0 || cursor.phase == MysqlCursor::Phase::kValue) out += "\t";
    out += Escape(cursor.keys[i]);
  }
  return out;
}

std::optional<MysqlCursor> DecodeMysqlCursor(const std::string& text, size_t key_count) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t tab = text.find('\t', start);
    parts.push_back(text.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  if (parts.size() < 2 || parts[0] != "mysql1") return std::nullopt;
  MysqlCursor c;
  size_t first_key;
  if (parts[1] == "start") {
    if (parts.size() != 2) return std::nullopt;
    return c;
  } else if (parts[1] == "null") {
    c.phase = MysqlCursor::Phase::kNullWatermark;
    first_key = 2;
  } else if (parts[1] == "value") {
    c.phase = MysqlCursor::Phase::kValue;
    if (parts.size() < 3 || !Unescape(parts[2], &c.watermark)) return std::nullopt;
    first_key = 3;
  } else {
    return std::nullopt;
  }
  if (parts.size() != first_key + key_count) return std::nullopt;
  for (size_t i = first_key; i < parts.size(); ++i) {
    std::string key;
    if (!Unescape(parts[i], &key)) return std::nullopt;
    c.keys.push_back(std::move(key));
  }
  return c;
}

Result<std::string> SourceFrom(const std::string& table, const std::string& query) {
  const std::string t(TrimBlank(table)), q(TrimBlank(query));
  if (t.empty() == q.empty()) {
    return Status::Invalid("选项 table 和 query 须且只能填写一个（读整张表，或一条 SELECT）");
  }
  if (!t.empty()) {
    auto quoted = QuoteIdentifier(t, "table", true);
    if (!quoted.ok()) return quoted.status();
    return *quoted + " AS ot_src";
  }
  std::string body = q;
  while (!body.empty() &&
         (body.back() == ';' || std::isspace(static_cast<unsigned char>(body.back())))) {
    body.pop_back();
  }
  std::string first;
  for (char c : body) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '(') break;
    first.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  if (first != "SELECT" && first != "WITH") {
    return Status::Invalid("选项 query 应为一条 SELECT 查询（现以 “" + first + "” 开头）");
  }
  // A ';' left inside would be a second statement (or sit in a literal, which a prepared
  // statement refuses anyway); the connection is read-only regardless.
  if (body.find(';') != std::string::npos) {
    return Status::Invalid("选项 query 只能是一条 SELECT 查询，不能包含分号");
  }
  return "(" + body + ") AS ot_src";
}

std::string ProbeSql(const MysqlReadPlan& plan) {
  std::string sql = "SELECT ";
  bool first = true;
  if (!plan.watermark.empty()) {
    sql += "ot_src." + plan.watermark;
    first = false;
  }
  for (const std::string& k : plan.keys) {
    sql += (first ? "" : ", ") + std::string("ot_src.") + k;
    first = false;
  }
  return sql + " FROM " + plan.from + " LIMIT 0";
}

BoundSql BatchSql(const MysqlReadPlan& plan, const MysqlCursor& cursor, int64_t overlap,
                  int64_t limit) {
  BoundSql out;
  out.sql = "SELECT ot_src.*";
  std::vector<std::string> order;
  if (!plan.watermark.empty()) order.push_back(plan.watermark);
  order.insert(order.end(), plan.keys.begin(), plan.keys.end());
  for (size_t i = 0; i < order.size(); ++i) {
    out.sql += ", CAST(ot_src." + order[i] + " AS CHAR) AS `ot_cursor_" + std::to_string(i) + "`";
  }
  out.sql += " FROM " + plan.from;
  const bool has_wm = !plan.watermark.empty();
  const std::string wm = "ot_src." + plan.watermark;
  switch (cursor.phase) {
    case MysqlCursor::Phase::kStart:
      break;
    case MysqlCursor::Phase::kNullWatermark:
      out.sql += " WHERE ";
      if (has_wm) out.sql += "(" + wm + " IS NULL AND ";
      AppendGreater(plan.keys, cursor.keys, plan.key_classes, 0, &out);
      if (has_wm) out.sql += ") OR " + wm + " IS NOT NULL";
      break;
    case MysqlCursor::Phase::kValue: {
      out.sql += " WHERE ";
      if (!has_wm) {  // a watermark dropped from the spec: go on by key
        AppendGreater(plan.keys, cursor.keys, plan.key_classes, 0, &out);
        break;
      }
      if (overlap > 0 && plan.watermark_class == ColumnClass::kTemporal) {
        out.sql += wm + " >= CAST(? AS DATETIME(6)) - INTERVAL ? SECOND";
      } else if (overlap > 0 && plan.watermark_class != ColumnClass::kText) {
        out.sql += wm + " >= ? - ?";
      }
      if (overlap > 0 && plan.watermark_class != ColumnClass::kText) {
        out.params.push_back(Param(cursor.watermark, plan.watermark_class));
        SqlParam o;
        o.is_int = true;
        o.number = overlap;
        out.params.push_back(o);
        break;
      }
      std::vector<std::string> values{cursor.watermark};
      values.insert(values.end(), cursor.keys.begin(), cursor.keys.end());
      std::vector<ColumnClass> classes{plan.watermark_class};
      classes.insert(classes.end(), plan.key_classes.begin(), plan.key_classes.end());
      AppendGreater(order, values, classes, 0, &out);
      break;
    }
  }
  out.sql += " ORDER BY ";
  for (size_t i = 0; i < order.size(); ++i) out.sql += (i ? ", ot_src." : "ot_src.") + order[i];
  out.sql += " LIMIT " + std::to_string(limit);
  return out;
}

std::string JoinKey(const std::vector<std::string>& values) {
  if (values.size() == 1) return values[0];
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ",";
    for (char c : values[i]) {
      if (c == '\\' || c == ',') out += '\\';
      out += c;
    }
  }
  return out;
}

bool IsUnreachableError(int code) {
  switch (code) {
    case 1040:  // too many connections
    case 1053:  // server shutdown in progress
    case 1927:  // connection killed (MariaDB)
    case 2002:  // socket connect
    case 2003:  // TCP connect
    case 2005:  // unknown host
    case 2006:  // server gone away
    case 2013:  // lost connection during query
    case 2055:  // lost connection (extended)
    case 4031:  // idle disconnect (MySQL 8)
      return true;
    default:
      return false;
  }
}

}  // namespace onetable::connectors

#include "model/catalog.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "onetable/text.h"
#include "onetable/utf8.h"

namespace onetable {

namespace internal {

// Header text as departments write it varies in ways that carry no meaning: blanks (ASCII,
// full-width U+3000, no-break U+00A0) around or inside the words, line breaks in wrapped Excel
// headers, full-width parentheses, and a "*" marking required columns in templates. Chinese labels
// contain none of these on purpose, so they are all dropped or folded before comparing.
std::string NormalizeHeader(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f' || c == '*') {
      ++i;
    } else if (text.compare(i, 3, "\xE3\x80\x80") == 0 ||  // U+3000 ideographic space
               text.compare(i, 3, "\xEF\xBC\x8A") == 0) {  // U+FF0A full-width asterisk
      i += 3;
    } else if (text.compare(i, 2, "\xC2\xA0") == 0) {  // U+00A0 no-break space
      i += 2;
    } else if (text.compare(i, 3, "\xEF\xBC\x88") == 0) {  // U+FF08 full-width (
      out += '(';
      i += 3;
    } else if (text.compare(i, 3, "\xEF\xBC\x89") == 0) {  // U+FF09 full-width )
      out += ')';
      i += 3;
    } else {
      out += static_cast<char>(c);
      ++i;
    }
  }
  return out;
}

// Splits one line of a code table (see CodeTableText). Quoted cells ("...", "" for a quote) are accepted because
// spreadsheet programs write them; a quoted cell may not span lines.
bool SplitCsvLine(const std::string& line, std::vector<std::string>* cells) {
  cells->clear();
  std::string cell;
  bool quoted = false;
  bool was_quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"' && cell.empty() && !was_quoted) {
      quoted = true;
      was_quoted = true;
    } else if (c == ',') {
      cells->push_back(cell);
      cell.clear();
      was_quoted = false;
    } else {
      cell += c;
    }
  }
  cells->push_back(cell);
  return !quoted;
}

void ParseCodeTableText(const std::string& path, const std::string& text, CodeTableText* out,
                        std::vector<std::string>* problems) {
  std::istringstream in(text);
  std::string line;
  int line_number = 0;
  bool header_seen = false;
  size_t columns = 2;
  std::map<std::string, int> codes, names;  // names: labels and short names, one namespace
  std::vector<std::string> cells;
  auto add = [&](const std::string& message) {
    problems->push_back(path + ":" + std::to_string(line_number) + ": " + message);
  };
  // A name may stand for one code only: an import that writes 男 must find one code.
  auto claim = [&](const std::string& name) {
    auto [it, fresh] = names.emplace(name, line_number);
    if (!fresh) add("名称“" + name + "”重复（第 " + std::to_string(it->second) + " 行已有）");
    return fresh;
  };
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line_number == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
    if (TrimBlank(line).empty()) continue;
    if (!header_seen && TrimBlank(line)[0] == '#') {
      std::string_view comment = TrimBlank(TrimBlank(line).substr(1));
      constexpr std::string_view kStandard = "standard:";
      if (comment.compare(0, kStandard.size(), kStandard) == 0) {
        out->standard = std::string(TrimBlank(comment.substr(kStandard.size())));
      }
      continue;
    }
    if (!SplitCsvLine(line, &cells)) {
      add("引号未闭合");
      continue;
    }
    for (std::string& cell : cells) cell = std::string(TrimBlank(cell));
    if (!header_seen) {
      header_seen = true;
      const bool two = cells.size() == 2 && cells[0] == "code" && cells[1] == "label";
      const bool three =
          cells.size() == 3 && cells[0] == "code" && cells[1] == "label" && cells[2] == "short";
      if (!two && !three) add("第一行应为表头 code,label 或 code,label,short");
      columns = three ? 3 : 2;
      continue;
    }
    // A three-column table may leave `short` off a line whose label is already short.
    if (cells.size() != columns && !(columns == 3 && cells.size() == 2)) {
      add("应有 " + std::to_string(columns) + " 列（" +
          (columns == 3 ? std::string("code,label,short") : std::string("code,label")) +
          "），实有 " + std::to_string(cells.size()) + " 列");
      continue;
    }
    if (cells[0].empty()) {
      add("代码为空");
      continue;
    }
    if (cells[1].empty()) {
      add("代码“" + cells[0] + "”的名称为空");
      continue;
    }
    auto [code_it, new_code] = codes.emplace(cells[0], line_number);
    if (!new_code) {
      add("代码“" + cells[0] + "”重复（第 " + std::to_string(code_it->second) + " 行已有）");
      continue;
    }
    if (!claim(cells[1])) continue;
    if (cells.size() == 3 && !cells[2].empty() && cells[2] != cells[1]) {
      if (!claim(cells[2])) continue;
      out->shorts.emplace(cells[0], cells[2]);
    }
    out->entries.emplace_back(cells[0], cells[1]);
  }
  if (!header_seen) {
    problems->push_back(path + ": 代码表为空，至少应有表头 code,label");
  }
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *out = buffer.str();
  return !in.bad();
}

}  // namespace internal

const char* FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kString:
      return "string";
    case FieldType::kCode:
      return "code";
    case FieldType::kDate:
      return "date";
    case FieldType::kInteger:
      return "integer";
    case FieldType::kDecimal:
      return "decimal";
    case FieldType::kBoolean:
      return "boolean";
    case FieldType::kIdNumber:
      return "id_number";
    case FieldType::kPhone:
      return "phone";
    case FieldType::kDivision:
      return "division";
    case FieldType::kReference:
      return "reference";
  }
  return "unknown";
}

const char* SensitivityName(Sensitivity s) {
  switch (s) {
    case Sensitivity::kPublic:
      return "public";
    case Sensitivity::kPersonal:
      return "personal";
    case Sensitivity::kSensitive:
      return "sensitive";
  }
  return "unknown";
}

SourceLocation SourceLocation::InText(std::string file, std::string_view text, size_t offset) {
  const utf8::LineColumn at = utf8::LineColumnAt(text, offset);
  return SourceLocation{std::move(file), at.line, at.column};
}

std::string SourceLocation::ToString() const {
  std::string out = file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  return out;
}

const FieldDef* TagDef::FindAttribute(std::string_view key) const {
  for (const FieldDef& attribute : attributes) {
    if (attribute.key == key) return &attribute;
  }
  return nullptr;
}

CodeTable::CodeTable(std::string id, std::vector<std::pair<std::string, std::string>> entries)
    : CodeTable(std::move(id), CodeTableText{"", std::move(entries), {}}) {}

CodeTable::CodeTable(std::string id, CodeTableText text)
    : id_(std::move(id)),
      standard_(std::move(text.standard)),
      entries_(std::move(text.entries)),
      shorts_(std::move(text.shorts)) {
  for (size_t i = 0; i < entries_.size(); ++i) {
    // emplace keeps the first entry when a code or label repeats (the loader rejects both).
    by_code_.emplace(entries_[i].first, i);
    by_label_.emplace(entries_[i].second, i);
  }
  for (const auto& [code, short_name] : shorts_) {
    auto it = by_code_.find(code);
    if (it != by_code_.end()) by_label_.emplace(short_name, it->second);
  }
}

const std::string* CodeTable::Label(std::string_view code) const {
  auto it = by_code_.find(code);
  return it == by_code_.end() ? nullptr : &entries_[it->second].second;
}

const std::string* CodeTable::ShortLabel(std::string_view code) const {
  auto it = shorts_.find(code);
  if (it != shorts_.end()) return &it->second;
  return Label(code);
}

const std::string* CodeTable::CodeForLabel(std::string_view label) const {
  auto it = by_label_.find(label);
  return it == by_label_.end() ? nullptr : &entries_[it->second].first;
}

Result<CodeTable> LoadCodeTable(const std::string& path) {
  std::string text;
  if (!internal::ReadFile(path, &text)) return Status::NotFound(path + ": 无法读取代码表文件");
  CodeTableText table;
  std::vector<std::string> problems;
  internal::ParseCodeTableText(path, text, &table, &problems);
  if (!problems.empty()) {
    return Status::Invalid(Join(problems, "\n"));
  }
  return CodeTable(std::filesystem::path(path).stem().string(), std::move(table));
}

// Lookups scan the field list: it holds about a hundred entries, ordered by entity, and a scan
// that compares the entity before the key costs less than the hashing of a map lookup would.
const FieldDef* Catalog::Find(EntityKind entity, std::string_view key) const {
  for (const FieldDef& field : fields_) {
    if (field.entity == entity && field.key == key) return &field;
  }
  return nullptr;
}

std::vector<const FieldDef*> Catalog::StoredFields(EntityKind entity) const {
  std::vector<const FieldDef*> out;
  for (const FieldDef& field : fields_) {
    if (field.entity == entity && !field.derived) out.push_back(&field);
  }
  return out;
}

const FieldDef* Catalog::MatchHeader(EntityKind entity, std::string_view header) const {
  std::string wanted = internal::NormalizeHeader(header);
  if (wanted.empty()) return nullptr;
  for (const FieldDef& field : fields_) {
    if (field.entity != entity) continue;
    if (internal::NormalizeHeader(field.label) == wanted) return &field;
    for (const std::string& alias : field.aliases) {
      if (internal::NormalizeHeader(alias) == wanted) return &field;
    }
  }
  return nullptr;
}

const TagDef* Catalog::FindTag(std::string_view key) const {
  for (const TagDef& tag : tags_) {
    if (tag.key == key) return &tag;
  }
  return nullptr;
}

const CodeTable* Catalog::FindCodeTable(std::string_view id) const {
  auto it = codes_.find(id);
  return it == codes_.end() ? nullptr : &it->second;
}

}  // namespace onetable

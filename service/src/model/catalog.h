// The field catalog: schema/fields.yaml plus the code tables in schema/codes/. It is the single
// source of truth for what the register stores: storage, validation, entry forms, connector
// field maps and mappings all read it. Immutable after Load; thread-safe to read.
//
// fields.yaml shape (see the file itself for the full catalog):
//   fields:
//     - key: id_number            # unique per entity; also the SQL column name
//       entity: person            # district|street|community|grid|building|household|person
//       module: 基本信息            # 基本信息 | 户与房屋 | 专项信息
//       label: 公民身份号码
//       aliases: [身份证号, 身份证号码, 证件号码]
//       type: id_number           # see FieldType
//       codes: gb2261.1-gender    # code table (for type: code)
//       max_length: 18
//       pattern: '^[0-9]+$'       # optional extra check (ECMAScript regex)
//       sensitivity: personal     # public | personal | sensitive
//       required: true
//       derived: false            # true: computed, never stored (e.g. age)
//   tags:
//     - key: dibao
//       label: 低保对象
//       department: 民政局
//       sensitivity: sensitive
//       attributes: [ {key: category, label: 保障类别, type: code, codes: assistance-type}, ...]
#ifndef ONETABLE_MODEL_CATALOG_H_
#define ONETABLE_MODEL_CATALOG_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/entity.h"
#include "onetable/status.h"

namespace onetable {

enum class FieldType {
  kString,
  kCode,       // value from a code table
  kDate,       // YYYY-MM-DD
  kInteger,
  kDecimal,
  kBoolean,    // "1" / "0"
  kIdNumber,   // GB 11643 公民身份号码
  kPhone,      // mobile or landline
  kDivision,   // administrative division code (6/9/12 digits)
  kReference,  // id of another row (e.g. household.head_person_id)
};

enum class Sensitivity { kPublic, kPersonal, kSensitive };

const char* FieldTypeName(FieldType type);
const char* SensitivityName(Sensitivity s);

struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
  std::string ToString() const;  // "file:line:col"

  // Where byte `offset` of `text` (the contents of `file`) is: line, and column in characters.
  static SourceLocation InText(std::string file, std::string_view text, size_t offset);
};

struct FieldDef {
  std::string key;
  EntityKind entity = EntityKind::kPerson;
  std::string module;
  std::string label;
  std::vector<std::string> aliases;
  FieldType type = FieldType::kString;
  std::string code_table;  // for kCode
  int max_length = 0;      // 0 = no limit
  std::string pattern;
  Sensitivity sensitivity = Sensitivity::kPersonal;
  bool required = false;
  bool derived = false;
  // `encrypted: true`: stored sealed at rest (crypto/encrypted_fields.h) although the field is
  // neither an ID number nor a phone nor sensitive, e.g. a free-text document number. Only
  // string fields that are stored; such a field cannot be searched by part or looked up.
  bool encrypted = false;
  std::string doc;
  SourceLocation where;
};

struct TagDef {
  std::string key;
  std::string label;
  std::string department;
  std::string module;
  Sensitivity sensitivity = Sensitivity::kSensitive;
  std::vector<FieldDef> attributes;  // attribute FieldDefs have entity kPerson and no column
  SourceLocation where;

  const FieldDef* FindAttribute(std::string_view key) const;
};

// A code table file: UTF-8 CSV with the header "code,label" or "code,label,short", after
// optional comment lines starting with "#" ("# standard: GB/T 2261.1-2003" names the standard
// and version the table follows). `short` is the name forms print (男 for 男性); empty means
// the label itself.
struct CodeTableText {
  std::string standard;  // from "# standard: ..."; "" when the file does not say
  std::vector<std::pair<std::string, std::string>> entries;  // (code, label), in file order
  std::map<std::string, std::string, std::less<>> shorts;    // code -> short name, when given
};

class CodeTable {
 public:
  CodeTable(std::string id, std::vector<std::pair<std::string, std::string>> entries);
  CodeTable(std::string id, CodeTableText text);
  const std::string& id() const { return id_; }
  // The standard and version the table follows ("GB/T 2261.1-2003"), or "".
  const std::string& standard() const { return standard_; }
  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }
  // The label (the standard's full name) of `code`, or nullptr when the code is not in the table.
  const std::string* Label(std::string_view code) const;
  // The name forms print for `code`: its short name when it has one, else its label; nullptr
  // when the code is not in the table.
  const std::string* ShortLabel(std::string_view code) const;
  // The code whose label or short name is `label` (exact), or nullptr.
  const std::string* CodeForLabel(std::string_view label) const;

 private:
  std::string id_;
  std::string standard_;
  std::vector<std::pair<std::string, std::string>> entries_;
  std::map<std::string, std::string, std::less<>> shorts_;
  std::map<std::string, size_t, std::less<>> by_code_;
  std::map<std::string, size_t, std::less<>> by_label_;  // labels and short names
};

// Reads one code table file (see CodeTableText). Errors name file:line.
Result<CodeTable> LoadCodeTable(const std::string& path);

class Catalog {
 public:
  // Loads `schema_dir`/fields.yaml and every code table in `schema_dir`/codes/. On failure the
  // Status message holds one "file:line:col: message" line per problem found (all of them, not
  // just the first), in Chinese.
  static Result<Catalog> Load(const std::string& schema_dir);

  const std::vector<FieldDef>& fields() const { return fields_; }
  const std::vector<TagDef>& tags() const { return tags_; }

  const FieldDef* Find(EntityKind entity, std::string_view key) const;
  // Stored (non-derived) fields of an entity, in catalog order: these are its SQL columns.
  std::vector<const FieldDef*> StoredFields(EntityKind entity) const;
  // Matches a column header against labels and aliases (exact after trimming blanks and
  // full-width spaces). Returns nullptr when nothing matches.
  const FieldDef* MatchHeader(EntityKind entity, std::string_view header) const;
  const TagDef* FindTag(std::string_view key) const;
  const CodeTable* FindCodeTable(std::string_view id) const;
  const std::map<std::string, CodeTable, std::less<>>& code_tables() const { return codes_; }

 private:
  std::vector<FieldDef> fields_;
  std::vector<TagDef> tags_;
  std::map<std::string, CodeTable, std::less<>> codes_;
};

}  // namespace onetable

#endif  // ONETABLE_MODEL_CATALOG_H_

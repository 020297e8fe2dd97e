// Parsers for the small parts of an .xlsx package: relationships, the workbook (sheet list and
// date system), shared strings and cell styles. Pure functions over XML streams, so tests can
// feed them literal XML.
//
// Thread-safety: thread-safe.
#ifndef ONETABLE_CONNECTORS_XLSX_XLSX_PARTS_H_
#define ONETABLE_CONNECTORS_XLSX_XLSX_PARTS_H_

#include <istream>
#include <string>
#include <vector>

#include "onetable/status.h"
#include "xlsx/excel_values.h"

namespace onetable::connectors {

struct Relationship {
  std::string id;
  std::string type;    // a URI; compare its last segment ("worksheet", "sharedStrings", ...)
  std::string target;  // relative to the part that owns the .rels, or absolute ("/xl/...")
  bool external = false;
};

struct WorkbookInfo {
  struct Sheet {
    std::string name;
    std::string relationship_id;
    bool hidden = false;
  };
  std::vector<Sheet> sheets;  // in tab order
  bool date1904 = false;
};

// `where` names the part in messages (e.g. "dibao.xlsx 中的 xl/workbook.xml").
Result<std::vector<Relationship>> ParseRelationships(std::istream& in, const std::string& where);
Result<WorkbookInfo> ParseWorkbook(std::istream& in, const std::string& where);
// The strings of sharedStrings.xml in index order; rich text runs are joined, phonetic
// guides (<rPh>) left out, _xHHHH_ escapes decoded.
Result<std::vector<std::string>> ParseSharedStrings(std::istream& in, const std::string& where);
// For each cell format (cellXfs index, the "s" attribute of a cell): what a number in it means.
Result<std::vector<NumberKind>> ParseCellStyles(std::istream& in, const std::string& where);

// True when a relationship type URI ends in "/<kind>".
bool RelationshipIs(const Relationship& rel, const std::string& kind);
// The zip entry a relationship target points to, from the part owning the .rels ("" for the
// package itself): ("xl/workbook.xml", "worksheets/sheet1.xml") -> "xl/worksheets/sheet1.xml".
std::string ResolvePartPath(const std::string& source_part, const std::string& target);
// Where the relationships of `part` live: "xl/workbook.xml" -> "xl/_rels/workbook.xml.rels".
std::string RelationshipsPathFor(const std::string& part);

}  // namespace onetable::connectors

#endif  // ONETABLE_CONNECTORS_XLSX_XLSX_PARTS_H_

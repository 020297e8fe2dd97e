#include "xlsx/xlsx_parts.h"

#include <map>
#include <utility>

#include "Poco/SAX/Attributes.h"
#include "Poco/SAX/DefaultHandler.h"
#include "onetable/text.h"
#include "xlsx/xml_sax.h"

namespace onetable::connectors {
namespace {

using Poco::XML::Attributes;
using Poco::XML::XMLChar;
using Poco::XML::XMLString;

// An unprefixed attribute, or "" when absent.
std::string Attr(const Attributes& attrs, const char* name) { return attrs.getValue("", name); }

// The r:id attribute, whatever prefix and relationships namespace (transitional or strict).
std::string RelationshipIdAttr(const Attributes& attrs) {
  for (int i = 0; i < attrs.getLength(); ++i) {
    if (attrs.getLocalName(i) == "id" && !attrs.getURI(i).empty()) return attrs.getValue(i);
  }
  return "";
}

bool IsTrue(const std::string& v) { return v == "1" || v == "true"; }

class RelationshipsHandler : public Poco::XML::DefaultHandler {
 public:
  std::vector<Relationship> rels;
  void startElement(const XMLString&, const XMLString& local, const XMLString&,
                    const Attributes& attrs) override {
    if (local != "Relationship") return;
    rels.push_back({Attr(attrs, "Id"), Attr(attrs, "Type"), Attr(attrs, "Target"),
                    Attr(attrs, "TargetMode") == "External"});
  }
};

class WorkbookHandler : public Poco::XML::DefaultHandler {
 public:
  WorkbookInfo info;
  void startElement(const XMLString&, const XMLString& local, const XMLString&,
                    const Attributes& attrs) override {
    if (local == "workbookPr") {
      info.date1904 = IsTrue(Attr(attrs, "date1904"));
    } else if (local == "sheet") {
      std::string state = Attr(attrs, "state");
      info.sheets.push_back({Attr(attrs, "name"), RelationshipIdAttr(attrs),
                             state == "hidden" || state == "veryHidden"});
    }
  }
};

class SharedStringsHandler : public Poco::XML::DefaultHandler {
 public:
  std::vector<std::string> strings;
  void startElement(const XMLString&, const XMLString& local, const XMLString&,
                    const Attributes&) override {
    if (local == "si") {
      in_si_ = true;
      text_.clear();
    } else if (local == "rPh") {
      in_phonetic_ = true;
    } else if (local == "t" && in_si_ && !in_phonetic_) {
      in_t_ = true;
    }
  }
  void endElement(const XMLString&, const XMLString& local, const XMLString&) override {
    if (local == "si") {
      strings.push_back(DecodeOoxmlEscapes(text_));
      in_si_ = false;
    } else if (local == "rPh") {
      in_phonetic_ = false;
    } else if (local == "t") {
      in_t_ = false;
    }
  }
  void characters(const XMLChar ch[], int start, int length) override {
    if (in_t_) text_.append(ch + start, static_cast<size_t>(length));
  }

 private:
  bool in_si_ = false;
  bool in_phonetic_ = false;
  bool in_t_ = false;
  std::string text_;
};

class StylesHandler : public Poco::XML::DefaultHandler {
 public:
  std::map<int, NumberKind> custom;  // numFmtId -> kind, from <numFmts>
  std::vector<int> xf_formats;       // numFmtId of each <cellXfs><xf>

  void startElement(const XMLString&, const XMLString& local, const XMLString&,
                    const Attributes& attrs) override {
    if (local == "numFmt") {
      int id = 0;
      if (ParseInt(Attr(attrs, "numFmtId"), &id)) {
        custom[id] = ClassifyFormatCode(Attr(attrs, "formatCode"));
      }
    } else if (local == "cellXfs") {
      in_cell_xfs_ = true;
    } else if (local == "xf" && in_cell_xfs_) {
      int id = 0;
      xf_formats.push_back(ParseInt(Attr(attrs, "numFmtId"), &id) ? id : 0);
    }
  }
  void endElement(const XMLString&, const XMLString& local, const XMLString&) override {
    if (local == "cellXfs") in_cell_xfs_ = false;
  }

 private:
  static bool ParseInt(const std::string& s, int* out) {
    if (s.empty() || s.size() > 9) return false;
    int v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    *out = v;
    return true;
  }
  bool in_cell_xfs_ = false;
};

}  // namespace

Result<std::vector<Relationship>> ParseRelationships(std::istream& in, const std::string& where) {
  RelationshipsHandler handler;
  RETURN_IF_ERROR(ParseXml(in, &handler, where));
  return std::move(handler.rels);
}

Result<WorkbookInfo> ParseWorkbook(std::istream& in, const std::string& where) {
  WorkbookHandler handler;
  RETURN_IF_ERROR(ParseXml(in, &handler, where));
  return std::move(handler.info);
}

Result<std::vector<std::string>> ParseSharedStrings(std::istream& in, const std::string& where) {
  SharedStringsHandler handler;
  RETURN_IF_ERROR(ParseXml(in, &handler, where));
  return std::move(handler.strings);
}

Result<std::vector<NumberKind>> ParseCellStyles(std::istream& in, const std::string& where) {
  StylesHandler handler;
  RETURN_IF_ERROR(ParseXml(in, &handler, where));
  std::vector<NumberKind> kinds;
  kinds.reserve(handler.xf_formats.size());
  for (int id : handler.xf_formats) {
    auto custom = handler.custom.find(id);
    kinds.push_back(custom != handler.custom.end() ? custom->second : BuiltinNumberKind(id));
  }
  return kinds;
}

bool RelationshipIs(const Relationship& rel, const std::string& kind) {
  size_t slash = rel.type.find_last_of('/');
  return slash != std::string::npos && rel.type.compare(slash + 1, std::string::npos, kind) == 0;
}

std::string ResolvePartPath(const std::string& source_part, const std::string& target) {
  std::string joined;
  if (!target.empty() && target[0] == '/') {
    joined = target.substr(1);
  } else {
    size_t slash = source_part.find_last_of('/');
    joined =
        (slash == std::string::npos ? std::string() : source_part.substr(0, slash + 1)) + target;
  }
  std::vector<std::string> parts;
  for (std::string_view segment : Split(joined, '/')) {
    if (segment == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!segment.empty() && segment != ".") {
      parts.emplace_back(segment);
    }
  }
  return Join(parts, "/");
}

std::string RelationshipsPathFor(const std::string& part) {
  size_t slash = part.find_last_of('/');
  std::string dir = slash == std::string::npos ? "" : part.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? part : part.substr(slash + 1);
  return dir + "_rels/" + base + ".rels";
}

}  // namespace onetable::connectors

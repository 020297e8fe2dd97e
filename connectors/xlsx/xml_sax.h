// ParseXml: Poco's SAX parser, hardened for files from outside.
//
// An .xlsx part is untrusted input. A document type declaration is refused outright (before
// the parser sees it, and again if the parser reports one), so neither internal entities (the
// "billion laughs") nor external ones (file or network reads) can be declared; external entity
// resolution is switched off as well. Exceptions from Poco and from the handler become a Status.
//
// Thread-safety: thread-safe; each call has its own parser.
#ifndef ONETABLE_CONNECTORS_XLSX_XML_SAX_H_
#define ONETABLE_CONNECTORS_XLSX_XML_SAX_H_

#include <exception>
#include <istream>
#include <string>
#include <utility>

#include "Poco/SAX/ContentHandler.h"
#include "onetable/status.h"

namespace onetable::connectors {

// Thrown by a content handler to stop the parse with `status`, returned as is (its message
// should already say where).
class XmlStop : public std::exception {
 public:
  explicit XmlStop(Status status) : status_(std::move(status)) {}
  const char* what() const noexcept override { return "xml parse stopped"; }
  const Status& status() const { return status_; }

 private:
  Status status_;
};

// Parses the XML document read from `in`, reporting events to `handler` (namespace-aware:
// handlers see local names and namespace URIs). `where` (e.g. "dibao.xlsx 中的
// xl/workbook.xml") prefixes the parser's messages. Returns the handler's XmlStop status if it
// threw one.
Status ParseXml(std::istream& in, Poco::XML::ContentHandler* handler, const std::string& where);

}  // namespace onetable::connectors

#endif  // ONETABLE_CONNECTORS_XLSX_XML_SAX_H_

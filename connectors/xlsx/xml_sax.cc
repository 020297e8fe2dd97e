#include "xlsx/xml_sax.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <streambuf>
#include <string_view>

#include "Poco/Exception.h"
#include "Poco/SAX/InputSource.h"
#include "Poco/SAX/LexicalHandler.h"
#include "Poco/SAX/SAXException.h"
#include "Poco/SAX/SAXParser.h"

namespace onetable::connectors {
namespace {

constexpr char kDoctype[] = "<!DOCTYPE";
constexpr size_t kDoctypeLen = sizeof(kDoctype) - 1;
constexpr char kDoctypeRefused[] =
    ": 文件含有 DOCTYPE 声明（可能借实体展开耗尽内存或读取外部文件），拒绝读取";

// Passes bytes through, ending the stream at the first "<!DOCTYPE" so no declaration ever
// reaches the parser. '<' cannot appear unescaped in character data, so the marker is markup.
class DoctypeFilterBuf : public std::streambuf {
 public:
  explicit DoctypeFilterBuf(std::streambuf* source)
      : source_(source), buffer_(new char[kTail + kSize]) {}
  bool found() const { return found_; }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (found_) return traits_type::eof();
    char* begin = buffer_.get() + kTail;
    std::streamsize n = source_->sgetn(begin, kSize);
    if (n <= 0) return traits_type::eof();
    // Search from the tail of the previous read so a marker split between reads is seen.
    std::memcpy(begin - tail_len_, tail_, tail_len_);
    std::string_view window(begin - tail_len_, static_cast<size_t>(n) + tail_len_);
    if (window.find(kDoctype) != std::string_view::npos) {
      found_ = true;
      return traits_type::eof();
    }
    tail_len_ = std::min(kTail, window.size());
    std::memcpy(tail_, window.data() + window.size() - tail_len_, tail_len_);
    setg(begin, begin, begin + n);
    return traits_type::to_int_type(*begin);
  }

 private:
  static constexpr size_t kTail = kDoctypeLen - 1;
  static constexpr size_t kSize = 64 * 1024;
  std::streambuf* source_;
  std::unique_ptr<char[]> buffer_;
  char tail_[kTail];
  size_t tail_len_ = 0;
  bool found_ = false;
};

class DtdRefuser : public Poco::XML::LexicalHandler {
 public:
  explicit DtdRefuser(const std::string& where) : where_(where) {}
  void startDTD(const Poco::XML::XMLString&, const Poco::XML::XMLString&,
                const Poco::XML::XMLString&) override {
    throw XmlStop(Status::Invalid(where_ + kDoctypeRefused));
  }
  void endDTD() override {}
  void startEntity(const Poco::XML::XMLString&) override {}
  void endEntity(const Poco::XML::XMLString&) override {}
  void startCDATA() override {}
  void endCDATA() override {}
  void comment(const Poco::XML::XMLChar[], int, int) override {}

 private:
  const std::string& where_;
};

}  // namespace

Status ParseXml(std::istream& in, Poco::XML::ContentHandler* handler, const std::string& where) {
  DoctypeFilterBuf filter(in.rdbuf());
  std::istream filtered(&filter);
  DtdRefuser dtd_refuser(where);
  Status result;
  try {
    Poco::XML::SAXParser parser;
    parser.setFeature(Poco::XML::XMLReader::FEATURE_NAMESPACES, true);
    parser.setFeature(Poco::XML::XMLReader::FEATURE_NAMESPACE_PREFIXES, false);
    parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_GENERAL_ENTITIES, false);
    parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_PARAMETER_ENTITIES, false);
    parser.setProperty(Poco::XML::XMLReader::PROPERTY_LEXICAL_HANDLER,
                       static_cast<Poco::XML::LexicalHandler*>(&dtd_refuser));
    parser.setContentHandler(handler);
    Poco::XML::InputSource source(filtered);
    parser.parse(&source);
  } catch (const XmlStop& stop) {
    result = stop.status();
  } catch (const Poco::Exception& e) {
    result = Status::Invalid(where + ": XML 格式错误：" +
                             (e.message().empty() ? e.displayText() : e.message()));
  } catch (const std::exception& e) {
    result = Status::Invalid(where + ": XML 格式错误：" + e.what());
  }
  if (filter.found()) {
    return Status::Invalid(where + kDoctypeRefused);
  }
  return result;
}

}  // namespace onetable::connectors

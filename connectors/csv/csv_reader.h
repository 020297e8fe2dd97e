// RFC 4180 CSV reading for departmental exports: a pure parser over decoded text, and a
// streaming reader over bytes (std::istream or a file) that decodes in chunks.
//
// Quoted fields may hold delimiters, doubled quotes and line breaks (LF or CRLF); lines end in
// LF, CRLF or CR; the last line may lack a line end; blank lines are skipped. Being lenient where
// exports are sloppy: a quote inside an unquoted field, or text after a closing quote, is kept
// as text. A record over a limit (field size, column count, record size) comes out with
// Row::error set and is otherwise cut short, so memory stays bounded whatever the input.
//
// An unclosed quote does not swallow the rest of the file: a quoted field still open at the end
// of input, open for more than max_record_bytes, or "closed" on a later line and followed by
// text (the quote of a later field ended it), makes its record come out as one Row with error set
// ("第 N 行的引号没有闭合 ... 丢失 K 行"), and reading starts again at the line after the one
// where the quote opened; lost_lines() counts the lines lost so. Errors that end the read: bytes
// not valid in the encoding, a read failure. Records carry the physical line they start on.
//
// Thread-safety: not thread-safe; one parser or reader per input.
#ifndef ONETABLE_CONNECTORS_CSV_CSV_READER_H_
#define ONETABLE_CONNECTORS_CSV_CSV_READER_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <fstream>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/row.h"
#include "csv/text_encoding.h"
#include "onetable/status.h"

namespace onetable::connectors {

struct CsvOptions {
  char delimiter = ',';  // ',' or '\t'; any ASCII byte but '"', CR and LF (else Next fails)
  std::optional<TextEncoding> encoding;  // unset: detect
  size_t max_field_bytes = 1 << 20;
  size_t max_columns = 1000;
  size_t max_record_bytes = 16 << 20;
  size_t chunk_bytes = 64 << 10;  // how much the reader reads and decodes at a time
};

// The CSV state machine over UTF-8 text handed over in pieces of any size.
class CsvParser {
 public:
  CsvParser(const CsvOptions& options, std::string source_name);

  // Consumes `text`; each record completed by it is appended to `*out`.
  void Feed(std::string_view text, std::deque<Row>* out);
  // Ends the input: a last record without a line end is appended; a quoted field still open is
  // resynchronised (see above). Always OK.
  Status Finish(std::deque<Row>* out);

  // Lines given up by resynchronising after unclosed quotes.
  int64_t lost_lines() const { return lost_lines_; }

 private:
  enum class State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted };

  void Append(std::string_view text);
  void EndField();
  void EndRecord(std::deque<Row>* out);
  void StartRecordIfNeeded();
  // Parses `text` until its end or a resync; returns where it stopped, with the text to read
  // again before the rest in *replay (empty when none).
  size_t Scan(std::string_view text, std::deque<Row>* out, std::string* replay);
  // Gives up the current record (an unclosed quote): appends its error row and returns `raw`,
  // the text from the opening quote on, from the line after the one where the quote opened.
  std::string Resync(const std::string& raw, std::deque<Row>* out);

  char delimiter_;
  size_t max_field_bytes_;
  size_t max_columns_;
  size_t max_record_bytes_;
  std::string source_name_;

  State state_ = State::kFieldStart;
  bool after_cr_ = false;   // a CR ended a record; an LF right after belongs to it
  int64_t line_ = 1;        // physical line of the next character
  int64_t quote_line_ = 0;  // where the open quoted field started
  bool in_record_ = false;
  Row record_;
  std::string field_;
  size_t columns_ = 0;  // fields seen in this record, kept or not
  size_t record_bytes_ = 0;
  size_t oversized_column_ = 0;  // 1-based; first field over max_field_bytes
  bool record_too_big_ = false;
  bool capturing_ = false;    // inside a quoted field: its text is kept in raw_
  std::string raw_;           // the open quoted field's text from its quote, as fed (for Resync)
  int64_t quoted_lines_ = 0;  // line breaks inside the current quoted field
  int64_t lost_lines_ = 0;
};

class CsvReader {
 public:
  // Reads `in`, which must outlive the reader. `source_name` names it in messages.
  CsvReader(std::istream& in, std::string source_name, CsvOptions options);
  // Opens `path`; messages name the file by its base name.
  static Result<std::unique_ptr<CsvReader>> OpenFile(const std::string& path, CsvOptions options);
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Yields the next record: true with `*row` set, false at end of input. An error ends the read;
  // records already yielded stay valid. After the end or an error, calls repeat the outcome.
  Result<bool> Next(Row* row);

  // The declared or detected encoding (meaningful once reading has started).
  TextEncoding encoding() const { return decoder_.encoding(); }
  const std::string& source_name() const { return source_name_; }
  // Lines given up after unclosed quotes (CsvParser::lost_lines).
  int64_t lost_lines() const { return parser_.lost_lines(); }

 private:
  Status Fill();

  std::unique_ptr<std::ifstream> owned_;
  std::istream* in_;
  std::string source_name_;
  CsvOptions options_;
  TextDecoder decoder_;
  CsvParser parser_;
  std::deque<Row> ready_;
  std::string bytes_;
  std::string text_;
  bool at_end_ = false;
  Status failed_;
};

// Parses a whole CSV held in memory (tests, small files): every record, or the first error.
Result<std::vector<Row>> ParseCsv(std::string_view bytes, const std::string& source_name,
                                  const CsvOptions& options);

}  // namespace onetable::connectors

#endif  // ONETABLE_CONNECTORS_CSV_CSV_READER_H_

#include "csv/csv_reader.h"

#include <sstream>
#include <utility>

#include "onetable/utf8.h"

namespace onetable::connectors {
namespace {

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

CsvParser::CsvParser(const CsvOptions& options, std::string source_name)
    : delimiter_(options.delimiter),
      max_field_bytes_(options.max_field_bytes),
      max_columns_(options.max_columns),
      max_record_bytes_(options.max_record_bytes),
      source_name_(std::move(source_name)) {}

void CsvParser::StartRecordIfNeeded() {
  if (in_record_) return;
  in_record_ = true;
  record_ = Row{};
  record_.number = line_;
  field_.clear();
  columns_ = 0;
  record_bytes_ = 0;
  oversized_column_ = 0;
  record_too_big_ = false;
}

void CsvParser::Append(std::string_view text) {
  if (text.empty()) return;
  size_t room = max_field_bytes_ > field_.size() ? max_field_bytes_ - field_.size() : 0;
  if (text.size() > room) {
    if (oversized_column_ == 0) oversized_column_ = columns_ + 1;
    text = utf8::TruncateBytes(text, room);  // cut fields stay valid UTF-8
  }
  size_t record_room = max_record_bytes_ > record_bytes_ ? max_record_bytes_ - record_bytes_ : 0;
  if (text.size() > record_room) {
    record_too_big_ = true;
    text = utf8::TruncateBytes(text, record_room);
  }
  if (columns_ >= max_columns_) return;  // this field will not be kept
  field_.append(text.data(), text.size());
  record_bytes_ += text.size();
}

void CsvParser::EndField() {
  ++columns_;
  if (columns_ <= max_columns_) record_.cells.push_back(std::move(field_));
  field_.clear();
}

void CsvParser::EndRecord(std::deque<Row>* out) {
  state_ = State::kFieldStart;
  if (!in_record_) return;  // a blank line
  EndField();
  std::string where = source_name_ + " 第 " + std::to_string(record_.number) + " 行";
  if (oversized_column_ > 0) {
    record_.error = where + "第 " + std::to_string(oversized_column_) + " 列: 字段长度超过上限 " +
                    std::to_string(max_field_bytes_) + " 字节（已截断）";
  } else if (columns_ > max_columns_) {
    record_.error =
        where + ": 列数 " + std::to_string(columns_) + " 超过上限 " + std::to_string(max_columns_);
  } else if (record_too_big_) {
    record_.error =
        where + ": 整行长度超过上限 " + std::to_string(max_record_bytes_) + " 字节（已截断）";
  }
  out->push_back(std::move(record_));
  in_record_ = false;
  raw_.clear();
}

std::string CsvParser::Resync(const std::string& raw, std::deque<Row>* out) {
  Row bad;
  bad.number = record_.number;
  const int64_t lost = quote_line_ - record_.number + 1;
  lost_lines_ += lost;
  bad.error = source_name_ + " 第 " + std::to_string(record_.number) + " 行: 第 " +
              std::to_string(quote_line_) +
              " 行的引号没有闭合，该记录无法读取，已从下一行起重新读取（丢失 " +
              std::to_string(lost) + " 行）";
  out->push_back(std::move(bad));
  in_record_ = false;
  state_ = State::kFieldStart;
  after_cr_ = false;
  field_.clear();
  raw_.clear();
  line_ = quote_line_ + 1;
  // Read again from the line after the one where the quote opened.
  capturing_ = false;
  size_t next = raw.find_first_of("\r\n");
  if (next == std::string::npos) return "";
  if (raw[next] == '\r' && next + 1 < raw.size() && raw[next + 1] == '\n') ++next;
  return raw.substr(next + 1);
}

void CsvParser::Feed(std::string_view text, std::deque<Row>* out) {
  // A resync hands back text to read again before the rest; a loop, not recursion, so that a
  // file of many stray quotes cannot exhaust the stack.
  std::string owned;
  for (;;) {
    std::string replay;
    const size_t stopped = Scan(text, out, &replay);
    if (replay.empty() && stopped >= text.size()) return;
    std::string next = std::move(replay);
    next.append(text.data() + stopped, text.size() - stopped);
    owned = std::move(next);
    text = owned;
  }
}

size_t CsvParser::Scan(std::string_view text, std::deque<Row>* out, std::string* replay) {
  size_t i = 0;
  const size_t n = text.size();
  auto end_line = [&](char c) {
    EndRecord(out);
    ++line_;
    after_cr_ = c == '\r';
  };
  size_t capture_begin = 0;  // where in `text` the open quoted field's text starts
  while (i < n) {
    char c = text[i];
    if (after_cr_) {
      after_cr_ = false;
      if (c == '\n') {
        ++i;
        continue;
      }
    }
    switch (state_) {
      case State::kFieldStart:
        if (c == '"') {
          StartRecordIfNeeded();
          state_ = State::kQuoted;
          quote_line_ = line_;
          capturing_ = true;
          raw_.clear();
          capture_begin = i;
          quoted_lines_ = 0;
          ++i;
          break;
        }
        if (c == delimiter_) {
          StartRecordIfNeeded();
          EndField();
          ++i;
          break;
        }
        if (c == '\n' || c == '\r') {
          end_line(c);
          ++i;
          break;
        }
        StartRecordIfNeeded();
        state_ = State::kUnquoted;
        [[fallthrough]];
      case State::kUnquoted: {
        size_t j = i;
        while (j < n && text[j] != delimiter_ && text[j] != '\n' && text[j] != '\r') ++j;
        Append(text.substr(i, j - i));
        i = j;
        if (i == n) break;
        if (text[i] == delimiter_) {
          EndField();
          state_ = State::kFieldStart;
        } else {
          end_line(text[i]);
        }
        ++i;
        break;
      }
      case State::kQuoted: {
        size_t j = i;
        while (j < n && text[j] != '"' && text[j] != '\n') ++j;
        Append(text.substr(i, j - i));
        i = j;
        if (i == n) break;
        if (text[i] == '"') {
          state_ = State::kQuoteInQuoted;
        } else {
          Append("\n");
          ++line_;
          ++quoted_lines_;
        }
        ++i;
        break;
      }
      case State::kQuoteInQuoted:
        if (c == '"') {  // a doubled quote stands for one
          Append("\"");
          state_ = State::kQuoted;
          ++i;
        } else if (c == delimiter_) {
          EndField();
          state_ = State::kFieldStart;
          ++i;
        } else if (c == '\n' || c == '\r') {
          end_line(c);
          ++i;
        } else if (quoted_lines_ > 0) {
          // A quote that "closed" lines later and is followed by text was not closed where it
          // should have been: the quote of a later field ended it. Read again from the line
          // after the one where it opened, instead of keeping everything between as one field.
          std::string raw = raw_;
          raw.append(text.data() + capture_begin, i - capture_begin);
          *replay = Resync(raw, out);
          return i;
        } else {
          state_ = State::kUnquoted;  // text after the closing quote: keep it
        }
        if (state_ != State::kQuoted) {  // the quoted field is over
          capturing_ = false;
          raw_.clear();
        }
        break;
    }
  }
  if (capturing_) raw_.append(text.data() + capture_begin, n - capture_begin);
  // A quoted field open for longer than a record may be is taken as never closed.
  if (state_ == State::kQuoted && raw_.size() > max_record_bytes_) {
    const std::string raw = std::move(raw_);
    *replay = Resync(raw, out);
  }
  return n;
}

Status CsvParser::Finish(std::deque<Row>* out) {
  // Each resync drops at least the line where the open quote is, so this ends.
  while (state_ == State::kQuoted) {
    const std::string raw = std::move(raw_);
    Feed(Resync(raw, out), out);
  }
  EndRecord(out);
  return Status::Ok();
}

CsvReader::CsvReader(std::istream& in, std::string source_name, CsvOptions options)
    : in_(&in),
      source_name_(std::move(source_name)),
      options_(options),
      decoder_(options.encoding, source_name_),
      parser_(options, source_name_) {
  if (options_.chunk_bytes == 0) options_.chunk_bytes = 64 << 10;
  char d = options_.delimiter;
  if (d == '"' || d == '\n' || d == '\r' || static_cast<unsigned char>(d) >= 0x80) {
    failed_ =
        Status::Invalid(source_name_ + ": 不支持的分隔符（可用逗号、制表符等单个 ASCII 字符）");
  }
}

Result<std::unique_ptr<CsvReader>> CsvReader::OpenFile(const std::string& path,
                                                       CsvOptions options) {
  auto file = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!file->is_open()) return Status::NotFound("无法打开文件 " + path);
  std::unique_ptr<CsvReader> reader(new CsvReader(*file, BaseName(path), options));
  reader->owned_ = std::move(file);
  return reader;
}

Status CsvReader::Fill() {
  bytes_.resize(options_.chunk_bytes);
  in_->read(bytes_.data(), static_cast<std::streamsize>(bytes_.size()));
  size_t n = static_cast<size_t>(in_->gcount());
  if (in_->bad()) return Status::Unavailable(source_name_ + ": 读取文件失败");
  bool eof = n < bytes_.size();
  text_.clear();
  Status decoded = decoder_.Decode(std::string_view(bytes_.data(), n), &text_);
  if (decoded.ok() && eof) decoded = decoder_.Finish(&text_);
  // Records completed before a decoding error still come out, ahead of the error.
  parser_.Feed(text_, &ready_);
  RETURN_IF_ERROR(decoded);
  if (eof) {
    RETURN_IF_ERROR(parser_.Finish(&ready_));
    at_end_ = true;
  }
  return Status::Ok();
}

Result<bool> CsvReader::Next(Row* row) {
  while (ready_.empty()) {
    if (!failed_.ok()) return failed_;
    if (at_end_) return false;
    failed_ = Fill();
  }
  *row = std::move(ready_.front());
  ready_.pop_front();
  return true;
}

Result<std::vector<Row>> ParseCsv(std::string_view bytes, const std::string& source_name,
                                  const CsvOptions& options) {
  std::istringstream in{std::string(bytes)};
  CsvReader reader(in, source_name, options);
  std::vector<Row> rows;
  Row row;
  while (true) {
    ASSIGN_OR_RETURN(bool more, reader.Next(&row));
    if (!more) break;
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace onetable::connectors

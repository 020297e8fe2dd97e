#include "mapping/json_sink.h"

#include <rapidjson/encodings.h>
#include <rapidjson/ostreamwrapper.h>
#include <rapidjson/writer.h>

#include <set>

namespace onetable::mapping {

struct JsonSink::Impl {
  explicit Impl(std::ostream& out) : out(out), wrapper(out), writer(wrapper) {}

  std::ostream& out;
  rapidjson::OStreamWrapper wrapper;
  rapidjson::Writer<rapidjson::OStreamWrapper, rapidjson::UTF8<>, rapidjson::UTF8<>,
                    rapidjson::CrtAllocator, rapidjson::kWriteValidateEncodingFlag>
      writer;
  std::vector<std::string> headers;
  int64_t rows = 0;
  bool failed = false;  // the writer is mid-object after a bad cell; refuse further use
};

JsonSink::JsonSink(std::ostream& out) : impl_(std::make_unique<Impl>(out)) {}
JsonSink::~JsonSink() = default;

Status JsonSink::Begin(const TableMeta& meta) {
  std::set<std::string> seen;
  for (const std::string& h : meta.headers) {
    if (!seen.insert(h).second) return Status::Invalid("JSON 输出的列标题重复：“" + h + "”");
  }
  impl_->headers = meta.headers;
  impl_->writer.StartArray();
  return Status::Ok();
}

Status JsonSink::Row(const std::vector<std::string>& cells) {
  if (impl_->failed) return Status::Internal("JSON 输出已因前面的错误中止");
  const std::vector<std::string>& headers = impl_->headers;
  if (cells.size() != headers.size()) {
    return Status::Invalid("JSON 行的单元格数 " + std::to_string(cells.size()) + " 与表头列数 " +
                           std::to_string(headers.size()) + " 不符");
  }
  auto& w = impl_->writer;
  ++impl_->rows;
  w.StartObject();
  for (size_t i = 0; i < cells.size(); ++i) {
    w.Key(headers[i].data(), static_cast<rapidjson::SizeType>(headers[i].size()));
    if (!w.String(cells[i].data(), static_cast<rapidjson::SizeType>(cells[i].size()))) {
      impl_->failed = true;
      return Status::Invalid("第 " + std::to_string(impl_->rows) + " 行“" + headers[i] +
                             "”列不是有效的 UTF-8 文本");
    }
  }
  w.EndObject();
  if (!impl_->out) return Status::Internal("写入 JSON 失败");
  return Status::Ok();
}

Status JsonSink::End() {
  if (impl_->failed) return Status::Internal("JSON 输出已因前面的错误中止");
  impl_->writer.EndArray();
  impl_->out << '\n';
  impl_->out.flush();
  if (!impl_->out) return Status::Internal("写入 JSON 失败");
  return Status::Ok();
}

}  // namespace onetable::mapping

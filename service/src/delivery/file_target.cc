// The file delivery target: a drop directory with one file per batch and a manifest per
// delivery, each written under a temporary name and renamed into place (mapping/atomic_file.h,
// and the table sinks, which write the same way).
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "delivery/batch_content.h"
#include "delivery/delivery_target.h"
#include "mapping/atomic_file.h"
#include "mapping/table_sink.h"
#include "model/sha256.h"

namespace onetable {
namespace fs = std::filesystem;
namespace {

struct ManifestEntry {
  int64_t seq = 0;
  std::string file, sha256, written_at;
  int64_t upserts = 0, deletes = 0;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string NowIso() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

class FileTarget : public DeliveryTarget {
 public:
  explicit FileTarget(DeliveryTargetSpec spec) : spec_(std::move(spec)) {}

  SendResult Send(const std::string& delivery_id, const DeliveryBatch& batch) override {
    SendResult r;
    char seq[32];
    std::snprintf(seq, sizeof seq, "%06lld", static_cast<long long>(batch.seq));
    const std::string name = delivery_id + "-" + seq + "." + spec_.format;
    const std::string path = (fs::path(spec_.dir) / name).string();
    std::error_code ec;
    if (!fs::is_directory(spec_.dir, ec)) {
      r.message = "投递目录 " + spec_.dir + " 不存在";
      return r;
    }
    Status st = WriteBatch(path, batch);
    if (st.ok()) st = WriteManifest(delivery_id, batch, name, path);
    if (!st.ok()) {
      r.message = "写入投递目录 " + spec_.dir + " 失败，将重试：" + st.message();
      return r;
    }
    r.kind = SendResult::kAcked;
    r.message = "已写入 " + name + " 并登记到清单 " + delivery_id + "-manifest.json";
    return r;
  }

 private:
  Status WriteBatch(const std::string& path, const DeliveryBatch& batch) {
    if (spec_.format == "json") {
      ASSIGN_OR_RETURN(std::unique_ptr<mapping::AtomicFile> file,
                       mapping::AtomicFile::Create(path));
      file->stream() << batch.body;
      return file->Commit();
    }
    ASSIGN_OR_RETURN(ParsedBatch parsed, ParseBatchBody(batch.body));
    const mapping::TableFormat format =
        spec_.format == "csv" ? mapping::TableFormat::kCsv : mapping::TableFormat::kXlsx;
    ASSIGN_OR_RETURN(std::unique_ptr<mapping::TableSink> sink,
                     mapping::OpenTableSink(format, path));
    mapping::TableMeta meta;
    meta.title = parsed.header.mapping + " 第 " + std::to_string(batch.seq) + " 批变动";
    meta.headers = {"操作", "键"};
    for (const std::string& c : parsed.header.columns) meta.headers.push_back(c);
    RETURN_IF_ERROR(sink->Begin(meta));
    for (const Change& c : parsed.changes) {
      std::vector<std::string> cells = {c.upsert ? "upsert" : "delete", c.key};
      for (size_t i = 0; i < parsed.header.columns.size(); ++i) {
        cells.push_back(i < c.cells.size() ? c.cells[i] : "");
      }
      RETURN_IF_ERROR(sink->Row(cells));
    }
    return sink->End();
  }

  Status WriteManifest(const std::string& delivery_id, const DeliveryBatch& batch,
                       const std::string& name, const std::string& path) {
    const std::string manifest = (fs::path(spec_.dir) / (delivery_id + "-manifest.json")).string();
    std::map<int64_t, ManifestEntry> entries;
    std::error_code ec;
    if (fs::exists(manifest, ec)) {
      rapidjson::Document doc;
      const std::string text = ReadAll(manifest);
      doc.Parse(text.data(), text.size());
      if (doc.IsObject() && doc.HasMember("batches") && doc["batches"].IsArray()) {
        for (const auto& b : doc["batches"].GetArray()) {
          if (!b.IsObject() || !b.HasMember("batch") || !b["batch"].IsInt64()) continue;
          ManifestEntry e;
          e.seq = b["batch"].GetInt64();
          auto str = [&](const char* k) {
            return b.HasMember(k) && b[k].IsString() ? std::string(b[k].GetString()) : "";
          };
          auto num = [&](const char* k) {
            return b.HasMember(k) && b[k].IsInt64() ? b[k].GetInt64() : int64_t{0};
          };
          e.file = str("file");
          e.sha256 = str("sha256");
          e.written_at = str("written_at");
          e.upserts = num("upserts");
          e.deletes = num("deletes");
          entries[e.seq] = e;
        }
      }
    }
    // A JSON batch file is the body itself: no need to read it back to hash it.
    ManifestEntry e{
        batch.seq, name,          Sha256Hex(spec_.format == "json" ? batch.body : ReadAll(path)),
        NowIso(),  batch.upserts, batch.deletes};
    entries[batch.seq] = e;
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("delivery");
    w.String(delivery_id.c_str());
    w.Key("batches");
    w.StartArray();
    for (const auto& [seq, m] : entries) {
      w.StartObject();
      w.Key("batch");
      w.Int64(seq);
      w.Key("file");
      w.String(m.file.c_str());
      w.Key("upserts");
      w.Int64(m.upserts);
      w.Key("deletes");
      w.Int64(m.deletes);
      w.Key("sha256");
      w.String(m.sha256.c_str());
      w.Key("written_at");
      w.String(m.written_at.c_str());
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    ASSIGN_OR_RETURN(std::unique_ptr<mapping::AtomicFile> file,
                     mapping::AtomicFile::Create(manifest));
    file->stream() << buf.GetString() << "\n";
    return file->Commit();
  }

  DeliveryTargetSpec spec_;
};

}  // namespace

Result<std::unique_ptr<DeliveryTarget>> OpenHttpTarget(const DeliveryTargetSpec& target);
Result<std::unique_ptr<DeliveryTarget>> OpenMysqlTarget(const DeliveryTargetSpec& target,
                                                        const std::string& key);

Result<std::unique_ptr<DeliveryTarget>> OpenDeliveryTarget(const DeliveryTargetSpec& target,
                                                           const std::string& key) {
  if (target.type == "http") return OpenHttpTarget(target);
  if (target.type == "mysql") return OpenMysqlTarget(target, key);
  if (target.type == "file") return std::unique_ptr<DeliveryTarget>(new FileTarget(target));
  return Status::Invalid("未知的推送目标类型 " + target.type);
}

}  // namespace onetable

#include "delivery/batch_content.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "model/sha256.h"

namespace onetable {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& w, const std::string& s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

std::string Done(rapidjson::StringBuffer& buf) {
  return std::string(buf.GetString(), buf.GetSize());
}

Status Bad(const std::string& what) { return Status::Invalid("推送批次内容有误：" + what); }

}  // namespace

std::string KeyHash(const std::string& key) { return Sha256Hex(key).substr(0, 32); }

std::string RowHash(const std::vector<std::string>& columns,
                    const std::vector<std::string>& cells) {
  std::string text;
  for (const std::string& c : columns) text += c + '\x1f';
  text += '\x1e';
  for (const std::string& c : cells) text += c + '\x1f';
  return Sha256Hex(text).substr(0, 32);
}

std::string ChangeJson(const std::vector<std::string>& columns, const Change& change) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("op");
  w.String(change.upsert ? "upsert" : "delete");
  w.Key("key");
  Str(w, change.key);
  if (change.upsert) {
    w.Key("row");
    w.StartObject();
    for (size_t i = 0; i < columns.size() && i < change.cells.size(); ++i) {
      Str(w, columns[i]);
      Str(w, change.cells[i]);
    }
    w.EndObject();
  }
  w.EndObject();
  return Done(buf);
}

std::string StateJson(const Change& change, const std::string& key_hash,
                      const std::string& row_hash, int64_t row_id) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartArray();
  w.String(change.upsert ? "u" : "d");
  Str(w, key_hash);
  if (change.upsert) {
    Str(w, row_hash);
    Str(w, change.key);
    w.Int64(row_id);
  }
  w.EndArray();
  return Done(buf);
}

std::string BatchBody(const BatchHeader& header, const std::vector<std::string>& changes) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("delivery");
  Str(w, header.delivery);
  w.Key("batch");
  w.Int64(header.seq);
  w.Key("mapping");
  Str(w, header.mapping);
  w.Key("generated_at");
  Str(w, header.generated_at);
  w.Key("columns");
  w.StartArray();
  for (const std::string& c : header.columns) Str(w, c);
  w.EndArray();
  w.EndObject();
  // The changes are JSON already: splice them in before the closing brace.
  std::string out = Done(buf);
  out.pop_back();
  out += ",\"changes\":[";
  for (size_t i = 0; i < changes.size(); ++i) {
    if (i) out += ',';
    out += changes[i];
  }
  out += "]}";
  return out;
}

std::string BatchState(const std::vector<std::string>& states) {
  std::string out = "[";
  for (size_t i = 0; i < states.size(); ++i) {
    if (i) out += ',';
    out += states[i];
  }
  return out + "]";
}

Result<ParsedBatch> ParseBatchBody(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseStopWhenDoneFlag>(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return Bad("不是 JSON 对象");
  ParsedBatch out;
  auto text = [](const rapidjson::Value& v) {
    return std::string(v.GetString(), v.GetStringLength());
  };
  if (!doc.HasMember("columns") || !doc["columns"].IsArray() || !doc.HasMember("changes") ||
      !doc["changes"].IsArray()) {
    return Bad("缺少 columns 或 changes");
  }
  if (doc.HasMember("delivery") && doc["delivery"].IsString())
    out.header.delivery = text(doc["delivery"]);
  if (doc.HasMember("batch") && doc["batch"].IsInt64()) out.header.seq = doc["batch"].GetInt64();
  if (doc.HasMember("mapping") && doc["mapping"].IsString())
    out.header.mapping = text(doc["mapping"]);
  if (doc.HasMember("generated_at") && doc["generated_at"].IsString()) {
    out.header.generated_at = text(doc["generated_at"]);
  }
  for (const auto& c : doc["columns"].GetArray()) {
    if (!c.IsString()) return Bad("columns 应为文字");
    out.header.columns.push_back(text(c));
  }
  for (const auto& c : doc["changes"].GetArray()) {
    if (!c.IsObject() || !c.HasMember("op") || !c["op"].IsString() || !c.HasMember("key") ||
        !c["key"].IsString()) {
      return Bad("changes 的每一项应有 op 和 key");
    }
    Change change;
    change.upsert = text(c["op"]) == "upsert";
    change.key = text(c["key"]);
    if (change.upsert) {
      if (!c.HasMember("row") || !c["row"].IsObject()) return Bad("upsert 缺少 row");
      const auto& row = c["row"];
      for (const std::string& h : out.header.columns) {
        auto it = row.FindMember(h.c_str());
        change.cells.push_back(it != row.MemberEnd() && it->value.IsString() ? text(it->value)
                                                                             : std::string());
      }
    }
    out.changes.push_back(std::move(change));
  }
  return out;
}

Status ParseBatchState(const std::string& state, std::vector<DeliveryKeyState>* upserts,
                       std::vector<std::string>* delete_hashes) {
  rapidjson::Document doc;
  doc.Parse(state.data(), state.size());
  if (doc.HasParseError() || !doc.IsArray()) return Bad("状态不是 JSON 数组");
  for (const auto& e : doc.GetArray()) {
    if (!e.IsArray() || e.Size() < 2 || !e[0].IsString() || !e[1].IsString()) {
      return Bad("状态项格式不对");
    }
    const std::string op(e[0].GetString(), e[0].GetStringLength());
    const std::string hash(e[1].GetString(), e[1].GetStringLength());
    if (op == "d") {
      delete_hashes->push_back(hash);
    } else if ((e.Size() == 4 || (e.Size() == 5 && e[4].IsInt64())) && e[2].IsString() &&
               e[3].IsString()) {
      // A state stored before the row id was kept has four elements: its row is not known.
      upserts->push_back({hash, std::string(e[2].GetString(), e[2].GetStringLength()),
                          std::string(e[3].GetString(), e[3].GetStringLength()),
                          e.Size() == 5 ? e[4].GetInt64() : 0});
    } else {
      return Bad("状态项格式不对");
    }
  }
  return Status::Ok();
}

}  // namespace onetable

#include "ingest/content_hash.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "model/sha256.h"

namespace onetable {

std::string RecordHash(const SourceFields& fields, std::string_view salt) {
  std::vector<const std::pair<std::string, std::optional<std::string>>*> sorted;
  sorted.reserve(fields.size());
  for (const auto& f : fields) sorted.push_back(&f);
  std::sort(sorted.begin(), sorted.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  std::string canon;
  canon.append(salt);
  canon += '\n';
  for (const auto* f : sorted) {
    canon += std::to_string(f->first.size()) + ':' + f->first;
    if (f->second) {
      canon += '=' + std::to_string(f->second->size()) + ':' + *f->second;
    } else {
      canon += "=null";
    }
    canon += ';';
  }
  return Sha256Hex(canon);
}

std::string RecordJson(const SourceFields& fields) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  for (const auto& [k, v] : fields) {
    w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    if (v) {
      w.String(v->c_str(), static_cast<rapidjson::SizeType>(v->size()));
    } else {
      w.Null();
    }
  }
  w.EndObject();
  return buf.GetString();
}

}  // namespace onetable

#include "delivery/delivery_entries.h"

#include <algorithm>
#include <filesystem>

#include "mapping/table_access.h"
#include "onetable/text.h"

namespace onetable {
namespace fs = std::filesystem;

DeliveryEntry LoadDeliveryEntry(const std::string& path, const AppContext& app) {
  DeliveryEntry entry;
  entry.path = path;
  Result<DeliverySpec> spec = LoadDeliverySpec(path);
  if (!spec.ok()) {
    entry.id = fs::path(path).stem().string();
    entry.problem = spec.status();
    return entry;
  }
  entry.id = spec->id;
  if (!ValidMappingId(spec->mapping)) {
    entry.problem =
        Status::Invalid(path + ": mapping “" + spec->mapping + "” 不是报表编号（部门/表名）");
    return entry;
  }
  Result<mapping::MappingSpec> mapping = LoadMappingById(app, spec->mapping);
  if (!mapping.ok()) {
    entry.problem = mapping.status().code() == StatusCode::kNotFound
                        ? Status::Invalid(path + ": 找不到报表映射 " + spec->mapping)
                        : mapping.status();
    return entry;
  }
  Status fits = CheckAgainstMapping(*spec, *mapping);
  if (!fits.ok()) {
    entry.problem = fits;
    return entry;
  }
  entry.spec.emplace(std::move(*spec));
  return entry;
}

Result<std::vector<DeliveryEntry>> ListDeliveries(const AppContext& app) {
  const std::string& dir = app.settings.deliveries_dir;
  std::vector<DeliveryEntry> out;
  if (dir.empty()) return out;
  std::error_code ec;
  std::vector<std::string> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".yaml") {
      files.push_back(it->path().string());
    }
  }
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory) return out;
    return Status::Invalid("无法读取推送配置目录 " + dir + "：" + ec.message());
  }
  std::sort(files.begin(), files.end());
  for (const std::string& file : files) out.push_back(LoadDeliveryEntry(file, app));
  std::stable_sort(out.begin(), out.end(),
                   [](const DeliveryEntry& a, const DeliveryEntry& b) { return a.id < b.id; });
  for (size_t i = 1; i < out.size(); ++i) {
    if (out[i].id == out[i - 1].id && out[i].spec) {
      out[i].spec.reset();
      out[i].problem = Status::Invalid(out[i].path + ": 推送编号 " + out[i].id + " 已由 " +
                                       out[i - 1].path + " 使用");
    }
  }
  return out;
}

Result<DeliveryEntry> FindDelivery(const AppContext& app, const std::string& id) {
  ASSIGN_OR_RETURN(std::vector<DeliveryEntry> all, ListDeliveries(app));
  for (DeliveryEntry& entry : all) {
    if (entry.id == id) return std::move(entry);
  }
  return Status::NotFound("未找到推送 " + id.substr(0, 100));
}

std::vector<std::string> CheckDeliveries(const AppContext& app, int* checked) {
  std::vector<std::string> out;
  *checked = 0;
  Result<std::vector<DeliveryEntry>> all = ListDeliveries(app);
  if (!all.ok()) return {all.status().message()};
  for (const DeliveryEntry& e : *all) {
    ++*checked;
    if (e.spec) continue;
    for (std::string_view line : Split(e.problem.message(), '\n')) {
      if (!line.empty()) out.emplace_back(line);
    }
  }
  return out;
}

}  // namespace onetable

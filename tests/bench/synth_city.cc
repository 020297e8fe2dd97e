// synth_city: the benchmark's synthetic city (see synth_city.h and synth_sinks.h).
//
//   synth_city generate [--persons N] [--seed S] [--today YYYY-MM-DD] [--district CODE]
//                       [--schema DIR] --out DIR
//       writes the register and the department exports to DIR and prints a JSON summary
//   synth_city load-tree --city DIR --store URL [--schema DIR]
//       writes the tree of DIR/grids.csv and DIR/households.csv (district down to households,
//       no persons) into a migrated, empty store: the register the person import fills
//
// Exit codes: 0 done, 1 failed, 2 bad usage.
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>

#include "store/store.h"
#include "synth_sinks.h"

namespace onetable::bench {
namespace {

struct Args {
  std::string verb;
  std::map<std::string, std::string> flags;
};

bool ParseArgs(int argc, char** argv, Args* args) {
  if (argc < 2) return false;
  args->verb = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0 || i + 1 >= argc) return false;
    args->flags[a.substr(2)] = argv[++i];
  }
  return true;
}

std::string Flag(const Args& args, const std::string& name, const std::string& fallback) {
  auto it = args.flags.find(name);
  return it == args.flags.end() ? fallback : it->second;
}

int Usage() {
  std::cerr << "用法：synth_city generate [--persons N] [--seed S] [--today YYYY-MM-DD] "
               "[--district 代码] [--schema 目录] --out 目录\n"
               "      synth_city load-tree --city 目录 --store URL [--schema 目录]\n";
  return 2;
}

int Fail(const Status& st) {
  std::cerr << "synth_city：" << st.message() << "\n";
  return 1;
}

std::string StatsJson(const CityStats& s, double seconds) {
  auto share = [&](int64_t n) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", s.persons ? static_cast<double>(n) / s.persons : 0.0);
    return std::string(buf);
  };
  std::string j =
      "{\"persons\": " + std::to_string(s.persons) +
      ", \"households\": " + std::to_string(s.households) +
      ", \"buildings\": " + std::to_string(s.buildings) +
      ", \"grids\": " + std::to_string(s.grids) +
      ", \"communities\": " + std::to_string(s.communities) +
      ", \"streets\": " + std::to_string(s.streets) + ", \"share_60_plus\": " + share(s.aged_60) +
      ", \"share_80_plus\": " + share(s.aged_80) + ", \"share_floating\": " + share(s.floating) +
      ", \"share_male\": " + share(s.male) + ", \"share_minority\": " + share(s.minority) +
      ", \"deceased\": " + std::to_string(s.deceased) +
      ", \"rare_names\": " + std::to_string(s.rare_names);
  char mean[32];
  std::snprintf(mean, sizeof mean, "%.2f",
                s.households ? static_cast<double>(s.persons) / s.households : 0.0);
  j += ", \"mean_household_size\": " + std::string(mean) + ", \"household_sizes\": {";
  for (size_t i = 1; i < s.household_sizes.size(); ++i) {
    j +=
        (i > 1 ? ", \"" : "\"") + std::to_string(i) + "\": " + std::to_string(s.household_sizes[i]);
  }
  j += "}, \"tags\": {";
  for (size_t i = 0; i < s.tags.size(); ++i) {
    j += (i ? ", \"" : "\"") + s.tags[i].first + "\": " + std::to_string(s.tags[i].second);
  }
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.2f", seconds);
  return j + "}, \"seconds\": " + secs + "}";
}

int Generate(const Args& args, const std::string& schema) {
  SynthOptions options;
  options.persons = std::atoi(Flag(args, "persons", "1000000").c_str());
  options.seed =
      std::strtoull(Flag(args, "seed", std::to_string(options.seed)).c_str(), nullptr, 10);
  options.today = Flag(args, "today", options.today);
  options.district = Flag(args, "district", options.district);
  std::string out = Flag(args, "out", "");
  if (out.empty()) return Usage();
  auto catalog = Catalog::Load(schema);
  if (!catalog.ok()) return Fail(catalog.status());
  auto divisions = Divisions::Load(schema + "/divisions");
  if (!divisions.ok()) return Fail(divisions.status());
  Date today;
  if (ParseDate(options.today, &today)) return Usage();

  auto start = std::chrono::steady_clock::now();
  Outsiders outsiders(options.seed ^ 0x6F7574736964ULL, *divisions, today, options.district);
  RegisterCsvSink register_sink(*catalog, out);
  auto minzheng = MakeMinzhengSink(*catalog, &outsiders, options.seed ^ 0x6D696E7AULL, out);
  auto canlian = MakeCanlianSink(*catalog, &outsiders, options.seed ^ 0x63616E6CULL, out);
  auto gongan = MakeGonganSink(&outsiders, options.seed ^ 0x676F6E67ULL, out);
  auto weijian = MakeUnkeyedSink(&outsiders, options.seed ^ 0x7765696AULL, today, out);
  auto stats = SynthesizeCity(
      options, *divisions,
      {&register_sink, minzheng.get(), canlian.get(), gongan.get(), weijian.get()});
  if (!stats.ok()) return Fail(stats.status());
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::string json = StatsJson(*stats, seconds);
  std::ofstream(out + "/summary.json") << json << "\n";
  std::cout << json << "\n";
  return 0;
}

}  // namespace

int LoadTree(const std::string& city_dir, const std::string& store_url, const Catalog& catalog);

}  // namespace onetable::bench

int main(int argc, char** argv) {
  using namespace onetable::bench;
  Args args;
  if (!ParseArgs(argc, argv, &args)) return Usage();
  std::string schema = Flag(args, "schema", std::string(ONETABLE_SOURCE_DIR) + "/schema");
  if (args.verb == "generate") return Generate(args, schema);
  if (args.verb == "load-tree") {
    std::string city = Flag(args, "city", ""), store = Flag(args, "store", "");
    if (city.empty() || store.empty()) return Usage();
    auto catalog = onetable::Catalog::Load(schema);
    if (!catalog.ok()) return Fail(catalog.status());
    return LoadTree(city, store, *catalog);
  }
  return Usage();
}

// The files the benchmark city is written to (all in one output directory):
//   register.csv      the register as a full population export (UTF-8, labels for codes)
//   grids.csv         the tree down to grids; households.csv: buildings and households
//   minzheng.csv      民政: 低保 and 高龄津贴 recipients, GBK, CRLF, the way 民政's system exports
//                     them: 15-digit and lower-case-x ID numbers, dates in five formats, changed
//                     phones, address variants, a few invalid rows, some persons who moved away
//   canlian.xlsx      残联: 持证残疾人 with a title row, dates as Excel dates, a few ID numbers
//                     that Excel turned into numbers
//   gongan_ldrk.tsv   公安 流动人口 for LOAD DATA LOCAL INFILE into the table gongan_ldrk.sql
//                     creates, including persons who left (zxbs=1)
// Each department export overlaps the register and the others, with some values that differ.
// Not thread-safe; one sink per run.
#ifndef ONETABLE_TESTS_BENCH_SYNTH_SINKS_H_
#define ONETABLE_TESTS_BENCH_SYNTH_SINKS_H_

#include <cstdio>
#include <functional>
#include <memory>
#include <string>

#include "demo/demo_random.h"
#include "synth_city.h"

namespace onetable::bench {

// A file written through a large buffer: callers append to buffer() and call MaybeFlush.
class BufferedFile {
 public:
  static constexpr size_t kFlushAt = 1 << 20;
  BufferedFile() = default;
  BufferedFile(const BufferedFile&) = delete;
  BufferedFile& operator=(const BufferedFile&) = delete;
  ~BufferedFile();
  Status Open(const std::string& path);
  std::string& buffer() { return buffer_; }
  Status MaybeFlush();
  Status Flush();
  Status Close();

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  std::string buffer_;
};

class RegisterCsvSink : public CitySink {
 public:
  // `catalog` must outlive the sink.
  RegisterCsvSink(const Catalog& catalog, std::string dir);
  Status Begin(const Division& district) override;
  Status Grid(const GridOut& grid) override;
  Status Building(const BuildingOut& building) override;
  Status Finish() override;

 private:
  const Catalog& catalog_;
  std::string dir_;
  Division district_;
  BufferedFile persons_, grids_, households_;
};

// Persons who do not live in the register's city (moved away, or never registered there) but
// still appear in a department's export. Their own PRNG: drawing them never changes the city.
class Outsiders {
 public:
  Outsiders(uint64_t seed, const Divisions& divisions, const Date& today,
            const std::string& district);
  ~Outsiders();
  // The next living person drawn who `fits` (the first drawn when none of 2,000 does), as if
  // they lived at `address`, with tags as AddDemoTags gives them.
  const demo::PersonDraft& Next(const std::string& community_code, const std::string& address,
                                const std::function<bool(const demo::PersonDraft&)>& fits);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// A mobile number, not checked for uniqueness: a person's new phone.
std::string SomePhone(DemoRandom& rng);
// The same address as a clerk elsewhere typed it: 幢 for 栋, a trailing 室, full-width digits.
std::string AddressVariant(DemoRandom& rng, std::string address);

// 卫健's health records (weijian.csv, UTF-8): persons WITHOUT an ID number — 档案编号, 姓名, 性别,
// 出生日期, 联系电话, 现住址 — about one living person in 170, with the slips such exports have
// (see synth_unkeyed.cc), and weijian_truth.csv: for each data line, the ID number of the
// person it is about ("" for a person the register does not have) and the kind of slip: the
// labels the benchmark's identity rows are measured against.
std::unique_ptr<CitySink> MakeUnkeyedSink(Outsiders* outsiders, uint64_t seed,
                                          const Date& today, const std::string& dir);

// The three department exports. `seed` drives their own choices (who has a new phone, which ID
// is written in 15 digits...), independent of the city's.
std::unique_ptr<CitySink> MakeMinzhengSink(const Catalog& catalog, Outsiders* outsiders,
                                           uint64_t seed, const std::string& dir);
std::unique_ptr<CitySink> MakeCanlianSink(const Catalog& catalog, Outsiders* outsiders,
                                          uint64_t seed, const std::string& dir);
std::unique_ptr<CitySink> MakeGonganSink(Outsiders* outsiders, uint64_t seed,
                                         const std::string& dir);

}  // namespace onetable::bench

#endif  // ONETABLE_TESTS_BENCH_SYNTH_SINKS_H_

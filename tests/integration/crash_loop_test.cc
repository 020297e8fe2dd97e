// Crash loops: `onetable import` killed with SIGKILL at random moments, again and again, on the
// store ONETABLE_TEST_STORE selects. After every kill the store must be intact (SQLite's
// integrity_check, MariaDB's CHECK TABLE), hold whole batches only (the run's committed counters
// match the rows), and the next run must go on from there, so that in the end every row is in the
// register exactly once with its latest values. ONETABLE_KILL_LOOPS sets the number of kills (20
// here, 200 in the benchmark's robustness section); ONETABLE_KILL_SEED replays a sequence.
//
// The kill moment is random but the test does not race: it waits until the run has committed at
// least a random number of rows (or has finished), then kills; whatever the process was doing
// at that instant, the checks must hold. Its work is bounded: runs resume after the last
// committed batch, so a generation of values is read about once however often it is killed.
//
// Also: a store whose disk fills up (a small tmpfs) fails the import cleanly with a message and
// keeps every batch committed before.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include "cli_runner.h"
#include "raw_store.h"
#include "model/catalog.h"
#include "model/id_number.h"
#include "store/sql_connection.h"
#include "store/store.h"
#include "store/store_url.h"

namespace onetable::testing {
namespace {
namespace fs = std::filesystem;

int64_t Number(SqlConnection& db, const std::string& sql) {
  std::vector<std::string> v = Column(db, sql);
  return v.empty() ? -1 : std::atoll(v[0].c_str());
}

std::string IdOf(int i) {
  char first17[32];
  std::snprintf(first17, sizeof first17, "4205811970%02d%02d%03d", 1 + i / 6000, 1 + (i / 500) % 12,
                i % 500);
  return std::string(first17) + IdCheckCharacter(first17);
}

std::string PhoneOf(int generation, int i) {
  return "13" + std::to_string(generation % 10) + std::to_string(10000000 + i);
}

class CrashLoop : public ::testing::Test {
 protected:
  // MariaDB takes each row several times longer than SQLite on the test machines: a smaller
  // file keeps 20 kills within a couple of minutes there too.
  int kRows = 1000;
  int kBatch = 25;

  void SetUp() override {
    dir_ = MakeTempDir();
    url_ = TestStoreUrl(dir_);
    if (url_.rfind("mysql:", 0) == 0) {
      kRows = 300;
      kBatch = 10;
    }
    CliResult init = RunCli({"--store", url_, "init"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    auto c = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    ASSERT_TRUE(c.ok());
    catalog_ = std::make_unique<Catalog>(std::move(*c));
    WriteFile(dir_ + "/big.yaml",
              "id: big\ntype: csv\noptions: {path: big.csv}\nmatch: {id_number: 身份证号}\n"
              "fields: {name: 姓名, phone: 联系电话}\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void WriteGeneration(int generation) {
    std::string text = "姓名,身份证号,联系电话\n";
    for (int i = 0; i < kRows; ++i) {
      text += "人员" + std::to_string(i) + "," + IdOf(i) + "," + PhoneOf(generation, i) + "\n";
    }
    WriteFile(dir_ + "/big.csv", text);
  }

  // The killed run's lease lapses, as a minute without renewals would make it.
  void ExpireLease() {
    auto store = OpenStore(url_, *catalog_);
    ASSERT_TRUE(store.ok());
    const int64_t later = static_cast<int64_t>(std::time(nullptr)) + 120;
    auto taken = (*store)->AcquireLease("connector:big", "crash-loop", later, 1);
    ASSERT_TRUE(taken.ok() && taken->granted);
    ASSERT_TRUE((*store)->ReleaseLease("connector:big", "crash-loop").ok());
  }

  // The persons as the register reads them (through the store, which decodes what it keeps):
  // id number -> phone. `duplicates` counts id numbers held by more than one person.
  std::map<std::string, std::string> Persons(int* duplicates) {
    std::map<std::string, std::string> out;
    *duplicates = 0;
    auto store = OpenStore(url_, *catalog_);
    EXPECT_TRUE(store.ok());
    if (!store.ok()) return out;
    ListQuery q;
    q.limit = 1000;
    while (true) {
      auto page = (*store)->List(EntityKind::kPerson, q);
      EXPECT_TRUE(page.ok()) << page.status().message();
      if (!page.ok() || page->empty()) break;
      for (const Row& r : *page) {
        auto id = r.values.find("id_number");
        auto phone = r.values.find("phone");
        const std::string key = id == r.values.end() ? "" : id->second;
        if (out.count(key)) ++*duplicates;
        out[key] = phone == r.values.end() ? "" : phone->second;
        q.after_id = r.id;
      }
    }
    return out;
  }
  // How many persons carry `generation`'s phone.
  int64_t Carrying(const std::map<std::string, std::string>& persons, int generation) {
    int64_t n = 0;
    for (int i = 0; i < kRows; ++i) {
      auto it = persons.find(IdOf(i));
      if (it != persons.end() && it->second == PhoneOf(generation, i)) ++n;
    }
    return n;
  }

  std::string dir_, url_;
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(CrashLoop, ImportKilledAtRandomMomentsKeepsWholeBatchesAndEveryRowOnce) {
  const int loops = KillLoops();
  const uint32_t seed = KillSeed();
  std::mt19937 rng(seed);
  SCOPED_TRACE("ONETABLE_KILL_SEED=" + std::to_string(seed));
  auto db = Connect(url_);
  ASSERT_TRUE(db);
  int generation = 0;
  WriteGeneration(generation);
  int64_t gen_first_run = 1;  // the first import_run id of this generation
  int kills = 0, completions = 0;
  const auto started = std::chrono::steady_clock::now();
  while (kills < loops) {
    // A moment within what is left of this generation's file (a run resumes after the last
    // committed batch), or, one time in four, no kill: the run completes and a new generation
    // of values begins, so kills land on creates and on updates alike.
    const int64_t left = kRows - Number(*db, "SELECT COALESCE(SUM(read_count), 0) FROM import_run "
                                             "WHERE source = 'big' AND id >= " +
                                                 std::to_string(gen_first_run));
    const int64_t threshold =
        std::uniform_int_distribution<int>(0, 3)(rng) == 0
            ? kRows + 1
            : std::uniform_int_distribution<int64_t>(0, std::max<int64_t>(left - 1, 0))(rng);
    // This run's own row (the killed runs before it stay 'running' until it marks them).
    const std::string this_run = " FROM import_run WHERE id > " +
                                 std::to_string(Number(*db, "SELECT COALESCE(MAX(id), 0) FROM import_run"));
    const pid_t pid = StartCli(
        {"--store", url_, "import", dir_ + "/big.yaml", "--batch", std::to_string(kBatch)},
        dir_ + "/import.log");
    ASSERT_GT(pid, 0);
    int status = 0;
    bool exited = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!exited) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << ReadFile(dir_ + "/import.log");
      if (waitpid(pid, &status, WNOHANG) == pid) {
        exited = true;
        break;
      }
      if (Number(*db, "SELECT COUNT(*)" + this_run) > 0 &&
          Number(*db, "SELECT MAX(read_count)" + this_run) >= threshold) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (!exited) {
      ASSERT_EQ(kill(pid, SIGKILL), 0);
      ASSERT_EQ(waitpid(pid, &status, 0), pid);
      exited = !WIFSIGNALED(status);  // it may have finished just before the signal
      if (!exited) ++kills;
    }
    // Killed after its run was marked done (on its way out): a completed run all the same.
    const bool done = Column(*db, "SELECT status" + this_run) == std::vector<std::string>{"done"};
    SCOPED_TRACE("kill " + std::to_string(kills) + ", generation " + std::to_string(generation));
    EXPECT_EQ(IntegrityProblems(*db), std::vector<std::string>{});
    // No person twice, none beyond the file.
    int duplicates = 0;
    const std::map<std::string, std::string> persons = Persons(&duplicates);
    EXPECT_EQ(duplicates, 0);
    EXPECT_LE(static_cast<int64_t>(persons.size()), kRows);
    // Whole batches only: what the runs of this generation counted as committed is exactly the
    // rows that carry this generation's values.
    const std::string gen_runs = " FROM import_run WHERE source = 'big' AND id >= " +
                                 std::to_string(gen_first_run);
    const int64_t counted = Number(*db, "SELECT COALESCE(SUM(new_count + updated_count), 0)" +
                                            gen_runs);
    const int64_t carried = Carrying(persons, generation);
    EXPECT_EQ(counted, carried);
    const int64_t read = Number(*db, "SELECT COALESCE(SUM(read_count), 0)" + gen_runs);
    std::string runs;
    for (const std::string& r :
         Column(*db, "SELECT id || ' ' || status || ' read ' || read_count || ' new ' || new_count "
                     "|| ' upd ' || updated_count || ' same ' || unchanged_count" + gen_runs)) {
      runs += r + "\n";
    }
    // A run killed after its last batch but before it was marked done makes the next one read
    // the file again from the start: every row unchanged, so a generation may read more than
    // kRows, but never changes a row twice (counted == carried).
    if (!exited && !done) {
      for (const std::string& read_count : Column(*db, "SELECT read_count" + this_run)) {
        EXPECT_EQ(std::atoll(read_count.c_str()) % kBatch, 0) << "a half batch";
      }
      ASSERT_NO_FATAL_FAILURE(ExpireLease());
    } else {
      if (!exited) {
        ASSERT_NO_FATAL_FAILURE(ExpireLease());
      } else {
        ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
            << ReadFile(dir_ + "/import.log");
      }
      // A completed generation: every row read over its runs, and every person has it.
      EXPECT_GE(read, kRows) << runs;
      EXPECT_EQ(carried, kRows) << runs;
      ++completions;
      ++generation;
      WriteGeneration(generation);
      gen_first_run = Number(*db, "SELECT MAX(id) FROM import_run") + 1;
    }
    if (HasFatalFailure() || HasFailure()) break;
  }
  // The last run completes, and the register holds every row once, with the latest values.
  ExpireLease();
  CliResult last = RunCli({"--store", url_, "import", dir_ + "/big.yaml"});
  ASSERT_EQ(last.exit_code, 0) << last.err;
  int duplicates = 0;
  const std::map<std::string, std::string> persons = Persons(&duplicates);
  EXPECT_EQ(duplicates, 0);
  EXPECT_EQ(static_cast<int64_t>(persons.size()), kRows);
  EXPECT_EQ(Carrying(persons, generation), kRows);
  EXPECT_EQ(Number(*db, "SELECT COUNT(*) FROM source_record WHERE source = 'big'"), kRows);
  EXPECT_EQ(IntegrityProblems(*db), std::vector<std::string>{});
  std::cerr << "crash loop: " << kills << " kills, " << completions << " completed runs in "
            << std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::steady_clock::now() - started)
                   .count()
            << " s (seed " << seed << ")\n";
}

// A disk that fills: the SQLite store on a 3 MB tmpfs. The import fails with a message that
// says so; every batch committed before the disk filled is there, whole, and the store is
// intact; with room again, the next run completes.
TEST_F(CrashLoop, DiskFullFailsTheImportCleanlyAndKeepsWhatWasCommitted) {
  // On SQLite only (tests/CMakeLists.txt): a MySQL server's disk is the server's. Its own store
  // on a small tmpfs, whatever ONETABLE_TEST_STORE says.
  const std::string mnt = dir_ + "/small";
  fs::create_directories(mnt);
  // A 3 MB tmpfs needs root with CAP_SYS_ADMIN; where a container lacks it, a 3 MB file-size
  // limit inherited by the import (EFBIG instead of ENOSPC: SQLite's I/O error path) fills the
  // "disk" the same way. Both must end the run cleanly with every committed batch kept.
  const bool mounted = ::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=3m") == 0;
  if (!mounted) {
    ASSERT_TRUE(errno == EPERM || errno == EACCES) << "mount: " << std::strerror(errno);
    std::cerr << "disk full: no tmpfs here (" << std::strerror(errno)
              << "), limiting the file size instead\n";
  }
  struct Unmount {
    std::string path;
    bool mounted;
    ~Unmount() {
      if (mounted) ::umount2(path.c_str(), MNT_DETACH);
    }
  } unmount{mnt, mounted};
  const std::string url = "sqlite:" + mnt + "/register.db";
  CliResult init = RunCli({"--store", url, "init"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  // Rows big enough to fill 3 MB well before the end.
  std::string text = "姓名,身份证号,联系电话,现住址\n";
  const std::string filler(300, 'x');
  for (int i = 0; i < 20000; ++i) {
    text += "人员" + std::to_string(i) + "," + IdOf(i) + "," + PhoneOf(0, i) + ",住址" + filler +
            "\n";
  }
  WriteFile(dir_ + "/big.csv", text);
  WriteFile(dir_ + "/big.yaml",
            "id: big\ntype: csv\noptions: {path: big.csv}\nmatch: {id_number: 身份证号}\n"
            "fields: {name: 姓名, phone: 联系电话}\n");
  CliResult full;
  if (mounted) {
    full = RunCli({"--store", url, "import", dir_ + "/big.yaml", "--batch", "100"});
  } else {
    // The child inherits the limit and the ignored SIGXFSZ (so a write past it fails with EFBIG
    // instead of killing the process); this process writes no big file meanwhile.
    rlimit saved{};
    ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
    auto* previous = ::signal(SIGXFSZ, SIG_IGN);
    rlimit small = saved;
    small.rlim_cur = 3 << 20;
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
    full = RunCli({"--store", url, "import", dir_ + "/big.yaml", "--batch", "100"});
    ::setrlimit(RLIMIT_FSIZE, &saved);
    ::signal(SIGXFSZ, previous);
  }
  EXPECT_NE(full.exit_code, 0) << full.out;
  EXPECT_NE(full.err.find("磁盘"), std::string::npos) << full.err;
  auto db = Connect(url);
  ASSERT_TRUE(db);
  EXPECT_EQ(Column(*db, "PRAGMA integrity_check"), (std::vector<std::string>{"ok"}));
  const int64_t persons = Number(*db, "SELECT COUNT(*) FROM person");
  EXPECT_GT(persons, 0);
  EXPECT_LT(persons, 20000);
  EXPECT_EQ(persons % 100, 0) << "a half batch";
  EXPECT_EQ(Number(*db, "SELECT SUM(new_count) FROM import_run"), persons);
  db.reset();
  // Room again: the rest goes in, nothing twice.
  if (mounted) ASSERT_EQ(::mount("tmpfs", mnt.c_str(), "tmpfs", MS_REMOUNT, "size=64m"), 0);
  auto catalog = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
  auto store = OpenStore(url, *catalog);
  ASSERT_TRUE(store.ok());
  const int64_t later = static_cast<int64_t>(std::time(nullptr)) + 120;
  auto taken = (*store)->AcquireLease("connector:big", "disk-full", later, 1);
  if (taken.ok() && taken->granted) (*store)->ReleaseLease("connector:big", "disk-full").IgnoreError();
  store->reset();
  CliResult rest = RunCli({"--store", url, "import", dir_ + "/big.yaml", "--batch", "100"});
  ASSERT_EQ(rest.exit_code, 0) << rest.err;
  db = Connect(url);
  EXPECT_EQ(Number(*db, "SELECT COUNT(*) FROM person"), 20000);
  EXPECT_EQ(Number(*db, "SELECT COUNT(*) FROM source_record WHERE source = 'big'"), 20000);
}

}  // namespace
}  // namespace onetable::testing

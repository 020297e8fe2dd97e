// Several `onetable serve` processes on one register (DESIGN §4: the service is stateless over
// its store): real processes on loopback, clients spread over them the way a load balancer
// spreads them.
//
//   ONETABLE_TEST_STORE=mysql   two instances on the one MariaDB at ONETABLE_TEST_MYSQL_URL.
//   ONETABLE_TEST_STORE=galera  three instances, instance i on node i of the Galera cluster at
//                               ONETABLE_TEST_GALERA_URLS (ops/galera); the GaleraScaleOut tests
//                               also stop a node mid-test (ops/galera stop 3) and start it again.
//
// What a user relies on: a session begun on one instance works on every other and ends on all
// at logout; failed logins count toward one throttle wherever they land; a scheduled delivery
// runs on one instance only; concurrent
// read-modify-writes with If-Match lose no acknowledged update whichever instances they go
// through; and on Galera, losing a node loses no acknowledged write and the service goes on.
#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "api_harness.h"
#include "cli_runner.h"
#include "model/date.h"
#include "onetable/mysql_url.h"
#include "store/store_url.h"

namespace onetable::testing {
namespace {
namespace fs = std::filesystem;

constexpr char kAdminPassword[] = "Scale-0ut-Test-2026";

// The instances' store URLs, one per instance.
std::vector<std::string> InstanceUrls() {
  const char* store = std::getenv("ONETABLE_TEST_STORE");
  const std::string backend = store ? store : "";
  if (backend == "galera") {
    const char* urls = std::getenv("ONETABLE_TEST_GALERA_URLS");
    if (!urls || !*urls) throw std::runtime_error("ONETABLE_TEST_GALERA_URLS is not set");
    std::istringstream in(urls);
    std::vector<std::string> out;
    for (std::string u; in >> u;) out.push_back(u);
    return out;
  }
  const char* url = std::getenv("ONETABLE_TEST_MYSQL_URL");
  if (!url || !*url) throw std::runtime_error("ONETABLE_TEST_MYSQL_URL is not set");
  return {url, url};
}

// Drops every table of the database at `url`, so the test starts from nothing.
void WipeDatabase(const std::string& url) {
  auto parsed = ParseStoreUrl(url);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  auto db = OpenMysql(parsed->mysql);
  ASSERT_TRUE(db.ok()) << db.status().message();
  std::vector<std::string> tables;
  auto stmt = (*db)->Prepare(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()");
  ASSERT_TRUE(stmt.ok()) << stmt.status().message();
  while (true) {
    auto more = (*stmt)->Step();
    ASSERT_TRUE(more.ok()) << more.status().message();
    if (!*more) break;
    tables.push_back((*stmt)->Text(0).value_or(""));
  }
  ASSERT_TRUE((*db)->Exec("SET FOREIGN_KEY_CHECKS = 0").ok());
  for (const auto& t : tables) ASSERT_TRUE((*db)->Exec("DROP TABLE IF EXISTS `" + t + "`").ok());
  ASSERT_TRUE((*db)->Exec("SET FOREIGN_KEY_CHECKS = 1").ok());
}

// One HTTP call that never throws: status 0 when the instance could not be reached.
Reply CallSafely(int port, const std::string& token, const std::string& method,
                 const std::string& target, const std::string& body = "",
                 const std::string& if_match = "") {
  try {
    ApiClient client(port, token);
    std::map<std::string, std::string> headers;
    if (!if_match.empty()) headers["If-Match"] = if_match;
    return client.Call(method, target, body, headers);
  } catch (const Poco::Exception& e) {
    Reply r;
    r.body = e.displayText();
    return r;
  }
}

struct Instance {
  pid_t pid = 0;
  int port = 0;
  std::string url;
  std::string log;
};

class ScaleOut : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_THROW(urls_ = InstanceUrls());
    dir_ = MakeTempDir();
    WipeDatabase(urls_[0]);
    if (HasFatalFailure()) return;
    CliResult init =
        RunCli({"--store", urls_[0], "init"}, dir_, {{"ONETABLE_ADMIN_PASSWORD", kAdminPassword}});
    ASSERT_EQ(init.exit_code, 0) << init.out << init.err;
    Seed();
    if (HasFatalFailure()) return;
    for (size_t i = 0; i < urls_.size(); ++i) StartInstance(urls_[i]);
  }

  void TearDown() override {
    StopInstances();
    if (HasFailure()) {
      for (const Instance& in : instances_) {
        std::string err = ReadFile(in.log + ".err");
        if (err.size() > 4000) err = err.substr(err.size() - 4000);
        std::printf("--- instance on port %d (%s) ---\n%s\n", in.port,
                    RedactUrlPassword(in.url).c_str(), err.c_str());
      }
    }
    std::filesystem::remove_all(dir_);
  }

  // `config`: a config file for the instance ("" for none: the store URL alone).
  void StartInstance(const std::string& url, const std::string& config = "") {
    Instance in;
    in.url = url;
    in.port = FreePort();
    in.log = dir_ + "/serve-" + std::to_string(instances_.size()) + ".log";
    std::vector<std::string> args;
    if (!config.empty()) args = {"--config", config};
    for (const std::string& a :
         {std::string("--store"), url, std::string("serve"), std::string("--listen"),
          "127.0.0.1:" + std::to_string(in.port)}) {
      args.push_back(a);
    }
    in.pid = StartCli(args, in.log);
    ASSERT_GT(in.pid, 0);
    // Wait for the instance to answer (a condition, not a sleep of a guessed length).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (CallSafely(in.port, "", "GET", "/healthz").status != 200) {
      int status = 0;
      ASSERT_EQ(waitpid(in.pid, &status, WNOHANG), 0)
          << "serve exited: " << ReadFile(in.log + ".err");
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "serve did not answer /healthz";
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    instances_.push_back(in);
  }

  // Stops every instance (their logs stay for TearDown to print).
  void StopInstances() {
    for (Instance& in : instances_) {
      if (in.pid > 0) {
        kill(in.pid, SIGTERM);
        int status = 0;
        waitpid(in.pid, &status, 0);
        in.pid = 0;
      }
    }
  }

  int64_t Add(Store& store, EntityKind kind, int64_t parent,
              std::map<std::string, std::string> values) {
    Row row;
    row.parent_id = parent;
    row.values = std::move(values);
    Result<int64_t> id = store.Insert(kind, row);
    EXPECT_TRUE(id.ok()) << id.status().message();
    return id.ok() ? *id : 0;
  }

  void Seed() {
    auto catalog = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    ASSERT_TRUE(catalog.ok()) << catalog.status().message();
    auto opened = OpenStore(urls_[0], *catalog);
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    Store& s = **opened;
    const int64_t district =
        Add(s, EntityKind::kDistrict, 0, {{"code", "420581"}, {"name", "宜都市"}});
    const int64_t street =
        Add(s, EntityKind::kStreet, district, {{"code", "420581001"}, {"name", "陆城街道"}});
    const int64_t community =
        Add(s, EntityKind::kCommunity, street, {{"code", "420581001001"}, {"name", "东风社区"}});
    const int64_t grid =
        Add(s, EntityKind::kGrid, community, {{"code", "01"}, {"name", "第一网格"}});
    const int64_t building =
        Add(s, EntityKind::kBuilding, grid, {{"name", "1栋"}, {"address", "清江大道1号"}});
    household_ = Add(s, EntityKind::kHousehold, building, {{"household_number", "H-1"}});
    for (int i = 0; i < kPersons; ++i) {
      persons_.push_back(Add(s, EntityKind::kPerson, household_,
                             {{"name", "并发" + std::to_string(i)},
                              {"id_number", MakeIdNumber("19850101", 100 + i)}}));
    }
  }

  // Signs admin in at instance `i`; "" on failure (the test has failed then).
  std::string Login(size_t i) {
    Reply r =
        CallSafely(instances_[i].port, "", "POST", "/api/v1/login",
                   R"({"name": "admin", "password": ")" + std::string(kAdminPassword) + "\"}");
    EXPECT_EQ(r.status, 200) << r.body;
    rapidjson::Document doc = r.Json();
    if (r.status != 200 || !doc.IsObject() || !doc.HasMember("token")) return "";
    return doc["token"].GetString();
  }

  static constexpr int kPersons = 10;
  std::vector<std::string> urls_;
  std::vector<Instance> instances_;
  std::string dir_;
  int64_t household_ = 0;
  std::vector<int64_t> persons_;
};

// Each person's `employer` holds one counter per client (three hex digits each), as in
// api_concurrency_test.cc: a lost update would drop another client's increment.
std::string Encode(const std::vector<int>& counters) {
  std::string out;
  char cell[4];
  for (int c : counters) {
    std::snprintf(cell, sizeof cell, "%03x", c);
    out += cell;
  }
  return out;
}

bool Decode(const std::string& text, size_t clients, std::vector<int>* counters) {
  counters->assign(clients, 0);
  if (text.empty()) return true;
  if (text.size() != clients * 3) return false;
  for (size_t i = 0; i < clients; ++i) {
    (*counters)[i] = std::stoi(text.substr(i * 3, 3), nullptr, 16);
  }
  return true;
}

std::string Employer(const rapidjson::Document& doc) {
  if (!doc.IsObject() || !doc.HasMember("fields")) return "";
  auto it = doc["fields"].FindMember("employer");
  return it == doc["fields"].MemberEnd() || !it->value.IsString() ? "" : it->value.GetString();
}

// The outcome of a read-modify-write run over the instances.
struct WriteRun {
  std::vector<std::vector<int>> acked;    // [client][person]: 200s
  std::vector<std::vector<int>> unknown;  // [client][person]: writes with no answer (5xx, reset)
  int conflicts = 0;                      // 412 (stale) and 409 (aborted, rolled back)
  std::string failure;                    // the first unexpected answer
};

// `clients` threads, client c starting at instance c % N, make `updates` acknowledged updates
// in all. A client that gets no answer or a 5xx from an instance moves to the next one, as a
// load balancer's health check would; `after_acks` runs once when `trigger_at` updates are
// acknowledged (0: never).
WriteRun ReadModifyWrite(const std::vector<Instance>& instances, const std::string& token,
                         const std::vector<int64_t>& persons, int clients, int updates,
                         int trigger_at = 0, const std::function<void()>& after_acks = {}) {
  WriteRun run;
  run.acked.assign(clients, std::vector<int>(persons.size(), 0));
  run.unknown.assign(clients, std::vector<int>(persons.size(), 0));
  std::atomic<int> claimed{0}, acknowledged{0}, conflicts{0};
  std::atomic<bool> triggered{false};
  std::mutex failure_mu;
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c]() {
      size_t at = static_cast<size_t>(c) % instances.size();
      std::mt19937 rng(4321 + c);
      std::uniform_int_distribution<size_t> pick(0, persons.size() - 1);
      auto fail = [&](const std::string& what) {
        std::lock_guard<std::mutex> lock(failure_mu);
        if (run.failure.empty()) run.failure = "client " + std::to_string(c) + ": " + what;
      };
      int hops = 0;
      while (claimed.fetch_add(1) < updates) {
        const size_t p = pick(rng);
        const std::string path = "/api/v1/persons/" + std::to_string(persons[p]);
        bool done = false;
        for (int attempt = 0; attempt < 2000 && !done; ++attempt) {
          if (hops > 200) return fail("no instance answers");
          const int port = instances[at].port;
          Reply read = CallSafely(port, token, "GET", path);
          if (read.status == 0 || read.status >= 500) {
            at = (at + 1) % instances.size();
            ++hops;
            continue;
          }
          std::vector<int> counters;
          if (read.status != 200 || !Decode(Employer(read.Json()), run.acked.size(), &counters)) {
            return fail("read " + std::to_string(read.status) + " " + read.body);
          }
          ++counters[c];
          Reply write = CallSafely(port, token, "PUT", path,
                                   R"({"fields": {"employer": ")" + Encode(counters) + "\"}}",
                                   read.Header("ETag"));
          if (write.status == 200) {
            ++run.acked[c][p];
            done = true;
            const int n = ++acknowledged;
            if (trigger_at > 0 && n >= trigger_at && !triggered.exchange(true) && after_acks) {
              after_acks();
            }
          } else if (write.status == 412 || write.status == 409) {
            ++conflicts;
          } else if (write.status == 0 || write.status >= 500) {
            // The write may or may not have committed: the next read tells.
            ++run.unknown[c][p];
            at = (at + 1) % instances.size();
            ++hops;
          } else {
            return fail("write " + std::to_string(write.status) + " " + write.body);
          }
        }
        if (!done) return fail("no acknowledged write after 2000 attempts");
      }
    });
  }
  for (std::thread& t : threads) t.join();
  run.conflicts = conflicts.load();
  return run;
}

// Every acknowledged update is in the register, read through `port`: each counter is at least
// what its client was told and at most that plus its unanswered writes, and each version is one
// more than the updates applied.
void ExpectNothingLost(int port, const std::string& token, const std::vector<int64_t>& persons,
                       const WriteRun& run) {
  const size_t clients = run.acked.size();
  for (size_t p = 0; p < persons.size(); ++p) {
    Reply r = CallSafely(port, token, "GET", "/api/v1/persons/" + std::to_string(persons[p]));
    ASSERT_EQ(r.status, 200) << r.body;
    rapidjson::Document doc = r.Json();
    std::vector<int> counters;
    ASSERT_TRUE(Decode(Employer(doc), clients, &counters)) << Employer(doc);
    int applied = 0;
    for (size_t c = 0; c < clients; ++c) {
      EXPECT_GE(counters[c], run.acked[c][p]) << "client " << c << ", person " << p << ": lost";
      EXPECT_LE(counters[c], run.acked[c][p] + run.unknown[c][p]) << "client " << c;
      applied += counters[c];
    }
    EXPECT_EQ(doc["version"].GetInt64(), 1 + applied) << "person " << p;
  }
}

int Total(const std::vector<std::vector<int>>& counts) {
  int n = 0;
  for (const auto& row : counts) {
    for (int v : row) n += v;
  }
  return n;
}

using MysqlScaleOut = ScaleOut;

TEST_F(MysqlScaleOut, SessionBegunOnOneInstanceWorksOnAllAndEndsOnAll) {
  const std::string token = Login(0);
  ASSERT_FALSE(token.empty());
  for (const Instance& in : instances_) {
    Reply me = CallSafely(in.port, token, "GET", "/api/v1/me");
    EXPECT_EQ(me.status, 200) << "port " << in.port << ": " << me.body;
    EXPECT_NE(me.body.find("\"admin\""), std::string::npos) << me.body;
  }
  Reply out = CallSafely(instances_.back().port, token, "POST", "/api/v1/logout", "{}");
  ASSERT_EQ(out.status, 200) << out.body;
  for (const Instance& in : instances_) {
    EXPECT_EQ(CallSafely(in.port, token, "GET", "/api/v1/me").status, 401) << "port " << in.port;
  }
}

TEST_F(MysqlScaleOut, FailedLoginsOnDifferentInstancesCountTowardOneThrottle) {
  // An account's first five wrong passwords are free and the sixth starts a wait
  // (auth/login_throttle.h), wherever each lands: a guesser gains nothing by going round the
  // load balancer. The sixth goes to an instance that saw only some of the five, so its
  // Retry-After shows that it counted the others' too.
  for (int i = 0; i < 5; ++i) {
    Reply r =
        CallSafely(instances_[i % instances_.size()].port, "", "POST", "/api/v1/login",
                   R"({"name": "admin", "password": "wrong-password-)" + std::to_string(i) + "\"}");
    ASSERT_EQ(r.status, 401) << r.body;
    EXPECT_EQ(r.Header("Retry-After"), "") << "failure " << i + 1 << " is still free";
  }
  Reply sixth = CallSafely(instances_[5 % instances_.size()].port, "", "POST", "/api/v1/login",
                           R"({"name": "admin", "password": "wrong-password-5"})");
  ASSERT_EQ(sixth.status, 401) << sixth.body;
  EXPECT_NE(sixth.Header("Retry-After"), "") << "the sixth failure in a row must start a wait";
}

TEST_F(MysqlScaleOut, ConcurrentIfMatchWritesThroughSeveralInstancesLoseNothing) {
  const std::string token = Login(0);
  ASSERT_FALSE(token.empty());
  const int clients = 8;
  const int updates = instances_.size() > 2 ? 300 : 600;
  WriteRun run = ReadModifyWrite(instances_, token, persons_, clients, updates);
  ASSERT_EQ(run.failure, "");
  EXPECT_EQ(Total(run.acked), updates);
  EXPECT_EQ(Total(run.unknown), 0) << "an instance failed a write with a healthy store";
  for (const Instance& in : instances_) {
    ExpectNothingLost(in.port, token, persons_, run);
  }
  EXPECT_GT(run.conflicts, 0) << "the clients never raced";
  std::printf("%zu instances: %d updates acknowledged, %d refused as stale or aborted\n",
              instances_.size(), Total(run.acked), run.conflicts);
}

// The value of the series `name` (exactly, labels included) in an instance's /metrics; -1 when
// the instance does not answer or has no such series.
int64_t MetricValue(int port, const std::string& name) {
  Reply r = CallSafely(port, "", "GET", "/metrics");
  if (r.status != 200) return -1;
  std::istringstream in(r.body);
  for (std::string line; std::getline(in, line);) {
    if (line.size() > name.size() && line.compare(0, name.size(), name) == 0 &&
        line[name.size()] == ' ') {
      return std::stoll(line.substr(name.size() + 1));
    }
  }
  return -1;
}

// A delivery with a schedule is due on every instance at once; it runs on one of them only, and
// the others, looking again, find it done.
TEST_F(MysqlScaleOut, AScheduledDeliveryRunsOnceWhateverTheInstances) {
  StopInstances();
  instances_.clear();
  fs::create_directories(dir_ + "/mappings/test");
  fs::create_directories(dir_ + "/deliveries");
  fs::create_directories(dir_ + "/drop");
  WriteFile(dir_ + "/mappings/test/push.yaml",
            "id: test/push\ntitle: 推送测试表\ndepartment: 测试部门\npurpose: 测试推送\n"
            "grain: person\nas_of: \"" + Today().ToString() + "\"\nwhere: alive\n"
            "order_by: [id_number]\ncolumns:\n"
            "  - {header: 公民身份号码, value: id_number}\n  - {header: 姓名, value: name}\n");
  WriteFile(dir_ + "/deliveries/d.yaml",
            "id: d\ntitle: 定时推送\nmapping: test/push\nkey: 公民身份号码\n"
            "schedule: every 1h\ntarget: {type: file, dir: " + dir_ + "/drop, format: csv}\n");
  const std::string config = dir_ + "/onetable.yaml";
  WriteFile(config, "schema: " ONETABLE_SOURCE_DIR "/schema\nmappings: " + dir_ +
                        "/mappings\ndeliveries: " + dir_ + "/deliveries\n");
  // Every instance looks for due deliveries every 50 ms.
  setenv("ONETABLE_DELIVERY_TICK_MS", "50", 1);
  for (const std::string& url : urls_) StartInstance(url, config);
  unsetenv("ONETABLE_DELIVERY_TICK_MS");
  if (HasFatalFailure()) return;

  const std::string done = R"(onetable_delivery_runs_total{delivery="d",status="done"})";
  const std::string failed = R"(onetable_delivery_runs_total{delivery="d",status="failed"})";
  const std::string ticks = "onetable_delivery_scheduler_ticks_total";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  auto runs = [&](const std::string& series) {
    int64_t n = 0;
    for (const Instance& in : instances_) n += std::max<int64_t>(0, MetricValue(in.port, series));
    return n;
  };
  auto ran = [&] { return runs(done) + runs(failed); };
  while (ran() == 0) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the delivery never ran";
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // Once it has run, every instance looks at least three more times.
  std::vector<int64_t> seen;
  for (const Instance& in : instances_) seen.push_back(MetricValue(in.port, ticks));
  for (size_t i = 0; i < instances_.size(); ++i) {
    while (MetricValue(instances_[i].port, ticks) < seen[i] + 3) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "instance " << i << " stopped";
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  EXPECT_EQ(runs(done), 1);
  EXPECT_EQ(runs(failed), 0);
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir_ + "/drop")) {
    if (entry.path().extension() == ".csv") ++files;
  }
  EXPECT_EQ(files, 1) << "one batch of " << kPersons << " rows, written once";
}

TEST_F(MysqlScaleOut, PersonsCreatedThroughEveryInstanceAreAllStoredOnce) {
  const std::string token = Login(0);
  ASSERT_FALSE(token.empty());
  constexpr int kClients = 6, kEach = 10;
  std::vector<std::vector<int>> statuses(kClients);
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c]() {
      const int port = instances_[c % instances_.size()].port;
      for (int i = 0; i < kEach; ++i) {
        Reply r = CallSafely(port, token, "POST", "/api/v1/persons",
                             R"({"parent_id": )" + std::to_string(household_) +
                                 R"(, "fields": {"name": "新人", "id_number": ")" +
                                 MakeIdNumber("19900101", 300 + c * kEach + i) + "\"}}");
        statuses[c].push_back(r.status);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int c = 0; c < kClients; ++c) {
    EXPECT_EQ(statuses[c], std::vector<int>(kEach, 201)) << "client " << c;
  }
  auto catalog = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
  ASSERT_TRUE(catalog.ok());
  auto store = OpenStore(urls_.back(), *catalog);
  ASSERT_TRUE(store.ok()) << store.status().message();
  ListQuery query;
  query.parent_id = household_;
  Result<int64_t> count = (*store)->Count(EntityKind::kPerson, query);
  ASSERT_TRUE(count.ok()) << count.status().message();
  EXPECT_EQ(*count, kPersons + kClients * kEach);
}

// A table download runs on one instance; its progress is read, and it is cancelled, through
// another (table_progress.h: the progress is a row of the store). The download's client stops
// reading after the headers, so the instance running it stalls on a full socket with the table
// far from done; the other instance shows its rows and takes the cancel; once the client reads
// again, the download stops within kProgressReportRows rows instead of finishing.
TEST_F(MysqlScaleOut, ADownloadOnOneInstanceShowsProgressAndIsCancelledFromAnother) {
  StopInstances();
  instances_.clear();
  constexpr int kRows = 8000;
  {
    auto catalog = Catalog::Load(ONETABLE_SOURCE_DIR "/schema");
    ASSERT_TRUE(catalog.ok());
    auto store = OpenStore(urls_[0], *catalog);
    ASSERT_TRUE(store.ok()) << store.status().message();
    std::vector<Row> rows;
    for (int i = 0; i < kRows; ++i) {
      Row row;
      row.parent_id = household_;
      row.values = {{"name", "进度" + std::to_string(i)}};
      rows.push_back(std::move(row));
    }
    std::vector<int64_t> ids;
    ASSERT_TRUE((*store)->InsertBatch(EntityKind::kPerson, rows, &ids).ok());
  }
  // Rows of about 4 KB, so a few megabytes of socket buffers hold a small part of the table.
  fs::create_directories(dir_ + "/mappings/test");
  std::string columns = "  - {header: 姓名, value: name}\n";
  for (int c = 0; c < 8; ++c) {
    columns += "  - {header: 填充" + std::to_string(c) + ", value: \"concat(name, '" +
               std::string(500, 'x') + "')\"}\n";
  }
  WriteFile(dir_ + "/mappings/test/wide.yaml",
            "id: test/wide\ntitle: 很宽的表\ndepartment: 测试部门\npurpose: 测试下载进度\n"
            "grain: person\nwhere: alive\ncolumns:\n" + columns);
  const std::string config = dir_ + "/onetable.yaml";
  WriteFile(config, "schema: " ONETABLE_SOURCE_DIR "/schema\nmappings: " + dir_ + "/mappings\n");
  for (const std::string& url : urls_) StartInstance(url, config);
  if (HasFatalFailure()) return;
  const std::string token = Login(0);
  ASSERT_FALSE(token.empty());
  const int runner = instances_[0].port;
  const int other = instances_[1 % instances_.size()].port;

  // The download, by hand over a socket with a small receive window, read no further than the
  // first bytes.
  Poco::Net::StreamSocket socket(Poco::Net::SocketAddress::IPv4);  // made now: sized before connect
  socket.setReceiveBufferSize(4096);
  socket.connect(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(runner)));
  const std::string request =
      "GET /api/v1/tables/test/wide?format=csv&progress=scaleout-0001 HTTP/1.1\r\n"
      "Host: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\nConnection: close\r\n\r\n";
  socket.sendBytes(request.data(), static_cast<int>(request.size()));
  char buffer[4096];
  int first = socket.receiveBytes(buffer, sizeof buffer);
  ASSERT_GT(first, 0);
  ASSERT_EQ(std::string(buffer, first).rfind("HTTP/1.1 200", 0), 0u) << std::string(buffer, first);

  // The other instance sees the rows (written at least every kProgressReportRows rows) while the
  // download waits for its client.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  rapidjson::Document progress;
  while (true) {
    Reply r = CallSafely(other, token, "GET", "/api/v1/table-progress/scaleout-0001");
    if (r.status == 200) {
      progress = r.Json();
      if (progress["rows"].GetInt64() > 0) break;
    }
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << r.status << " " << r.body;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_FALSE(progress["done"].GetBool());
  EXPECT_LT(progress["rows"].GetInt64(), kRows - 1000) << "the download did not wait for its client";
  Reply cancel = CallSafely(other, token, "POST", "/api/v1/table-progress/scaleout-0001/cancel", "");
  ASSERT_EQ(cancel.status, 202) << cancel.body;
  EXPECT_TRUE(CallSafely(other, token, "GET", "/api/v1/table-progress/scaleout-0001")
                  .Json()["cancelled"]
                  .GetBool());

  // The client reads again: the connection ends before the table does.
  int64_t received = first;
  bool ended = false;
  while (!ended) {
    int n = 0;
    try {
      n = socket.receiveBytes(buffer, sizeof buffer);
    } catch (const Poco::Exception&) {
      n = 0;  // reset by the server: the download was cut
    }
    if (n <= 0) ended = true;
    received += n > 0 ? n : 0;
  }
  EXPECT_LT(received, static_cast<int64_t>(kRows) * 4000) << "the whole table came";
  // Both instances say so: stopped, cancelled, short of the table.
  for (int port : {runner, other}) {
    while (true) {
      Reply r = CallSafely(port, token, "GET", "/api/v1/table-progress/scaleout-0001");
      ASSERT_EQ(r.status, 200) << r.body;
      rapidjson::Document doc = r.Json();
      if (doc["done"].GetBool()) {
        EXPECT_TRUE(doc["cancelled"].GetBool());
        EXPECT_LT(doc["rows"].GetInt64(), kRows);
        EXPECT_GT(doc["elapsed_ms"].GetInt64(), 0);
        break;
      }
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << r.body;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  // Another account does not see it.
  EXPECT_EQ(CallSafely(other, "", "GET", "/api/v1/table-progress/scaleout-0001").status, 401);
}

// --- Galera only: a node goes away mid-test ---------------------------------------------------

class GaleraScaleOut : public ScaleOut {
 protected:
  static int Galera(const std::string& verb) {
    const std::string command =
        std::string(ONETABLE_SOURCE_DIR "/ops/galera ") + verb + " >/dev/null 2>&1";
    return std::system(command.c_str());
  }
  void TearDown() override {
    // Whatever happened, leave three nodes for the tests after this one.
    EXPECT_EQ(Galera("start 3"), 0) << "ops/galera start 3 failed";
    ScaleOut::TearDown();
  }
};

TEST_F(GaleraScaleOut, StoppingANodeMidTestLosesNoAcknowledgedWriteAndServiceGoesOn) {
  ASSERT_EQ(instances_.size(), 3u) << "needs the three Galera nodes";
  const std::string token = Login(0);
  ASSERT_FALSE(token.empty());
  const int clients = 6, updates = 240;
  std::atomic<int> stopped{-1};
  WriteRun run = ReadModifyWrite(instances_, token, persons_, clients, updates, updates / 3,
                                 [&]() { stopped = Galera("stop 3"); });
  ASSERT_EQ(stopped.load(), 0) << "ops/galera stop 3 failed or never ran";
  ASSERT_EQ(run.failure, "");
  EXPECT_EQ(Total(run.acked), updates) << "the service did not go on with two nodes";
  // Read through the instances whose nodes stayed up.
  ExpectNothingLost(instances_[0].port, token, persons_, run);
  ExpectNothingLost(instances_[1].port, token, persons_, run);
  // The node rejoins (incremental state transfer) and its instance serves the same register.
  ASSERT_EQ(Galera("start 3"), 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (CallSafely(instances_[2].port, token, "GET", "/api/v1/me").status != 200) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "instance 3 did not recover";
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ExpectNothingLost(instances_[2].port, token, persons_, run);
  std::printf(
      "node 3 stopped after %d acknowledged updates: %d acknowledged in all, %d without "
      "answer, %d refused as stale or aborted\n",
      updates / 3, Total(run.acked), Total(run.unknown), run.conflicts);
}

// --- the durability guard ---------------------------------------------------------------------

// ops/mariadb and ops/galera run without fsync per commit: init and serve must refuse them unless
// told the store is throwaway.
TEST(MysqlDurabilityGuard, InitAndServeRefuseAServerThatMayLoseCommitsUnlessThrowaway) {
  std::vector<std::string> urls;
  ASSERT_NO_THROW(urls = InstanceUrls());
  const std::string dir = MakeTempDir();
  const std::map<std::string, std::string> production = {{"ONETABLE_THROWAWAY_STORE", ""}};
  CliResult init = RunCli({"--store", urls[0], "init"}, dir, production);
  EXPECT_EQ(init.exit_code, 2) << init.out << init.err;
  EXPECT_NE(init.err.find("innodb_flush_log_at_trx_commit = 0"), std::string::npos) << init.err;
  EXPECT_NE(init.err.find("throwaway_store: true"), std::string::npos) << init.err;
  CliResult serve =
      RunCli({"--store", urls[0], "serve", "--listen", "127.0.0.1:0"}, dir, production);
  EXPECT_NE(serve.exit_code, 0);
  // serve first checks the schema (init may not have run); either way it never starts.
  const bool refused = serve.err.find("innodb_flush_log_at_trx_commit") != std::string::npos ||
                       serve.err.find("onetable init") != std::string::npos;
  EXPECT_TRUE(refused) << serve.err;
  // The flag says the store is throwaway.
  CliResult flagged = RunCli({"--throwaway-store", "--store", urls[0], "init"}, dir, production);
  EXPECT_EQ(flagged.exit_code, 0) << flagged.err;
  serve = RunCli({"--store", urls[0], "serve", "--listen", "127.0.0.1:0"}, dir, production);
  EXPECT_EQ(serve.exit_code, 2) << serve.err;
  EXPECT_NE(serve.err.find("innodb_flush_log_at_trx_commit = 0"), std::string::npos) << serve.err;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace onetable::testing

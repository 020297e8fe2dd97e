// Encryption at rest (service/src/crypto/): what a copy of the database reveals, what a damaged
// value or a wrong key gives, the conversion of a clear store, and `onetable key rotate` killed
// at random moments (ctest entries of their own: crash_loop_key_rotate_*). On a temporary SQLite
// file (its bytes and WAL are read), or with ONETABLE_TEST_STORE=mysql on the throwaway MariaDB
// (read through mariadb-dump).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include "cli_runner.h"
#include "crypto/data_keys.h"
#include "crypto/process_cipher.h"
#include "list_all.h"
#include "model/catalog.h"
#include "raw_store.h"
#include "store/sql_connection.h"
#include "store/store.h"
#include "store/store_url.h"

namespace onetable::testing {
namespace {
namespace fs = std::filesystem;

// Every ID number (18 characters) and mobile phone (11 digits from 1) written in `text`.
std::vector<std::string> Identifiers(const std::string& text) {
  std::vector<std::string> out;
  for (size_t i = 0; i + 11 <= text.size(); ++i) {
    size_t n = 0;
    while (i + n < text.size() && (std::isdigit(static_cast<unsigned char>(text[i + n])) ||
                                   (n == 17 && text[i + n] == 'X'))) {
      ++n;
    }
    if (n == 18 || (n == 11 && text[i] == '1')) out.push_back(text.substr(i, n));
    i += n;
  }
  return out;
}

class Encryption : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    url_ = TestStoreUrl(dir_);
    key_ = dir_ + "/data.key";
    // The binary and StartCli's children find the key here (app/config.h DataKeyFileOf).
    setenv("ONETABLE_DATA_KEY_FILE", key_.c_str(), 1);
    auto catalog = Catalog::Load(std::string(ONETABLE_SOURCE_DIR) + "/schema");
    ASSERT_TRUE(catalog.ok()) << catalog.status().message();
    catalog_ = std::make_unique<Catalog>(std::move(*catalog));
  }
  void TearDown() override {
    UseSharedTestKeys();
    fs::remove_all(dir_);
  }

  void InitDemo(int persons) {
    CliResult r = RunCli({"--store", url_, "init", "--demo", "--persons", std::to_string(persons)});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("数据密钥：" + key_), std::string::npos) << r.out;
  }

  // The store as this process sees it with the keys of `key_file` ("" : no keys).
  std::unique_ptr<Store> Open(const std::string& key_file) {
    if (key_file.empty()) {
      InstallProcessCipher(nullptr);
    } else {
      auto cipher = LoadDataKeyFile(key_file);
      EXPECT_TRUE(cipher.ok()) << cipher.status().message();
      if (!cipher.ok()) return nullptr;
      InstallProcessCipher(std::move(*cipher));
    }
    auto store = OpenStore(url_, *catalog_);
    EXPECT_TRUE(store.ok()) << store.status().message();
    return store.ok() ? std::move(*store) : nullptr;
  }

  std::unique_ptr<SqlConnection> Raw() {
    auto parsed = ParseStoreUrl(url_);
    EXPECT_TRUE(parsed.ok());
    auto conn = parsed->scheme == "sqlite" ? OpenSqlite(parsed->sqlite_path)
                                           : OpenMysql(parsed->mysql);
    EXPECT_TRUE(conn.ok()) << conn.status().message();
    return conn.ok() ? std::move(*conn) : nullptr;
  }

  // Every byte of the stored database: the SQLite file with its WAL, or a dump of the MariaDB.
  std::string StoredBytes() {
    auto parsed = ParseStoreUrl(url_);
    if (parsed->scheme == "sqlite") {
      std::string bytes = ReadFile(parsed->sqlite_path);
      if (fs::exists(parsed->sqlite_path + "-wal")) bytes += ReadFile(parsed->sqlite_path + "-wal");
      return bytes;
    }
    const MysqlParams& m = parsed->mysql;
    std::string cmd = "mariadb-dump --skip-extended-insert -u'" + m.user + "' -p'" + m.password + "' ";
    cmd += m.socket.empty() ? "-h " + m.host + " -P " + std::to_string(m.port) + " "
                            : "--socket='" + m.socket + "' ";
    cmd += "'" + m.database + "' 2>/dev/null";
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr) return out;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    EXPECT_EQ(pclose(p), 0) << "mariadb-dump failed";
    return out;
  }

  std::string dir_, url_, key_;
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(Encryption, ACopyOfTheDatabaseShowsNoIdNumberPhoneOrSensitiveAttribute) {
  InitDemo(300);
  struct stat st {};
  ASSERT_EQ(stat(key_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "the key file is readable by others";
  std::unique_ptr<Store> store = Open(key_);
  ASSERT_NE(store, nullptr);
  std::vector<std::string> secrets;
  const std::vector<Row> persons = ListAll(store.get(), EntityKind::kPerson);
  // Names stay clear by design (prefix search, sorting): a contact or guardian who is also a
  // person of the register is no secret of the tag.
  std::set<std::string> names;
  for (const Row& p : persons) {
    if (const std::string* n = p.Get("name")) names.insert(*n);
  }
  for (const Row& p : persons) {
    for (const char* key : {"id_number", "phone", "guardian_phone", "spouse_id_number"}) {
      if (const std::string* v = p.Get(key); v && v->size() >= 7) secrets.push_back(*v);
    }
    auto tags = store->ListTags(p.id);
    ASSERT_TRUE(tags.ok()) << tags.status().message();
    for (const TagAssignment& t : *tags) {
      for (const auto& [k, v] : t.attrs) {
        // The identifying attributes (certificate and card numbers, phones); a contact's name
        // may also be a clear name field (a landlord, a grid worker) elsewhere.
        const TagDef* def = catalog_->FindTag(t.tag);
        const FieldDef* a = def ? def->FindAttribute(k) : nullptr;
        const bool identifying =
            a != nullptr && (a->type == FieldType::kPhone || a->type == FieldType::kIdNumber ||
                             k.find("number") != std::string::npos ||
                             k.find("permit") != std::string::npos);
        if (identifying && v.size() >= 6 && !names.count(v)) secrets.push_back(v);
      }
    }
  }
  // The free-text document numbers the catalog marks `encrypted: true` (the demo has none).
  Row person;
  person.values = {{"name", "持护照者"}, {"id_doc_number", "E98765432"}};
  ASSERT_TRUE(store->Insert(EntityKind::kPerson, person).ok());
  std::vector<Row> households = ListAll(store.get(), EntityKind::kHousehold);
  ASSERT_FALSE(households.empty());
  households[0].values["landlord_id_number"] = "H87654321";
  ASSERT_TRUE(store->Update(EntityKind::kHousehold, &households[0]).ok());
  auto back = store->Get(EntityKind::kHousehold, households[0].id);
  ASSERT_TRUE(back.ok()) << back.status().message();
  ASSERT_NE(back->Get("landlord_id_number"), nullptr);
  EXPECT_EQ(*back->Get("landlord_id_number"), "H87654321");
  secrets.push_back("E98765432");
  secrets.push_back("H87654321");
  ASSERT_GT(secrets.size(), 300u) << "the demo city has too few identifiers to check";
  const std::string bytes = StoredBytes();
  EXPECT_NE(bytes.find("enc1:"), std::string::npos) << "no envelope stored at all";
  int found = 0;
  for (const std::string& s : secrets) {
    if (bytes.find(s) != std::string::npos && ++found <= 5) ADD_FAILURE() << "in clear: " << s;
  }
  EXPECT_EQ(found, 0);
}

TEST_F(Encryption, ImportedRawRowsAndQuarantinedRowsAreNotStoredInClear) {
  CliResult init = RunCli({"--store", url_, "init"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  const std::string examples = ONETABLE_SOURCE_DIR "/ops/examples";
  fs::create_directories(dir_ + "/connectors");
  fs::copy(examples + "/connectors/minzheng-dibao.yaml", dir_ + "/connectors/minzheng-dibao.yaml");
  fs::copy(examples + "/data", dir_ + "/data", fs::copy_options::recursive);
  CliResult r = RunCli({"--store", url_, "import", dir_ + "/connectors/minzheng-dibao.yaml"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // 5 rows taken in, 3 quarantined (one with a wrong check digit): raw rows of both kinds.
  EXPECT_EQ(ReportCounts(r.out), (std::vector<int64_t>{8, 5, 0, 0, 0, 0, 3})) << r.out;
  // Every ID number and mobile phone of the source file (GBK: the digits are ASCII).
  const std::string source = ReadFile(dir_ + "/data/minzheng-dibao.csv");
  std::vector<std::string> secrets = Identifiers(source);
  ASSERT_GE(secrets.size(), 8u) << "the example has too few identifiers";
  const std::string bytes = StoredBytes();
  for (const std::string& s : secrets) EXPECT_EQ(bytes.find(s), std::string::npos) << s;
  // And they are all still there, for those who hold the key.
  std::unique_ptr<Store> store = Open(key_);
  auto runs = store->ListImportRuns("", 0, 10);
  ASSERT_TRUE(runs.ok() && !runs->empty());
  auto quarantined = store->ListQuarantine(runs->back().id, 0, 10);
  ASSERT_TRUE(quarantined.ok()) << quarantined.status().message();
  ASSERT_EQ(quarantined->size(), 3u);
  bool raw_has_id = false;
  for (const QuarantinedRow& q : *quarantined) {
    for (const std::string& s : secrets) raw_has_id = raw_has_id || q.raw.find(s) != std::string::npos;
  }
  EXPECT_TRUE(raw_has_id) << "the quarantined raw rows did not decrypt to the source's values";
}

// A delivery keeps every batch it sends (body and state, to resend it unchanged) and a receipt
// per key: the files it drops hold ID numbers and phones in clear, the store none of them.
TEST_F(Encryption, DeliveredBatchesAndReceiptsAreNotStoredInClear) {
  fs::create_directories(dir_ + "/mappings/test");
  fs::create_directories(dir_ + "/deliveries");
  fs::create_directories(dir_ + "/drop");
  WriteFile(dir_ + "/mappings/test/push.yaml",
            "id: test/push\ntitle: 推送测试表\ndepartment: 测试部门\npurpose: 测试推送\n"
            "grain: person\nas_of: \"{year}-12-31\"\nwhere: alive\norder_by: [id_number]\n"
            "columns:\n  - {header: 公民身份号码, value: id_number}\n"
            "  - {header: 姓名, value: name}\n  - {header: 联系电话, value: phone}\n");
  WriteFile(dir_ + "/deliveries/d.yaml",
            "id: d\ntitle: 测试推送\nmapping: test/push\nkey: 公民身份号码\n"
            "target: {type: file, dir: ../drop, format: json, batch: 20}\n");
  const std::string config = dir_ + "/onetable.yaml";
  WriteFile(config, "store: \"" + url_ + "\"\nschema: " ONETABLE_SOURCE_DIR "/schema\nmappings: " +
                        dir_ + "/mappings\ndeliveries: " + dir_ + "/deliveries\n");
  CliResult init = RunCli({"--config", config, "init", "--demo", "--persons", "60"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  CliResult r = RunCli({"--config", config, "deliver", "d"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string dropped;
  for (const auto& entry : fs::directory_iterator(dir_ + "/drop")) {
    if (entry.path().extension() == ".json") dropped += ReadFile(entry.path().string());
  }
  const std::vector<std::string> secrets = Identifiers(dropped);
  ASSERT_GE(secrets.size(), 60u) << "the delivered files hold too few identifiers: " << r.out;
  const std::string bytes = StoredBytes();
  int found = 0;
  for (const std::string& s : secrets) {
    if (bytes.find(s) != std::string::npos && ++found <= 5) ADD_FAILURE() << "in clear: " << s;
  }
  EXPECT_EQ(found, 0);
  // Those who hold the key read the batches back as they were sent.
  std::unique_ptr<Store> store = Open(key_);
  ASSERT_NE(store, nullptr);
  auto batches = store->ListDeliveryBatches("d", "", 0, 100, true);
  ASSERT_TRUE(batches.ok()) << batches.status().message();
  ASSERT_FALSE(batches->empty());
  std::string bodies;
  for (const DeliveryBatch& b : *batches) bodies += b.body;
  for (const std::string& s : secrets) EXPECT_NE(bodies.find(s), std::string::npos) << s;
}

TEST_F(Encryption, FindsByIdNumberThroughTheBlindIndexAndKeepsItUnique) {
  InitDemo(50);
  std::unique_ptr<Store> store = Open(key_);
  ASSERT_NE(store, nullptr);
  std::vector<Row> persons = ListAll(store.get(), EntityKind::kPerson);
  ASSERT_FALSE(persons.empty());
  const Row& first = persons.front();
  auto found = store->FindBy(EntityKind::kPerson, "id_number", *first.Get("id_number"));
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(found->id, first.id);
  Row copy;
  copy.values = {{"name", "重复"}, {"id_number", *first.Get("id_number")}};
  auto dup = store->Insert(EntityKind::kPerson, copy);
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists) << dup.status().message();
}

TEST_F(Encryption, TamperedValueWrongKeyAndMissingKeyAreRefused) {
  InitDemo(50);
  std::unique_ptr<Store> store = Open(key_);
  ASSERT_NE(store, nullptr);
  std::vector<Row> persons = ListAll(store.get(), EntityKind::kPerson);
  ASSERT_GE(persons.size(), 2u);
  const int64_t victim = persons[0].id;
  {
    std::unique_ptr<SqlConnection> raw = Raw();
    auto read = raw->Prepare("SELECT id_number FROM person WHERE id = ?");
    ASSERT_TRUE(read.ok());
    (*read)->BindInt(1, victim);
    ASSERT_TRUE(*(*read)->Step());
    std::string sealed = (*read)->Text(0).value_or("");
    (*read)->Reset();
    ASSERT_EQ(sealed.rfind("enc1:", 0), 0u) << sealed;
    char& c = sealed[sealed.size() - 6];
    c = c == 'A' ? 'B' : 'A';
    auto write = raw->Prepare("UPDATE person SET id_number = ? WHERE id = ?");
    ASSERT_TRUE(write.ok());
    (*write)->BindText(1, sealed);
    (*write)->BindInt(2, victim);
    ASSERT_TRUE((*write)->Execute().ok());
  }
  auto tampered = store->Get(EntityKind::kPerson, victim);
  ASSERT_FALSE(tampered.ok()) << "a tampered value was read";
  EXPECT_NE(tampered.status().message().find("校验失败"), std::string::npos)
      << tampered.status().message();
  EXPECT_TRUE(store->Get(EntityKind::kPerson, persons[1].id).ok());
  store.reset();

  const std::string other = dir_ + "/other.key";
  ASSERT_TRUE(CreateDataKeyFile(other).ok());
  store = Open(other);
  // Checked before anything is written: values under another key would mix the register.
  Status other_keys = store->CheckDataKeys();
  EXPECT_EQ(other_keys.code(), StatusCode::kFailedPrecondition) << other_keys.message();
  EXPECT_NE(other_keys.message().find("不符"), std::string::npos) << other_keys.message();
  auto wrong = store->Get(EntityKind::kPerson, persons[1].id);
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("密钥文件中没有该密钥"), std::string::npos)
      << wrong.status().message();
  store = Open("");
  // Without keys an encrypted store is not opened for writing in clear.
  Status no_keys = store->CheckDataKeys();
  EXPECT_EQ(no_keys.code(), StatusCode::kFailedPrecondition) << no_keys.message();
  EXPECT_NE(no_keys.message().find("已加密"), std::string::npos) << no_keys.message();
  auto none = store->Get(EntityKind::kPerson, persons[1].id);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("已加密"), std::string::npos) << none.status().message();
  store.reset();

  CliResult cli = RunCli({"--store", url_, "key", "rotate"}, "",
                         {{"ONETABLE_DATA_KEY_FILE", other}});
  EXPECT_NE(cli.exit_code, 0);
  EXPECT_NE(cli.err.find("没有该密钥"), std::string::npos) << cli.err;
  CliResult write_other = RunCli(
      {"--store", url_, "user", "add", "intruder", "--role", "admin", "--password-stdin"}, "",
      {{"ONETABLE_DATA_KEY_FILE", other}}, "Zq8#kLm2!vR7pWx4\n");
  EXPECT_NE(write_other.exit_code, 0);
  EXPECT_NE(write_other.err.find("不符"), std::string::npos) << write_other.err;
  CliResult missing = RunCli({"--store", url_, "key", "rotate"}, "",
                             {{"ONETABLE_DATA_KEY_FILE", dir_ + "/nowhere.key"}});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("不存在"), std::string::npos) << missing.err;
  // init with the key file lost: refused, and the key it drew is not left behind to be taken
  // for the store's own later.
  CliResult lost = RunCli({"--store", url_, "init"}, "",
                          {{"ONETABLE_DATA_KEY_FILE", dir_ + "/lost.key"}});
  EXPECT_NE(lost.exit_code, 0);
  EXPECT_NE(lost.err.find("不符"), std::string::npos) << lost.err;
  EXPECT_FALSE(fs::exists(dir_ + "/lost.key"));
}

TEST_F(Encryption, InitConvertsAStoreWrittenInClear) {
  std::unique_ptr<Store> clear = Open("");
  ASSERT_NE(clear, nullptr);
  ASSERT_TRUE(clear->Migrate().ok());
  Row p;
  p.values = {{"name", "明文"}, {"id_number", "11010519491231002X"}, {"phone", "13912345678"},
              {"religion", "佛教徒"}};
  auto id = clear->Insert(EntityKind::kPerson, p);
  ASSERT_TRUE(id.ok()) << id.status().message();
  FieldObservation o;
  o.entity_id = *id;
  o.field = "phone";
  o.value = "13912345678";
  o.source = "manual";
  ASSERT_TRUE(clear->RecordObservation(o).ok());
  clear.reset();

  CliResult r = RunCli({"--store", url_, "init"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("已加密登记库中原有的"), std::string::npos) << r.out;
  const std::string bytes = StoredBytes();
  EXPECT_EQ(bytes.find("11010519491231002X"), std::string::npos);
  EXPECT_EQ(bytes.find("13912345678"), std::string::npos);
  std::unique_ptr<Store> store = Open(key_);
  auto found = store->FindBy(EntityKind::kPerson, "id_number", "11010519491231002X");
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(*found->Get("phone"), "13912345678");
  EXPECT_EQ(*found->Get("religion"), "佛教徒");
  auto prov = store->Provenance(EntityKind::kPerson, *id);
  ASSERT_TRUE(prov.ok());
  ASSERT_EQ(prov->size(), 1u);
  EXPECT_EQ(prov->front().value, "13912345678");
}

// How far a `key rotate` got by its output `text`: one step for the new key appended to the
// key file ("已在 … 中追加新密钥"; a resumed run has none) and one per committed batch
// ("已重新加密 N 个值").
int RotateSteps(const std::string& text) {
  int seen = text.find("追加新密钥") == std::string::npos ? 0 : 1;
  for (size_t at = text.find("已重新加密"); at != std::string::npos;
       at = text.find("已重新加密", at + 1)) {
    ++seen;
  }
  return seen;
}

// The key id of a sealed value ("enc1:<kid>:..."), "" for anything else.
std::string KidOf(const std::optional<std::string>& v) {
  if (!v || v->rfind("enc1:", 0) != 0) return "";
  const size_t end = v->find(':', 5);
  return end == std::string::npos ? "" : v->substr(5, end - 5);
}

// `onetable key rotate` killed with SIGKILL at random moments (ONETABLE_KILL_LOOPS, 20 by default;
// 200 in tests/bench/run's robustness section; ONETABLE_KILL_SEED replays a sequence). The kill
// waits for a random number of steps (the new key appended, each committed batch) or the end of
// the run, so the moment is random and the test does not race; one run in four is left to complete,
// and the next starts a new rotation (a new key), so kills land at the start (the key being
// appended), amid the batches and at the end (the audit entry, VACUUM) alike. After every kill: the
// store is intact, the key file opens and matches the store, every person reads back the values it
// had and is found by its id number (the blind index goes with the value), and the batches are
// whole: each row's values are under one key, and the rows under the newest key are a prefix of the
// table by id (the order batches go in). In the end a run completes and every value is under the
// newest key.
TEST_F(Encryption, KeyRotateKilledAtRandomMomentsResumesAndEndsWithEveryValueUnderTheNewKey) {
  const int loops = KillLoops();
  const uint32_t seed = KillSeed();
  std::mt19937 rng(seed);
  SCOPED_TRACE("ONETABLE_KILL_SEED=" + std::to_string(seed));
  constexpr int kBatch = 20;
  InitDemo(200);
  std::unique_ptr<Store> store = Open(key_);
  ASSERT_NE(store, nullptr);
  const std::vector<Row> before = ListAll(store.get(), EntityKind::kPerson);
  ASSERT_FALSE(before.empty());
  store.reset();
  // One rotation uncut: how many steps a rotation takes, so kill moments spread over it.
  CliResult pilot = RunCli({"--store", url_, "key", "rotate", "--batch", std::to_string(kBatch)});
  ASSERT_EQ(pilot.exit_code, 0) << pilot.err;
  const int steps = RotateSteps(pilot.out);
  ASSERT_GE(steps, 5) << "too few values for a rotation to be killed amid it: " << pilot.out;
  std::unique_ptr<SqlConnection> raw = Raw();
  ASSERT_NE(raw, nullptr);
  auto columns = raw->Columns("person");
  ASSERT_TRUE(columns.ok()) << columns.status().message();
  std::string select = "id";  // then every column, id included
  for (const std::string& c : *columns) select += ", " + c;
  int kills = 0, completions = 0, round = 0;
  int taken = 0;  // steps of the rotation under way, over its runs
  const std::string log = dir_ + "/rotate.log";
  const auto started = std::chrono::steady_clock::now();
  while (kills < loops) {
    // A rotation whose end no log showed (killed after its last batch) is over: a new one begins.
    if (taken >= steps) taken = 0;
    const int threshold =
        std::uniform_int_distribution<int>(0, 3)(rng) == 0
            ? steps + 1
            : std::uniform_int_distribution<int>(0, std::max(steps - taken - 1, 0))(rng);
    fs::remove(log);
    const pid_t pid =
        StartCli({"--store", url_, "key", "rotate", "--batch", std::to_string(kBatch)}, log);
    ASSERT_GT(pid, 0);
    int status = 0;
    bool exited = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (true) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << ReadFile(log);
      if (waitpid(pid, &status, WNOHANG) == pid) {
        exited = true;
        break;
      }
      if (RotateSteps(fs::exists(log) ? ReadFile(log) : "") >= threshold) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));  // the poll's interval
    }
    if (!exited) {
      ASSERT_EQ(kill(pid, SIGKILL), 0);
      ASSERT_EQ(waitpid(pid, &status, 0), pid);
      exited = !WIFSIGNALED(status);  // it may have finished just before the signal
      if (!exited) ++kills;
    }
    const std::string text = fs::exists(log) ? ReadFile(log) : "";
    const bool done = text.find("密钥轮换完成") != std::string::npos;
    SCOPED_TRACE("kill " + std::to_string(kills) + ", rotation " + std::to_string(round));
    if (exited) ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << text;
    EXPECT_EQ(IntegrityProblems(*raw), std::vector<std::string>{});
    // The key file opens, its keys are the store's, and every value reads back unchanged.
    store = Open(key_);
    ASSERT_NE(store, nullptr);
    Status keys = store->CheckDataKeys();
    ASSERT_TRUE(keys.ok()) << keys.message();
    const std::string newest = ProcessCipher()->current_kid();
    const std::vector<Row> now = ListAll(store.get(), EntityKind::kPerson);
    ASSERT_EQ(now.size(), before.size());
    for (size_t i = 0; i < now.size(); ++i) EXPECT_EQ(now[i].values, before[i].values) << now[i].id;
    for (const Row& p : now) {
      const std::string* id_number = p.Get("id_number");
      if (id_number == nullptr) continue;
      auto found = store->FindBy(EntityKind::kPerson, "id_number", *id_number);
      EXPECT_TRUE(found.ok() && found->id == p.id) << "not found by its id number: " << p.id;
    }
    // Whole batches: one key per row, and the rows under the newest key come first.
    auto rows = raw->Prepare("SELECT " + select + " FROM person ORDER BY id");
    ASSERT_TRUE(rows.ok());
    bool older_seen = false;
    while (*(*rows)->Step()) {
      std::set<std::string> kids;
      for (size_t c = 1; c <= columns->size(); ++c) {
        const std::string kid = KidOf((*rows)->Text(static_cast<int>(c)));
        if (!kid.empty()) kids.insert(kid);
      }
      EXPECT_LE(kids.size(), 1u) << "person " << (*rows)->Int(0) << " half re-encrypted";
      if (kids.empty()) continue;
      if (*kids.begin() != newest) {
        older_seen = true;
      } else {
        EXPECT_FALSE(older_seen) << "person " << (*rows)->Int(0) << " under the new key after one "
                                 << "under an old key: a batch skipped or half written";
      }
    }
    rows->reset();
    store.reset();
    if (exited || done) {
      ++completions;
      ++round;
      taken = 0;
    } else {
      taken += RotateSteps(text);
    }
    if (HasFailure()) break;
  }
  // The last run completes, and every value is under the newest key.
  CliResult last = RunCli({"--store", url_, "key", "rotate", "--batch", std::to_string(kBatch)});
  ASSERT_EQ(last.exit_code, 0) << last.err;
  EXPECT_NE(last.out.find("密钥轮换完成"), std::string::npos) << last.out;
  store = Open(key_);
  ASSERT_NE(store, nullptr);
  const std::string current = ProcessCipher()->current_kid();
  auto stale = store->ReencryptBatch(1000);
  ASSERT_TRUE(stale.ok()) << stale.status().message();
  EXPECT_EQ(*stale, 0) << "values left under an old key";
  const std::vector<Row> after = ListAll(store.get(), EntityKind::kPerson);
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) EXPECT_EQ(after[i].values, before[i].values);
  auto sample = raw->Prepare("SELECT id_number FROM person WHERE id_number IS NOT NULL");
  ASSERT_TRUE(sample.ok());
  while (*(*sample)->Step()) {
    EXPECT_EQ((*sample)->Text(0)->rfind("enc1:" + current + ":", 0), 0u);
  }
  sample->reset();
  EXPECT_EQ(IntegrityProblems(*raw), std::vector<std::string>{});
  std::cerr << "key rotate crash loop: " << kills << " kills, " << completions
            << " completed runs in "
            << std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() -
                                                                started)
                   .count()
            << " s (seed " << seed << ")\n";
}

}  // namespace
}  // namespace onetable::testing

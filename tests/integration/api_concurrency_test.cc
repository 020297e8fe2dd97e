// Lost updates (DESIGN.md §11): 16 clients doing read-modify-write with If-Match on 20 persons,
// 5,000 acknowledged updates in all, over real HTTP on loopback.
//
// Each person's `employer` field holds 16 counters, one per client (three hex digits each).
// A client reads a person, increments its own counter, and writes the whole field back with the
// ETag it read; on 412 it reads again and retries. A lost update — a write based on a stale read
// that the server accepted — would drop another client's increment, so at the end every counter
// must equal the number of 200s its client got for that person, and each person's version must
// be 1 + the updates acknowledged on it.
#include <atomic>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "api_harness.h"

namespace onetable::testing {
namespace {

constexpr int kClients = 16;
constexpr int kPersons = 20;
constexpr int kUpdates = 5000;

std::string Encode(const std::vector<int>& counters) {
  std::string out;
  char cell[4];
  for (int c : counters) {
    std::snprintf(cell, sizeof cell, "%03x", c);
    out += cell;
  }
  return out;
}

bool Decode(const std::string& text, std::vector<int>* counters) {
  counters->assign(kClients, 0);
  if (text.empty()) return true;
  if (text.size() != kClients * 3) return false;
  for (int i = 0; i < kClients; ++i) {
    (*counters)[i] = std::stoi(text.substr(i * 3, 3), nullptr, 16);
  }
  return true;
}

std::string Employer(const rapidjson::Document& doc) {
  auto it = doc["fields"].FindMember("employer");
  return it == doc["fields"].MemberEnd() ? "" : it->value.GetString();
}

class ApiConcurrency : public ApiHarness {
 protected:
  int threads() const override { return kClients; }
};

TEST_F(ApiConcurrency, NoLostUpdatesUnderConcurrentReadModifyWrite) {
  std::vector<int64_t> persons;
  for (int i = 0; i < kPersons; ++i) {
    persons.push_back(Add(
        EntityKind::kPerson, ids_.household_a1,
        {{"name", "并发" + std::to_string(i)}, {"id_number", MakeIdNumber("19850101", 100 + i)}}));
  }
  ASSERT_FALSE(HasFailure());

  // Three roles share the work: all of them may write grid A1.
  const char* const kUsers[] = {"admin", "ca_a", "gw_a1"};
  std::atomic<int> claimed{0};
  std::atomic<int> conflicts{0};
  std::atomic<int> failures{0};
  std::vector<std::vector<int>> acked(kClients, std::vector<int>(kPersons, 0));
  std::vector<std::string> first_failure(kClients);

  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c]() {
      ApiClient client(server_->port(), tokens_.at(kUsers[c % 3]));
      std::mt19937 rng(1234 + c);
      std::uniform_int_distribution<int> pick(0, kPersons - 1);
      while (claimed.fetch_add(1) < kUpdates) {
        const int p = pick(rng);
        const std::string path = "/api/v1/persons/" + std::to_string(persons[p]);
        bool done = false;
        for (int attempt = 0; attempt < 1000 && !done; ++attempt) {
          Reply read = client.Get(path);
          std::vector<int> counters;
          if (read.status != 200 || !Decode(Employer(read.Json()), &counters)) {
            if (first_failure[c].empty()) first_failure[c] = "read " + read.body;
            ++failures;
            return;
          }
          ++counters[c];
          Reply write = client.Put(path, R"({"fields": {"employer": ")" + Encode(counters) + "\"}}",
                                   read.Header("ETag"));
          if (write.status == 200) {
            ++acked[c][p];
            done = true;
          } else if (write.status == 412) {
            ++conflicts;
          } else {
            if (first_failure[c].empty()) first_failure[c] = "write " + write.body;
            ++failures;
            return;
          }
        }
        if (!done) {
          ++failures;
          return;
        }
      }
    });
  }
  for (std::thread& t : clients) t.join();
  for (int c = 0; c < kClients; ++c) EXPECT_EQ(first_failure[c], "") << "client " << c;
  ASSERT_EQ(failures.load(), 0);

  auto admin = As("admin");
  int total = 0;
  for (int p = 0; p < kPersons; ++p) {
    Reply r = admin->Get("/api/v1/persons/" + std::to_string(persons[p]));
    ASSERT_EQ(r.status, 200);
    rapidjson::Document doc = r.Json();
    std::vector<int> counters;
    ASSERT_TRUE(Decode(Employer(doc), &counters)) << Employer(doc);
    int on_person = 0;
    for (int c = 0; c < kClients; ++c) {
      EXPECT_EQ(counters[c], acked[c][p]) << "client " << c << ", person " << p;
      on_person += acked[c][p];
    }
    EXPECT_EQ(doc["version"].GetInt64(), 1 + on_person) << "person " << p;
    total += on_person;
  }
  EXPECT_EQ(total, kUpdates);
  // The test is only meaningful if clients really raced.
  EXPECT_GT(conflicts.load(), 0);
  std::printf("lost-update test: %d updates acknowledged, %d stale writes refused with 412\n",
              total, conflicts.load());
}

// Concurrent creates (each writes its row and the first provenance of its fields): every one
// is acknowledged and stored once.
TEST_F(ApiConcurrency, ConcurrentCreatesAllSucceed) {
  constexpr int kPerClient = 20;
  std::vector<std::vector<int>> statuses(kClients);
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c]() {
      ApiClient client(server_->port(), tokens_.at("ca_a"));
      for (int i = 0; i < kPerClient; ++i) {
        const int serial = 100 + c * kPerClient + i;
        Reply r = client.Post(
            "/api/v1/persons",
            R"({"parent_id": )" + std::to_string(ids_.household_a2) +
                R"(, "fields": {"name": "新人", "phone": "13900000000", "id_number": ")" +
                MakeIdNumber("19900101", serial) + "\"}}");
        statuses[c].push_back(r.status);
      }
    });
  }
  for (std::thread& t : clients) t.join();
  for (int c = 0; c < kClients; ++c) {
    EXPECT_EQ(statuses[c], std::vector<int>(kPerClient, 201)) << "client " << c;
  }
  ListQuery query;
  query.parent_id = ids_.household_a2;
  Result<int64_t> count = store_->Count(EntityKind::kPerson, query);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 1 + kClients * kPerClient);  // 王五 and the new ones
}

}  // namespace
}  // namespace onetable::testing

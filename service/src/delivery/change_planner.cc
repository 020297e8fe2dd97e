#include "delivery/change_planner.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <algorithm>

#include "access/access.h"
#include "delivery/batch_content.h"
#include "delivery/delivery_spec.h"

namespace onetable {

ChangePlanner::ChangePlanner(const mapping::MappingSpec& mapping, std::string key_header)
    : mapping_(mapping), key_header_(std::move(key_header)) {}

ChangePlanner::~ChangePlanner() {
  if (spill_) std::fclose(spill_);
}

ChangePlanner::Hash128 ChangePlanner::Parse(const std::string& hex) {
  Hash128 h;
  for (size_t i = 0; i < hex.size() && i < 32; ++i) {
    const char c = hex[i];
    const uint64_t v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0;
    uint64_t& half = i < 16 ? h.hi : h.lo;
    half = (half << 4) | v;
  }
  return h;
}

Status ChangePlanner::LoadState(Store& store, const std::string& delivery) {
  return store.ScanDeliveryState(delivery, [&](const DeliveryKeyState& k) {
    Known& known = known_[Parse(k.key_hash)];
    known.row = Parse(k.row_hash);
    known.row_id = k.row_id;
    known.acked = true;
    return Status::Ok();
  });
}

void ChangePlanner::SetIncremental(std::vector<int64_t> persons) {
  incremental_ = true;
  persons_ = std::move(persons);
}

Status ChangePlanner::DuplicateKey(int64_t row) const {
  return Status::Invalid("报表 " + mapping_.id + " 的 key 列 “" + key_header_ + "” 有重复值（第 " +
                         std::to_string(row) + " 行）：推送需要每行的 key 唯一");
}

Status ChangePlanner::Begin(const mapping::TableMeta& meta) {
  spill_ = std::tmpfile();
  if (!spill_) return Status::Internal(std::string("无法创建临时文件：") + std::strerror(errno));
  bool found = false;
  for (size_t i = 0; i < meta.headers.size(); ++i) {
    if (i < mapping_.columns.size() && LeftOutColumn(mapping_.columns[i])) continue;
    if (meta.headers[i] == key_header_ && !found) {
      key_index_ = kept_.size();
      found = true;
    }
    kept_.push_back(i);
    columns_.push_back(meta.headers[i]);
  }
  if (!found) return Status::Invalid("报表 " + mapping_.id + " 没有 key 列 “" + key_header_ + "”");
  return Status::Ok();
}

Status ChangePlanner::Spill(const std::string& change, const std::string& state) {
  if (std::fwrite(change.data(), 1, change.size(), spill_) != change.size() ||
      std::fputc('\t', spill_) == EOF ||
      std::fwrite(state.data(), 1, state.size(), spill_) != state.size() ||
      std::fputc('\n', spill_) == EOF) {
    return Status::Internal(std::string("写临时文件失败：") + std::strerror(errno));
  }
  return Status::Ok();
}

Status ChangePlanner::Row(const std::vector<std::string>& cells) {
  ++rows_;
  Change change;
  change.cells.reserve(kept_.size());
  for (size_t i : kept_) change.cells.push_back(i < cells.size() ? cells[i] : std::string());
  change.key = change.cells[key_index_];
  // A masked key (a child's ID number for an account without the minor grant: access.h) names
  // no one: the row is withheld like one with an empty key.
  if (change.key.empty() || change.key == kMaskedValue) {
    ++blank_keys_;
    return Status::Ok();
  }
  const std::string key_hash = KeyHash(change.key);
  const std::string row_hash = RowHash(columns_, change.cells);
  Known& known = known_[Parse(key_hash)];
  if (known.seen) return DuplicateKey(rows_);
  known.seen = true;
  if (incremental_) {
    // Decided in Finish, once the receipts of these rows are read.
    known.row_id = row_id_;
    generated_.push_back({key_hash, Parse(row_hash), row_id_});
    skip_.push_back(false);
    return Spill(ChangeJson(columns_, change), StateJson(change, key_hash, row_hash, row_id_));
  }
  if (known.acked && known.row == Parse(row_hash) && known.row_id == row_id_) {
    ++unchanged_;
    return Status::Ok();
  }
  ++upserts_;
  skip_.push_back(false);
  return Spill(ChangeJson(columns_, change), StateJson(change, key_hash, row_hash, row_id_));
}

Status ChangePlanner::FinishIncremental(Store& store, const std::string& delivery) {
  std::vector<std::string> hashes;
  hashes.reserve(generated_.size());
  for (const Generated& g : generated_) hashes.push_back(g.key_hash);
  // The receipts of the regenerated persons' keys, and of the keys their rows have now.
  std::unordered_map<Hash128, DeliveryKeyState, Hash128Hasher> acked;
  RETURN_IF_ERROR(store.ScanDeliveryStateFor(delivery, persons_, hashes,
                                             [&](const DeliveryKeyState& k) {
                                               acked.emplace(Parse(k.key_hash), k);
                                               return Status::Ok();
                                             }));
  auto regenerated = [&](int64_t id) {
    return std::binary_search(persons_.begin(), persons_.end(), id);
  };
  for (size_t i = 0; i < generated_.size(); ++i) {
    const Generated& g = generated_[i];
    auto it = acked.find(Parse(g.key_hash));
    if (it == acked.end()) {
      ++upserts_;
      continue;
    }
    const DeliveryKeyState& k = it->second;
    // The key belongs to a row not regenerated, so still in the table with it: a full plan
    // would find the same key twice.
    if (k.row_id != g.row_id && !regenerated(k.row_id)) return DuplicateKey(rows_);
    if (k.row_id == g.row_id && Parse(k.row_hash) == g.row) {
      ++unchanged_;
      skip_[i] = true;
    } else {
      ++upserts_;
    }
  }
  // A key a regenerated person held that no row has now has left the table.
  for (const auto& [hash, k] : acked) {
    if (!regenerated(k.row_id)) continue;
    auto known = known_.find(hash);
    if (known != known_.end() && known->second.seen) continue;
    Change change;
    change.upsert = false;
    change.key = k.key;
    ++deletes_;
    skip_.push_back(false);
    RETURN_IF_ERROR(Spill(ChangeJson(columns_, change), StateJson(change, k.key_hash, "")));
  }
  return Status::Ok();
}

Status ChangePlanner::Finish(Store& store, const std::string& delivery) {
  if (!spill_) return Status::Internal("ChangePlanner::Finish before Begin");
  if (incremental_) return FinishIncremental(store, delivery);
  int64_t vanished = 0;
  for (const auto& [hash, known] : known_) {
    if (known.acked && !known.seen) ++vanished;
  }
  if (vanished == 0) return Status::Ok();
  return store.ScanDeliveryState(delivery, [&](const DeliveryKeyState& k) -> Status {
    auto it = known_.find(Parse(k.key_hash));
    if (it == known_.end() || it->second.seen || !it->second.acked) return Status::Ok();
    Change change;
    change.upsert = false;
    change.key = k.key;
    ++deletes_;
    skip_.push_back(false);
    return Spill(ChangeJson(columns_, change), StateJson(change, k.key_hash, ""));
  });
}

Status ChangePlanner::Batches(
    size_t size,
    const std::function<Status(const std::vector<std::string>&, const std::vector<std::string>&,
                               int64_t, int64_t)>& batch) {
  if (!spill_) return Status::Ok();
  if (std::fflush(spill_) != 0 || std::fseek(spill_, 0, SEEK_SET) != 0) {
    return Status::Internal(std::string("读临时文件失败：") + std::strerror(errno));
  }
  std::vector<std::string> changes, states;
  int64_t ups = 0, dels = 0;
  std::string line;
  auto flush = [&]() -> Status {
    if (changes.empty()) return Status::Ok();
    Status st = batch(changes, states, ups, dels);
    changes.clear();
    states.clear();
    ups = dels = 0;
    return st;
  };
  char* buf = nullptr;
  size_t cap = 0;
  ssize_t n;
  Status st;
  size_t index = 0;
  while (st.ok() && (n = getline(&buf, &cap, spill_)) > 0) {
    if (index < skip_.size() && skip_[index++]) continue;
    line.assign(buf, static_cast<size_t>(n));
    if (!line.empty() && line.back() == '\n') line.pop_back();
    const size_t tab = line.find('\t');
    changes.push_back(line.substr(0, tab));
    states.push_back(line.substr(tab + 1));
    (states.back().compare(0, 4, "[\"d\"") == 0 ? dels : ups)++;
    if (changes.size() >= size) st = flush();
  }
  std::free(buf);
  RETURN_IF_ERROR(st);
  return flush();
}

}  // namespace onetable

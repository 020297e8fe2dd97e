#include "audit/audit_chain.h"

namespace onetable {
namespace {

constexpr int kPage = 1000;
constexpr size_t kMaxProblems = 100;

std::string Range(int64_t from, int64_t to) {
  return from == to ? std::to_string(from) : std::to_string(from) + "–" + std::to_string(to);
}

}  // namespace

Result<AuditVerifyReport> VerifyAuditChain(AuditStore& store, const AuditSealer& key) {
  AuditVerifyReport report;
  ASSIGN_OR_RETURN(AuditChainState chain, store.GetAuditChain());
  auto problem = [&](std::string text) {
    if (report.problems.size() < kMaxProblems) report.problems.push_back(std::move(text));
  };
  // A fresh store's marks are unsealed at 0; anything else must carry its seal.
  const bool fresh_anchor =
      chain.anchor.seq == 0 && chain.anchor.mac.empty() && chain.anchor.seal.empty();
  if (!fresh_anchor &&
      chain.anchor.seal != key.SealMark("anchor", chain.anchor.seq, chain.anchor.mac)) {
    problem("审计链起点（清理后保留的第一条之前）被改动：封印不符");
  }
  const bool fresh_head = chain.head.seq == 0 && chain.head.mac.empty();
  if (!fresh_head && chain.head.seal != key.SealMark("head", chain.head.seq, chain.head.mac)) {
    problem("审计链链头被改动：封印不符（链头须由持有密钥的服务更新）");
  }
  report.first_seq = chain.anchor.seq + 1;
  report.head_seq = chain.head.seq;
  report.head_mac = chain.head.mac;

  int64_t expected = chain.anchor.seq + 1;
  std::string prev = chain.anchor.mac;
  int64_t after = chain.anchor.seq;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<AuditEntry> page, store.ListAuditChain(after, kPage));
    for (const AuditEntry& e : page) {
      after = e.seq;
      if (e.seq > chain.head.seq) {
        problem("审计记录 seq " + std::to_string(e.seq) + "（id " + std::to_string(e.id) +
                "）在链头之后：链头被回退，或记录是伪造的");
      }
      if (e.seq != expected) {
        problem("审计记录 seq " + Range(expected, e.seq - 1) + " 缺失（已被删除）");
        prev = e.mac;  // cannot check this one's link; resume the chain from it
      } else if (e.mac.empty()) {
        problem("审计记录 seq " + std::to_string(e.seq) + "（id " + std::to_string(e.id) +
                "）未加封（写入时未加载审计密钥）");
        prev = e.mac;
      } else if (e.mac != key.SealEntry(e, prev)) {
        problem("审计记录 seq " + std::to_string(e.seq) + "（id " + std::to_string(e.id) +
                "）被修改或伪造：校验码不符");
        prev = e.mac;
      } else {
        prev = e.mac;
      }
      expected = e.seq + 1;
      ++report.records;
    }
    if (static_cast<int>(page.size()) < kPage) break;
  }
  if (expected <= chain.head.seq) {
    problem("审计记录 seq " + Range(expected, chain.head.seq) + " 缺失（链尾被删除）");
  } else if (expected - 1 == chain.head.seq && chain.head.seq > chain.anchor.seq &&
             prev != chain.head.mac) {
    problem("最后一条审计记录与链头不符（被替换）");
  }
  ASSIGN_OR_RETURN(std::vector<int64_t> unchained, store.ListUnchainedAudit(20));
  for (int64_t id : unchained) {
    problem("审计记录 id " + std::to_string(id) + " 不在审计链中（绕过服务直接写入数据库）");
  }
  return report;
}

}  // namespace onetable

// DemoRandom: the demo generator's deterministic PRNG (xoshiro256**, seeded through splitmix64).
// The standard library's distributions are not specified bit-for-bit and differ between library
// versions, so every draw here is integer arithmetic with a fixed definition: one seed gives one
// city everywhere. Not for anything security-related. Not thread-safe (a value type).
#ifndef ONETABLE_DEMO_DEMO_RANDOM_H_
#define ONETABLE_DEMO_DEMO_RANDOM_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>

namespace onetable {

class DemoRandom {
 public:
  explicit DemoRandom(uint64_t seed) {
    for (uint64_t& s : state_) {
      seed += 0x9E3779B97F4A7C15ULL;  // splitmix64
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      s = z ^ (z >> 31);
    }
  }

  uint64_t Next() {
    const uint64_t result = Rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, n); 0 when n is 0. (Lemire's multiply-shift: no modulo bias worth noting.)
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }

  // Uniform in [lo, hi]; lo when hi < lo.
  int Between(int lo, int hi) {
    if (hi <= lo) return lo;
    return lo + static_cast<int>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }

  // True with probability p (resolution 1e-6).
  bool Chance(double p) { return Below(1000000) < static_cast<uint64_t>(p * 1000000.0); }

  // An index drawn with the given non-negative integer weights.
  size_t Weighted(std::initializer_list<int> weights) {
    uint64_t total = 0;
    for (int w : weights) total += static_cast<uint64_t>(w);
    uint64_t x = Below(total);
    size_t i = 0;
    for (int w : weights) {
      if (x < static_cast<uint64_t>(w)) return i;
      x -= static_cast<uint64_t>(w);
      ++i;
    }
    return weights.size() - 1;
  }

  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[Below(N)];
  }

  // Items with a `weight` member, drawn by weight.
  template <typename T, size_t N>
  const T& PickWeighted(const T (&items)[N]) {
    uint64_t total = 0;
    for (const T& item : items) total += static_cast<uint64_t>(item.weight);
    uint64_t x = Below(total);
    for (const T& item : items) {
      if (x < static_cast<uint64_t>(item.weight)) return item;
      x -= static_cast<uint64_t>(item.weight);
    }
    return items[N - 1];
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  uint64_t state_[4];
};

}  // namespace onetable

#endif  // ONETABLE_DEMO_DEMO_RANDOM_H_

// splitmix64: a tiny generator that, unlike <random>'s distributions, gives the same numbers for
// the same seed on every standard library, so synthetic data (catalogs, citizens' applications)
// is the same wherever it is made.
#pragma once

#include <cstdint>
#include <iterator>

namespace darwaza {

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // In [0, n); 0 when n is 0.
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next() % n; }
  // In [0, 1).
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  bool chance(int percent) { return below(100) < static_cast<std::uint64_t>(percent); }
  template <class C>
  const auto& pick(const C& c) { return c[below(std::size(c))]; }

 private:
  std::uint64_t state_;
};

}  // namespace darwaza

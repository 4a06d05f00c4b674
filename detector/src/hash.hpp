// The detector's one hash combiner: dedup keys of reports, fingerprints of
// snapshots and lock cycles. Not for hash tables of user addresses (those
// shard by address bits).
#pragma once

#include <cstdint>

namespace chansan {

// Mixes b into a (boost's hash_combine shape with a 64-bit golden ratio,
// then a final xor-shift so nearby inputs spread).
inline uint64_t hash_mix(uint64_t a, uint64_t b) {
  uint64_t h = a * 0x9e3779b97f4a7c15ull ^ (b + 0x632be59bd9b4e019ull + (a << 6) + (a >> 2));
  return h ^ (h >> 29);
}

}  // namespace chansan

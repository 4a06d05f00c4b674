// Stack depot; see stack_depot.hpp.
#include "stack_depot.hpp"

#include <algorithm>
#include <mutex>

#include "internal_mutex.hpp"
#include <unordered_map>

namespace chansan {
namespace {

constexpr unsigned kShardBits = 4;
constexpr unsigned kShards = 1u << kShardBits;

struct Shard {
  InternalMutex lock;
  std::unordered_multimap<uint64_t, uint32_t> by_hash;  // guarded by lock
  std::vector<std::vector<uintptr_t>> stacks;          // guarded by lock; index = id >> kShardBits
};

Shard* shards() {
  static Shard* s = new Shard[kShards];  // never destroyed: used by atexit reports
  return s;
}

uint64_t hash_stack(const uintptr_t* pcs, std::size_t n) {
  uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
  for (std::size_t i = 0; i < n; i++) {
    h ^= pcs[i];
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  return h;
}

// The stacks this thread put last, by hash: an allocation or lock site in
// a loop finds its id here, without the shard's lock. Two threads
// allocating at the same site took that one lock for every block.
struct RecentStacks {
  static constexpr std::size_t kWays = 4, kFrames = 64;
  uint64_t hash[kWays];
  uint32_t id[kWays];
  uint32_t n[kWays];
  uintptr_t pcs[kWays][kFrames];
};
__thread RecentStacks tls_recent;

uint32_t depot_put_shared(const uintptr_t* pcs, std::size_t n, uint64_t h) {
  unsigned si = static_cast<unsigned>(h) & (kShards - 1);
  Shard& s = shards()[si];
  InternalLock l(s.lock);
  auto range = s.by_hash.equal_range(h);
  for (auto it = range.first; it != range.second; ++it) {
    const std::vector<uintptr_t>& st = s.stacks[it->second >> kShardBits];
    if (st.size() == n && std::equal(st.begin(), st.end(), pcs)) return it->second;
  }
  // Index 0 of shard 0 would be id 0: reserve it for the empty stack.
  if (si == 0 && s.stacks.empty()) s.stacks.emplace_back();
  uint32_t id = static_cast<uint32_t>(s.stacks.size()) << kShardBits | si;
  s.stacks.emplace_back(pcs, pcs + n);
  s.by_hash.emplace(h, id);
  return id;
}

}  // namespace

uint32_t depot_put(const uintptr_t* pcs, std::size_t n) {
  if (n == 0) return 0;
  uint64_t h = hash_stack(pcs, n);
  RecentStacks& recent = tls_recent;
  const std::size_t way = h % RecentStacks::kWays;
  if (recent.hash[way] == h && recent.n[way] == n && std::equal(pcs, pcs + n, recent.pcs[way])) return recent.id[way];
  const uint32_t id = depot_put_shared(pcs, n, h);
  if (n <= RecentStacks::kFrames) {
    recent.hash[way] = h;
    recent.id[way] = id;
    recent.n[way] = static_cast<uint32_t>(n);
    std::copy(pcs, pcs + n, recent.pcs[way]);
  }
  return id;
}

std::vector<uintptr_t> depot_get(uint32_t id) {
  if (id == 0) return {};
  Shard& s = shards()[id & (kShards - 1)];
  InternalLock l(s.lock);
  std::size_t i = id >> kShardBits;
  return i < s.stacks.size() ? s.stacks[i] : std::vector<uintptr_t>{};
}

}  // namespace chansan

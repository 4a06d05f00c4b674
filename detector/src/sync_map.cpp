// SyncMap and SlotPool; see sync_map.hpp.
#include "sync_map.hpp"

namespace chansan {

void SyncMap::erase_range(uintptr_t begin, std::size_t size) {
  uintptr_t end = begin + size;
  for (Shard& s : shards_) {
    std::lock_guard<std::mutex> l(s.lock);
    if (size <= 64) {  // small ranges: probe each address instead of scanning
      for (uintptr_t a = begin; a < end; a++) s.clocks.erase(a);
      continue;
    }
    for (auto it = s.clocks.begin(); it != s.clocks.end();) {
      it = (it->first >= begin && it->first < end) ? s.clocks.erase(it) : std::next(it);
    }
  }
}

std::size_t SyncMap::size() {
  std::size_t n = 0;
  for (Shard& s : shards_) {
    std::lock_guard<std::mutex> l(s.lock);
    n += s.clocks.size();
  }
  return n;
}

SlotPool::SlotPool() { reset(); }

void SlotPool::reset() {
  std::lock_guard<std::mutex> l(lock_);
  for (int i = 0; i < kSlots; i++) {
    next_epoch_[i] = 1;
    used_[i] = false;
  }
  hint_ = 0;
}

bool SlotPool::acquire(Sid& sid, Epoch& epoch) {
  std::lock_guard<std::mutex> l(lock_);
  for (int k = 0; k < kSlots; k++) {
    int i = (hint_ + k) % kSlots;
    if (used_[i]) continue;
    if (next_epoch_[i] == kEpochLast) return false;
    used_[i] = true;
    sid = static_cast<Sid>(i);
    epoch = next_epoch_[i]++;
    hint_ = (i + 1) % kSlots;
    return true;
  }
  return false;
}

void SlotPool::release(Sid sid) {
  std::lock_guard<std::mutex> l(lock_);
  used_[sid] = false;
}

std::size_t SlotPool::in_use() {
  std::lock_guard<std::mutex> l(lock_);
  std::size_t n = 0;
  for (bool u : used_) n += u;
  return n;
}

}  // namespace chansan

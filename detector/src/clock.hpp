// Vector clocks indexed by slot, not by goroutine (detector/DESIGN.md,
// "Clocks"): a fixed kSlots entries of 32-bit epochs, so every acquire and
// release costs the same whatever the number of live goroutines.
//
// Invariants:
//  - A running goroutine owns one slot. Its clock's entry for that slot is
//    what it knows of the slot's earlier owners; its own epoch is kept apart
//    (state.hpp, GState::epoch), so a new owner never inherits an old one's past.
//  - Epochs of a slot only grow, across owners: 32 bits do not wrap in any
//    run this tool is meant for (kEpochLast stops detection with a message).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace chansan {

using Sid = uint8_t;      // slot id
using Epoch = uint32_t;   // per-slot logical time
constexpr int kSlots = 256;
constexpr Epoch kEpochZero = 0;
constexpr Epoch kEpochLast = 0xffffffffu;

class VectorClock {
 public:
  VectorClock() { reset(); }

  Epoch get(Sid s) const { return clk_[s]; }
  void set(Sid s, Epoch e) {
    clk_[s] = e;
    if (s >= used_) used_ = static_cast<uint16_t>(s + 1);
  }
  void reset() {
    std::memset(clk_, 0, sizeof clk_);
    used_ = 0;
  }
  // Entries at and above used() are zero: slots are handed out from 0 up,
  // so a program with few goroutines joins short clocks.
  int used() const { return used_; }

  // An event at (s, e) happens before the owner of this clock's next event.
  bool has_seen(Sid s, Epoch e) const { return e <= clk_[s]; }

  // Acquire: this = max(this, src).
  void acquire(const VectorClock& src) { acquire(src.clk_, src.used_); }
  void acquire(const Epoch* src, int n) {
    for (int i = 0; i < n; i++) clk_[i] = clk_[i] > src[i] ? clk_[i] : src[i];
    if (n > used_) used_ = static_cast<uint16_t>(n);
  }
  const Epoch* data() const { return clk_; }
  // Release: dst = max(dst, this).
  void release_to(VectorClock& dst) const { dst.acquire(*this); }
  // Release-store: dst = this (the sync object forgets earlier releasers,
  // e.g. a mutex unlocked by a goroutine that acquired it).
  void release_store_to(VectorClock& dst) const {
    std::memcpy(dst.clk_, clk_, sizeof clk_);
    dst.used_ = used_;
  }

  bool operator==(const VectorClock& o) const { return std::memcmp(clk_, o.clk_, sizeof clk_) == 0; }

 private:
  alignas(64) Epoch clk_[kSlots];
  uint16_t used_ = 0;
};
// 1 KiB of epochs, the count, and the padding alignas(64) adds: one clock
// per goroutine must fit the 2 KiB per-goroutine budget (DESIGN.md) with
// room for the rest of GState.
constexpr std::size_t kClockBytes = kSlots * sizeof(Epoch) + 64;
static_assert(sizeof(VectorClock) <= kClockBytes, "a clock must stay within the per-goroutine budget");

// The clock of a sync object (SyncMap): as long as the highest slot it has
// heard of, not kSlots. A mutex used by a few goroutines costs a few words,
// not a KiB; a program with 100k locks or atomics pays for what it uses.
// Its memory comes from malloc: callers hold the detector's InternalScope,
// so the interceptors pass it through untracked.
class SyncClock {
 public:
  SyncClock() = default;
  ~SyncClock() { std::free(e_); }
  SyncClock(SyncClock&& o) noexcept : e_(o.e_), used_(o.used_), cap_(o.cap_) {
    o.e_ = nullptr;
    o.used_ = o.cap_ = 0;
  }
  SyncClock(const SyncClock&) = delete;
  SyncClock& operator=(const SyncClock&) = delete;

  Epoch get(Sid s) const { return s < used_ ? e_[s] : kEpochZero; }
  void set(Sid s, Epoch e) {
    extend(s + 1);
    e_[s] = e;
  }
  int used() const { return used_; }
  void reset() { used_ = 0; }
  bool has_seen(Sid s, Epoch e) const { return e <= get(s); }
  // this = max(this, src): a release into the object.
  void acquire(const VectorClock& src) {
    const int n = src.used();
    extend(n);
    const Epoch* from = src.data();
    for (int i = 0; i < n; i++) e_[i] = e_[i] > from[i] ? e_[i] : from[i];
  }
  const Epoch* data() const { return e_; }
  // Copies the entries into out (room for kSlots) without the owner's lock,
  // for a reader that validates the copy afterwards (SyncMap's sequence
  // count): every field is read atomically, so a copy made while a writer
  // changes the clock is torn but harmless, and thrown away.
  int copy_unlocked(Epoch* out) const {
    int n = __atomic_load_n(&used_, __ATOMIC_RELAXED);
    Epoch* e = __atomic_load_n(&e_, __ATOMIC_RELAXED);
    if (n > kSlots || (n > 0 && !e)) return 0;
    for (int i = 0; i < n; i++) out[i] = __atomic_load_n(&e[i], __ATOMIC_RELAXED);
    return n;
  }

 private:
  // Entries [used_, n) become zero; storage grows by doubling.
  void extend(int n) {
    if (n <= used_) return;
    if (n > cap_) {
      int cap = cap_ ? cap_ : 4;
      while (cap < n) cap *= 2;
      if (cap > kSlots) cap = kSlots;
      e_ = static_cast<Epoch*>(std::realloc(e_, sizeof(Epoch) * static_cast<std::size_t>(cap)));
      if (!e_) std::abort();
      cap_ = static_cast<uint16_t>(cap);
    }
    std::memset(e_ + used_, 0, sizeof(Epoch) * static_cast<std::size_t>(n - used_));
    used_ = static_cast<uint16_t>(n);
  }
  Epoch* e_ = nullptr;
  uint16_t used_ = 0;
  uint16_t cap_ = 0;
};

// A goroutine's clock learns a sync object's.
inline void acquire_from(VectorClock& dst, const SyncClock& src) { dst.acquire(src.data(), src.used()); }
inline void acquire_from(VectorClock& dst, const VectorClock& src) { dst.acquire(src); }

}  // namespace chansan

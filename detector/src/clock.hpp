// Vector clocks indexed by slot, not by goroutine (detector/DESIGN.md,
// "Clocks"): a fixed kSlots entries of 16-bit epochs, so every acquire and
// release costs the same whatever the number of live goroutines.
//
// Invariants:
//  - A running goroutine owns one slot; its clock's entry for that slot is
//    the epoch of its latest event.
//  - Epochs only grow within a generation; kEpochLast is never handed out
//    (reaching it triggers a reset, which starts a new generation).
#pragma once

#include <cstdint>
#include <cstring>

namespace chansan {

using Sid = uint8_t;      // slot id
using Epoch = uint16_t;   // per-slot logical time
constexpr int kSlots = 256;
constexpr Epoch kEpochZero = 0;
constexpr Epoch kEpochLast = 0xffff;

class VectorClock {
 public:
  VectorClock() { reset(); }

  Epoch get(Sid s) const { return clk_[s]; }
  void set(Sid s, Epoch e) { clk_[s] = e; }
  void reset() { std::memset(clk_, 0, sizeof clk_); }

  // An event at (s, e) happens before the owner of this clock's next event.
  bool has_seen(Sid s, Epoch e) const { return e <= clk_[s]; }

  // Acquire: this = max(this, src).
  void acquire(const VectorClock& src) {
    for (int i = 0; i < kSlots; i++) clk_[i] = clk_[i] > src.clk_[i] ? clk_[i] : src.clk_[i];
  }
  // Release: dst = max(dst, this).
  void release_to(VectorClock& dst) const { dst.acquire(*this); }
  // Release-store: dst = this (the sync object forgets earlier releasers,
  // e.g. a mutex unlocked by a goroutine that acquired it).
  void release_store_to(VectorClock& dst) const { std::memcpy(dst.clk_, clk_, sizeof clk_); }

  bool operator==(const VectorClock& o) const { return std::memcmp(clk_, o.clk_, sizeof clk_) == 0; }

 private:
  alignas(64) Epoch clk_[kSlots];
};
static_assert(sizeof(VectorClock) == 512, "a clock must stay within the per-goroutine budget");

}  // namespace chansan

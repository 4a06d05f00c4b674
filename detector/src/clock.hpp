// Vector clocks indexed by slot, not by goroutine (detector/DESIGN.md,
// "Clocks"): a fixed kSlots entries of 32-bit epochs, so every acquire and
// release costs the same whatever the number of live goroutines.
//
// Invariants:
//  - A running goroutine owns one slot. Its clock's entry for that slot is
//    what it knows of the slot's earlier owners; its own epoch is kept apart
//    (runtime.hpp, GState), so a new owner never inherits an old one's past.
//  - Epochs of a slot only grow, across owners: 32 bits do not wrap in any
//    run this tool is meant for (kEpochLast stops detection with a message).
#pragma once

#include <cstdint>
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
  void acquire(const VectorClock& src) {
    const int n = src.used_;
    for (int i = 0; i < n; i++) clk_[i] = clk_[i] > src.clk_[i] ? clk_[i] : src.clk_[i];
    if (n > used_) used_ = static_cast<uint16_t>(n);
  }
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
static_assert(sizeof(VectorClock) <= 1088, "a clock must stay within the per-goroutine budget");

}  // namespace chansan

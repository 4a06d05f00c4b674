// The history of a slot (TSan's trace): a ring of 16-byte events written by
// the slot's owner — accesses with their PC, function entries and exits,
// epoch changes, owner changes — from which the stack of an earlier access
// is restored when it turns out to race (detector/DESIGN.md, "Reports").
//
// Invariants:
//  - The ring holds `size` events (a power of two) in parts of kPartEvents.
//    Every part starts with an owner header (goroutine, epoch, creation
//    stack) followed by that owner's call stack as entry events, so replay
//    can start at any part boundary.
//  - Only the slot's running owner writes; `pos` counts events ever written.
//    A reader copies a range, then re-reads `pos` and drops what the writer
//    may have overwritten meanwhile: restored stacks are never torn.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "clock.hpp"

namespace chansan {

// One 16-byte event of a slot's history, bit-packed:
//   a: bits 62-63 the type; for an access, bits 0-47 the PC, flags at
//      48 (write), 49 (atomic), 50 (free), and in bits 51-55, for a loop's
//      range, log2 of the bytes each iteration accessed, plus one (0: a
//      single access, or a mem* range); for an entry, the return
//      address; for a meta event, bit 61 set for an epoch change, else an
//      owner header with the goroutine id in bits 0-47.
//   b: for an access, bits 0-47 the address and 48-63 the size (sizes of
//      kMaxSize and above are stored as kMaxSize); for a meta event, the
//      epoch in bits 0-31 and, in an owner header, the creation stack in
//      bits 32-63.
class Event {
 public:
  enum Type : uint64_t { kAccess = 0, kEnter = 1, kExit = 2, kMeta = 3 };
  static constexpr uint64_t kMaxSize = 0xffff;

  Event() = default;
  static Event access(uintptr_t pc, uintptr_t addr, std::size_t size, bool is_write, bool is_atomic,
                      bool is_free, std::size_t each = 0) {
    uint64_t sz = size < kMaxSize ? size : kMaxSize;
    // Only a power of two below the whole size is kept (the report then
    // names one iteration's access; otherwise the whole range).
    const uint64_t each_bits =
        each && (each & (each - 1)) == 0 && each < size && each < (std::size_t{1} << 31)
            ? static_cast<uint64_t>(__builtin_ctzll(each) + 1) << kEachShift
            : 0;
    return {pc | (is_write ? kWrite : 0) | (is_atomic ? kAtomic : 0) | (is_free ? kFree : 0) | each_bits,
            (addr & kLow48) | sz << 48};
  }
  static Event enter(uintptr_t return_pc) { return {kEnter << 62 | (return_pc & kLow48), 0}; }
  static Event exit() { return {kExit << 62, 0}; }
  static Event owner(uint64_t goid, Epoch e, uint32_t create_stack) {
    return {kMeta << 62 | (goid & kLow48), e | uint64_t{create_stack} << 32};
  }
  static Event epoch_change(Epoch e) { return {kMeta << 62 | kEpochChange, e}; }

  Type type() const { return static_cast<Type>(a_ >> 62); }
  bool is_epoch_change() const { return type() == kMeta && (a_ & kEpochChange); }
  bool is_owner() const { return type() == kMeta && !(a_ & kEpochChange); }
  // An access, or an entry: the PC (an entry's is the return address).
  uintptr_t pc() const { return a_ & kLow48; }
  bool is_write() const { return a_ & kWrite; }
  bool is_atomic() const { return a_ & kAtomic; }
  bool is_free() const { return a_ & kFree; }
  // A loop's range: the bytes each iteration accessed; 0 otherwise.
  std::size_t each() const {
    const uint64_t bits = (a_ >> kEachShift) & 31;
    return bits ? std::size_t{1} << (bits - 1) : 0;
  }
  uintptr_t addr() const { return b_ & kLow48; }
  uint64_t size() const { return b_ >> 48; }  // kMaxSize: that many or more
  // Meta events.
  uint64_t goid() const { return a_ & kLow48; }
  Epoch epoch() const { return static_cast<Epoch>(b_); }
  uint32_t create_stack() const { return static_cast<uint32_t>(b_ >> 32); }

 private:
  static constexpr uint64_t kLow48 = (uint64_t{1} << 48) - 1;
  static constexpr uint64_t kWrite = uint64_t{1} << 48;
  static constexpr uint64_t kAtomic = uint64_t{1} << 49;
  static constexpr uint64_t kFree = uint64_t{1} << 50;
  static constexpr unsigned kEachShift = 51;
  static constexpr uint64_t kEpochChange = uint64_t{1} << 61;
  Event(uint64_t a, uint64_t b) : a_(a), b_(b) {}
  uint64_t a_ = 0;
  uint64_t b_ = 0;
};
static_assert(sizeof(Event) == 16);

struct Trace {
  // A part header repeats the owner and its call stack: 1024 events (16
  // KiB) per part keeps that cost under 1% for stacks of ordinary depth,
  // and replay never reads more than the ring plus one part.
  static constexpr uint64_t kPartEvents = 1024;
  static_assert((kPartEvents & (kPartEvents - 1)) == 0, "part boundaries are found by masking");
  Event* events = nullptr;  // reserved on the slot's first use
  uint64_t mask = 0;        // size - 1
  std::atomic<uint64_t> pos{0};
};

// What replay finds of an earlier access.
struct RestoredAccess {
  bool found = false;
  uint64_t goid = 0;
  uint32_t create_stack = 0;
  std::vector<uintptr_t> pcs;  // innermost first: the access PC, then return addresses
  uintptr_t addr = 0;
  std::size_t size = 0;
  bool is_free = false;
};

// Searches `t` for the last access at `epoch` that touched the bytes
// `mask` of the granule at `granule`, with that kind (with only_free, the
// free that left a freed mark, not a later write of the same epoch).
RestoredAccess restore_access(const Trace& t, Epoch epoch, uintptr_t granule, uint8_t mask,
                              bool is_write, bool is_atomic, bool only_free = false);

// Owner of `epoch` in the trace (for an access whose event is lost):
// returns false if the trace no longer covers it.
bool restore_owner(const Trace& t, Epoch epoch, uint64_t& goid, uint32_t& create_stack);

}  // namespace chansan

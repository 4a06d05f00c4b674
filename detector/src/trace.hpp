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

struct Event {
  uint64_t a;
  uint64_t b;
};

enum EventType : uint64_t { kEvAccess = 0, kEvEnter = 1, kEvExit = 2, kEvMeta = 3 };
constexpr uint64_t kPcMask = (uint64_t{1} << 48) - 1;
constexpr uint64_t kEvWrite = uint64_t{1} << 48;
constexpr uint64_t kEvAtomic = uint64_t{1} << 49;
constexpr uint64_t kEvFree = uint64_t{1} << 50;
constexpr uint64_t kEvMetaEpoch = uint64_t{1} << 61;  // else an owner header
constexpr uint64_t kEvMaxSize = 0xffff;               // sizes above are stored as this

inline Event ev_access(uintptr_t pc, uintptr_t addr, std::size_t size, bool is_write,
                       bool is_atomic, bool is_free) {
  uint64_t sz = size < kEvMaxSize ? size : kEvMaxSize;
  return {pc | (is_write ? kEvWrite : 0) | (is_atomic ? kEvAtomic : 0) | (is_free ? kEvFree : 0),
          (addr & kPcMask) | sz << 48};
}
inline Event ev_enter(uintptr_t pc) { return {kEvEnter << 62 | (pc & kPcMask), 0}; }
inline Event ev_exit() { return {kEvExit << 62, 0}; }
inline Event ev_owner(uint64_t goid, Epoch e, uint32_t create_stack) {
  return {kEvMeta << 62 | (goid & kPcMask), e | uint64_t{create_stack} << 32};
}
inline Event ev_epoch(Epoch e) { return {kEvMeta << 62 | kEvMetaEpoch, e}; }

struct Trace {
  static constexpr uint64_t kPartEvents = 1024;
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
// `mask` of the granule at `granule`, with that kind.
RestoredAccess restore_access(const Trace& t, Epoch epoch, uintptr_t granule, uint8_t mask,
                              bool is_write, bool is_atomic);

// Owner of `epoch` in the trace (for an access whose event is lost):
// returns false if the trace no longer covers it.
bool restore_owner(const Trace& t, Epoch epoch, uint64_t& goid, uint32_t& create_stack);

}  // namespace chansan

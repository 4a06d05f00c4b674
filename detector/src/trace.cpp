// Replay of a slot's trace; see trace.hpp.
#include "trace.hpp"

namespace chansan {
namespace {

// Copies the events the ring still holds, from a part boundary on, and
// drops any the writer may have overwritten during the copy.
bool snapshot(const Trace& t, std::vector<Event>& out) {
  if (!t.events) return false;
  const uint64_t size = t.mask + 1;
  const uint64_t part = Trace::kPartEvents;
  uint64_t end = t.pos.load(std::memory_order_acquire);
  // The oldest part may be under rewrite: start after it.
  uint64_t start = end > size ? end - size + part : 0;
  start = (start + part - 1) & ~(part - 1);
  if (start >= end) return false;
  out.resize(end - start);
  for (uint64_t i = start; i < end; i++) out[i - start] = t.events[i & t.mask];
  std::atomic_thread_fence(std::memory_order_acquire);
  uint64_t end2 = t.pos.load(std::memory_order_relaxed);
  uint64_t valid = end2 > size ? end2 - size : 0;
  if (valid > start) {
    uint64_t new_start = (valid + part - 1) & ~(part - 1);
    if (new_start >= end) return false;
    out.erase(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(new_start - start));
  }
  return true;
}

// Walks the events, keeping the owner, epoch and call stack current, and
// calls visit(event, owner goid, create stack, epoch, stack) for accesses.
template <class Visit>
void replay(const std::vector<Event>& evs, Visit visit) {
  std::vector<uintptr_t> stack;
  uint64_t goid = 0;
  uint32_t create = 0;
  Epoch epoch = 0;
  bool have_owner = false;
  for (const Event& e : evs) {
    switch (e.type()) {
      case Event::kMeta:
        epoch = e.epoch();
        if (e.is_owner()) {
          goid = e.goid();
          create = e.create_stack();
          stack.clear();
          have_owner = true;
        }
        break;
      case Event::kEnter:
        stack.push_back(e.pc());
        break;
      case Event::kExit:
        if (!stack.empty()) stack.pop_back();
        break;
      case Event::kAccess:
        if (have_owner) visit(e, goid, create, epoch, stack);
        break;
    }
  }
}

}  // namespace

RestoredAccess restore_access(const Trace& t, Epoch epoch, uintptr_t granule, uint8_t mask,
                              bool is_write, bool is_atomic, bool only_free) {
  RestoredAccess r;
  std::vector<Event> evs;
  if (!snapshot(t, evs) || mask == 0) return r;
  uintptr_t lo = granule + static_cast<unsigned>(__builtin_ctz(mask));
  uintptr_t hi = granule + 32 - static_cast<unsigned>(__builtin_clz(mask));
  replay(evs, [&](const Event& e, uint64_t goid, uint32_t create, Epoch ep,
                  const std::vector<uintptr_t>& stack) {
    if (ep != epoch) return;
    if (e.is_write() != is_write || e.is_atomic() != is_atomic) return;
    if (only_free && !e.is_free()) return;  // a freed mark: its free, not a write of the epoch after it
    uintptr_t addr = e.addr();
    uint64_t size = e.size();
    uintptr_t end = size == Event::kMaxSize ? ~uintptr_t{0} : addr + size;
    if (addr >= hi || end <= lo) return;
    r.found = true;
    r.goid = goid;
    r.create_stack = create;
    r.addr = addr;
    r.size = size;
    if (const std::size_t each = e.each()) {  // a loop's range: the iteration at the first byte
      r.addr = addr + ((lo > addr ? lo : addr) - addr) / each * each;
      r.size = each;
    }
    r.is_free = e.is_free();
    r.pcs.clear();
    r.pcs.push_back(e.pc());
    for (auto it = stack.rbegin(); it != stack.rend(); ++it) r.pcs.push_back(*it);
  });
  return r;
}

bool restore_owner(const Trace& t, Epoch epoch, uint64_t& goid, uint32_t& create_stack) {
  std::vector<Event> evs;
  if (!snapshot(t, evs)) return false;
  bool found = false;
  for (const Event& e : evs) {
    if (!e.is_owner()) continue;
    if (e.epoch() > epoch) break;
    goid = e.goid();
    create_stack = e.create_stack();
    found = true;
  }
  return found;
}

}  // namespace chansan

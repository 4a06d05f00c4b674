// Goroutine stack pool; see stack.hpp for the invariants.
#include "stack.hpp"

#include <new>

#include "check.hpp"
#include "platform/os.hpp"
#include "spinlock.hpp"

namespace csp::rt {
namespace {

// 256 KiB of address space per goroutine: C++ frames are larger than Go's and
// cannot grow, and untouched pages cost nothing but address space.
constexpr std::size_t kStackBytes = 256 * 1024;
constexpr int kStacksPerSlab = 32;
// Two mappings per guarded stack; keep well under vm.max_map_count (65530).
constexpr int kGuardedStacks = 16384;

struct Pool {
  SpinLock lock;
  Stack* free_head CSP_GUARDED_BY(lock) = nullptr;
  char* slab_next CSP_GUARDED_BY(lock) = nullptr;
  int slab_left CSP_GUARDED_BY(lock) = 0;
  int carved CSP_GUARDED_BY(lock) = 0;
};
Pool& pool() {
  static Pool* p = new Pool;  // never destroyed: workers may outlive exit()
  return *p;
}

// The free-list node of a free stack lives at its top.
Stack* node_of(const Stack& s) { return reinterpret_cast<Stack*>(s.hi - sizeof(Stack)); }

}  // namespace

std::size_t stack_size() { return kStackBytes; }

bool stack_overflowed(const Stack& s, const void* sp) {
  constexpr std::size_t kOverflowMargin = 32 * 1024;
  return static_cast<const char*>(sp) < s.lo + kOverflowMargin;
}

Stack stack_alloc() {
  Pool& p = pool();
  SpinGuard g(p.lock);
  if (Stack* n = p.free_head) {
    p.free_head = n->next_free;
    return *n;
  }
  const std::size_t page = os::page_size();
  const std::size_t span = kStackBytes + page;  // guard page + usable stack
  if (p.slab_left == 0) {
    p.slab_next = static_cast<char*>(os::map_pages(span * kStacksPerSlab));
    p.slab_left = kStacksPerSlab;
  }
  char* base = p.slab_next;
  p.slab_next += span;
  p.slab_left--;
  Stack s;
  s.lo = base + page;
  s.hi = base + span;
  s.guarded = p.carved++ < kGuardedStacks;
  if (s.guarded) os::protect_none(base, page);
  return s;
}

void stack_free(Stack s) {
  Pool& p = pool();
  Stack* n = new (node_of(s)) Stack(s);
  SpinGuard g(p.lock);
  n->next_free = p.free_head;
  p.free_head = n;
}

Stack StackCache::get() {
  if (Stack* n = head_) {
    head_ = n->next_free;
    count_--;
    return *n;
  }
  return stack_alloc();
}

void StackCache::put(Stack s) {
  if (count_ >= kMax) return stack_free(s);
  Stack* n = new (node_of(s)) Stack(s);
  n->next_free = head_;
  head_ = n;
  count_++;
}

}  // namespace csp::rt

// The parking lot; see parking_lot.hpp for the invariants.
#include "parking_lot.hpp"

#include <climits>
#include <cstddef>

#include "sched.hpp"
#include "spinlock.hpp"
#include "wf.hpp"

namespace csp::rt {
namespace {

struct ParkNode {
  G* g;
  const void* key;
  ParkNode* next;
};

struct alignas(64) Bucket {
  SpinLock lock;
  ParkNode* head CSP_GUARDED_BY(lock) = nullptr;  // FIFO
  ParkNode* tail CSP_GUARDED_BY(lock) = nullptr;
};

constexpr std::size_t kBuckets = 251;  // prime, as Go's semTabSize
// Runtime-owned (wf.hpp): the buckets link the park nodes of every waiter,
// which must not look to the deadlock detector like a path from user
// memory to the waiters' stacks.
Bucket* const g_buckets = [] {
  wf::RuntimeOwned own;
  return new Bucket[kBuckets];
}();

Bucket& bucket_for(const void* key) {
  auto a = reinterpret_cast<uintptr_t>(key);
  return g_buckets[(a >> 3) % kBuckets];
}

}  // namespace

// Parks with the bucket lock held (released after the switch).
CSP_NO_TSA void wait_on(const std::atomic<uint32_t>* word, uint32_t expected, WaitReason reason,
                        const void* pc, const void* obj) {
  Bucket& b = bucket_for(word);
  b.lock.lock();
  if (word->load(std::memory_order_seq_cst) != expected) {
    b.lock.unlock();
    return;
  }
  ParkNode n{current_g(), word, nullptr};
  if (b.tail) {
    b.tail->next = &n;
  } else {
    b.head = &n;
  }
  b.tail = &n;
  park(reason, pc, obj, SpinLock::unlock_fn, &b.lock);
}

void wake_on(const void* word, int count) {
  Bucket& b = bucket_for(word);
  G* woken[8];
  int nwoken = 0;
  b.lock.lock();
  ParkNode* prev = nullptr;
  for (ParkNode* n = b.head; n && count > 0;) {
    ParkNode* next = n->next;
    if (n->key == word) {
      if (prev) {
        prev->next = next;
      } else {
        b.head = next;
      }
      if (b.tail == n) b.tail = prev;
      if (nwoken == 8) {  // flush outside the lock, then rescan from the top
        b.lock.unlock();
        for (G* g : woken) ready(g);
        nwoken = 0;
        woken[nwoken++] = n->g;
        count--;
        b.lock.lock();
        prev = nullptr;
        n = b.head;
        continue;
      }
      woken[nwoken++] = n->g;
      count--;
    } else {
      prev = n;
    }
    n = next;
  }
  b.lock.unlock();
  for (int i = 0; i < nwoken; i++) ready(woken[i]);
}

void sema_acquire(std::atomic<uint32_t>* sema, WaitReason reason, const void* pc, const void* obj) {
  for (;;) {
    uint32_t v = sema->load(std::memory_order_relaxed);
    while (v > 0) {
      if (sema->compare_exchange_weak(v, v - 1, std::memory_order_acquire)) return;
    }
    wait_on(sema, 0, reason, pc, obj);
  }
}

void sema_release(std::atomic<uint32_t>* sema, uint32_t n) {
  sema->fetch_add(n, std::memory_order_seq_cst);
  wake_on(sema, n > INT_MAX ? INT_MAX : static_cast<int>(n));
}

}  // namespace csp::rt

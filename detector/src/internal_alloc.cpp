// The detector's own heap: internal_alloc.hpp says why and what holds.
#include "internal_alloc.hpp"

#include <sys/mman.h>

#include <atomic>
#include <cstring>

#include "check.hpp"
#include "internal_mutex.hpp"

namespace chansan {
namespace {

constexpr std::size_t kArenaBytes = std::size_t{64} << 30;  // address space only (MAP_NORESERVE)
constexpr std::size_t kHeader = 16;
constexpr int kMinShift = 5;   // 32-byte class, header included
constexpr int kMaxShift = 20;  // 1 MiB
constexpr int kClasses = kMaxShift - kMinShift + 1;
constexpr uint32_t kLargeClass = 0xffff;
constexpr std::size_t kPage = 4096;

struct Header {
  uint32_t cls;    // class index, or kLargeClass
  uint32_t delta;  // user pointer - block start
  uint64_t pages;  // a large block's length in pages
};
static_assert(sizeof(Header) == kHeader);

struct FreeBlock {
  FreeBlock* next;
  std::size_t pages;  // large blocks only
};

struct SizeClass {
  InternalMutex lock;
  FreeBlock* free CSP_GUARDED_BY(lock) = nullptr;
};

std::atomic<uintptr_t> g_base{0};
std::atomic<uintptr_t> g_next{0};  // bump pointer
std::atomic<std::size_t> g_in_use{0};
InternalMutex g_init;
SizeClass g_classes[kClasses];
InternalMutex g_large_lock;
FreeBlock* g_large CSP_GUARDED_BY(g_large_lock) = nullptr;

uintptr_t base() {
  uintptr_t b = g_base.load(std::memory_order_acquire);
  if (__builtin_expect(b != 0, 1)) return b;
  InternalLock l(g_init);
  b = g_base.load(std::memory_order_relaxed);
  if (b == 0) {
    void* p = mmap(nullptr, kArenaBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) fatal_error("cannot reserve the detector's internal heap");
    b = reinterpret_cast<uintptr_t>(p);
    g_next.store(b, std::memory_order_relaxed);
    g_base.store(b, std::memory_order_release);
  }
  return b;
}

// Fresh bytes from the region's end, aligned to `align`.
uintptr_t bump(std::size_t bytes, std::size_t align) {
  base();
  uintptr_t cur = g_next.load(std::memory_order_relaxed);
  for (;;) {
    uintptr_t start = (cur + align - 1) & ~(align - 1);
    if (start + bytes > g_base.load(std::memory_order_relaxed) + kArenaBytes)
      fatal_error("the detector's internal heap is exhausted");
    if (g_next.compare_exchange_weak(cur, start + bytes, std::memory_order_relaxed)) return start;
  }
}

int class_of(std::size_t total) {
  int shift = kMinShift;
  while ((std::size_t{1} << shift) < total) shift++;
  return shift - kMinShift;
}

uintptr_t take_block(int cls) {
  SizeClass& c = g_classes[cls];
  {
    InternalLock l(c.lock);
    if (FreeBlock* b = c.free) {
      c.free = b->next;
      return reinterpret_cast<uintptr_t>(b);
    }
  }
  const std::size_t bytes = std::size_t{1} << (cls + kMinShift);
  return bump(bytes, bytes < kPage ? bytes : kPage);
}

uintptr_t take_pages(std::size_t pages) {
  {
    InternalLock l(g_large_lock);
    for (FreeBlock** link = &g_large; *link; link = &(*link)->next) {
      if ((*link)->pages >= pages) {  // first fit: the whole block, as freed
        FreeBlock* b = *link;
        *link = b->next;
        return reinterpret_cast<uintptr_t>(b);
      }
    }
  }
  return bump(pages * kPage, kPage);
}

}  // namespace

bool internal_owns(const void* p) {
  const auto a = reinterpret_cast<uintptr_t>(p);
  const uintptr_t b = g_base.load(std::memory_order_relaxed);
  return b != 0 && a >= b && a < b + kArenaBytes;
}

void* internal_alloc(std::size_t n, std::size_t align) {
  if (align < kHeader) align = kHeader;
  const std::size_t total = n + kHeader + (align > kHeader ? align : 0);
  uintptr_t block;
  uint32_t cls;
  std::size_t pages = 0;
  if (total <= (std::size_t{1} << kMaxShift)) {
    cls = static_cast<uint32_t>(class_of(total));
    block = take_block(static_cast<int>(cls));
  } else {
    cls = kLargeClass;
    pages = (total + kPage - 1) / kPage;
    block = take_pages(pages);
    // A reused large block may be longer than asked: keep its real length.
    pages = pages > reinterpret_cast<FreeBlock*>(block)->pages ? pages : reinterpret_cast<FreeBlock*>(block)->pages;
  }
  const uintptr_t user = (block + kHeader + align - 1) & ~(align - 1);
  auto* h = reinterpret_cast<Header*>(user - kHeader);
  h->cls = cls;
  h->delta = static_cast<uint32_t>(user - block);
  h->pages = pages;
  g_in_use.fetch_add(cls == kLargeClass ? pages * kPage : std::size_t{1} << (cls + kMinShift),
                     std::memory_order_relaxed);
  return reinterpret_cast<void*>(user);
}

void internal_free(void* p) {
  if (!p) return;
  const auto user = reinterpret_cast<uintptr_t>(p);
  const auto* h = reinterpret_cast<const Header*>(user - kHeader);
  const uint32_t cls = h->cls;
  const std::size_t pages = h->pages;
  auto* b = reinterpret_cast<FreeBlock*>(user - h->delta);
  if (cls == kLargeClass) {
    g_in_use.fetch_sub(pages * kPage, std::memory_order_relaxed);
    madvise(b, pages * kPage, MADV_DONTNEED);  // the pages go back; the addresses stay ours
    b->pages = pages;
    InternalLock l(g_large_lock);
    b->next = g_large;
    g_large = b;
    return;
  }
  CHANSAN_CHECK(cls < kClasses);
  g_in_use.fetch_sub(std::size_t{1} << (cls + kMinShift), std::memory_order_relaxed);
  SizeClass& c = g_classes[cls];
  InternalLock l(c.lock);
  b->next = c.free;
  c.free = b;
}

void* internal_realloc(void* p, std::size_t n) {
  if (!p) return internal_alloc(n);
  const auto user = reinterpret_cast<uintptr_t>(p);
  const auto* h = reinterpret_cast<const Header*>(user - kHeader);
  const std::size_t block_bytes =
      h->cls == kLargeClass ? h->pages * kPage : std::size_t{1} << (h->cls + kMinShift);
  const std::size_t room = block_bytes - h->delta;
  if (n <= room) return p;
  void* q = internal_alloc(n);
  std::memcpy(q, p, room);
  internal_free(p);
  return q;
}

std::size_t internal_bytes_in_use() { return g_in_use.load(std::memory_order_relaxed); }

}  // namespace chansan

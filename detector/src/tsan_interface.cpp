// ThreadSanitizer's hand-written annotations, for code written for TSan:
// the entry points of compiler-rt's <sanitizer/tsan_interface.h> and the
// dynamic annotations (AnnotateHappensBefore, ...) that libraries and
// tests call themselves, mapped onto chansan's own edges and checks.
//
// Invariants:
//  - An annotation makes exactly the edge or access TSan makes for it:
//    __tsan_release/AnnotateHappensBefore release the address as a sync
//    object, __tsan_acquire/AnnotateHappensAfter acquire it; the
//    __tsan_mutex_* annotations of a custom lock are the lock's edges and
//    its place in the lock-order graph, as a pthread mutex's are.
//  - An explicit access names the program's call site (or the pc it was
//    given) as the access's place, never a frame of this file.
//  - Names TSan reads from the program (the debugging hooks in namespace
//    __tsan) are weak here: the program's definition wins.
#include <cstdint>

#include "blocking.hpp"
#include "internal.hpp"

namespace chansan {
namespace {

}  // namespace

void explicit_access(const void* addr, std::size_t size, bool is_write, uintptr_t pc) {
  if (!tracking() || size == 0) return;
  if (GState* g = ready_state()) range_access(g, reinterpret_cast<uintptr_t>(addr), size, is_write, pc);
}

namespace {

// TSan's flags for __tsan_mutex_*: only these change what the edge is.
constexpr unsigned kMutexReadLock = 1u << 3;   // __tsan_mutex_read_lock
constexpr unsigned kMutexTryLock = 1u << 4;    // __tsan_mutex_try_lock
constexpr unsigned kMutexTryFailed = 1u << 5;  // __tsan_mutex_try_lock_failed

void mutex_locked(void* m, unsigned flags, uintptr_t pc) {
  if ((flags & kMutexTryLock) && (flags & kMutexTryFailed)) return;
  program_lock_acquired(m, (flags & kMutexReadLock) ? hooks::LockMode::shared : hooks::LockMode::exclusive, pc);
}

}  // namespace
}  // namespace chansan

using namespace chansan;

extern "C" {

void __tsan_acquire(void* addr) { acquire_obj(addr); }
void __tsan_release(void* addr) { release_obj(addr); }

#define CHANSAN_TSAN_ACCESS(N)                                                                        \
  void __tsan_read##N(void* a) { explicit_access(a, N, false, CS_PC); }                               \
  void __tsan_write##N(void* a) { explicit_access(a, N, true, CS_PC); }                               \
  void __tsan_unaligned_read##N(const void* a) { explicit_access(a, N, false, CS_PC); }               \
  void __tsan_unaligned_write##N(void* a) { explicit_access(a, N, true, CS_PC); }                     \
  void __tsan_read##N##_pc(void* a, void* pc) { explicit_access(a, N, false, reinterpret_cast<uintptr_t>(pc)); } \
  void __tsan_write##N##_pc(void* a, void* pc) { explicit_access(a, N, true, reinterpret_cast<uintptr_t>(pc)); }
CHANSAN_TSAN_ACCESS(1)
CHANSAN_TSAN_ACCESS(2)
CHANSAN_TSAN_ACCESS(4)
CHANSAN_TSAN_ACCESS(8)
CHANSAN_TSAN_ACCESS(16)
#undef CHANSAN_TSAN_ACCESS

void __tsan_read_range(void* a, unsigned long size) { explicit_access(a, size, false, CS_PC); }
void __tsan_write_range(void* a, unsigned long size) { explicit_access(a, size, true, CS_PC); }
void __tsan_read_range_pc(void* a, unsigned long size, void* pc) {
  explicit_access(a, size, false, reinterpret_cast<uintptr_t>(pc));
}
void __tsan_write_range_pc(void* a, unsigned long size, void* pc) {
  explicit_access(a, size, true, reinterpret_cast<uintptr_t>(pc));
}

// Custom mutexes (absl::Mutex and the like when built for TSan): the
// acquire after a successful lock, the release before the unlock.
void __tsan_mutex_create(void*, unsigned) {}
void __tsan_mutex_destroy(void*, unsigned) {}
void __tsan_mutex_pre_lock(void*, unsigned) {}
void __tsan_mutex_post_lock(void* m, unsigned flags, int) { mutex_locked(m, flags, CS_PC); }
int __tsan_mutex_pre_unlock(void* m, unsigned) {
  program_lock_released(m);
  return 0;
}
void __tsan_mutex_post_unlock(void*, unsigned) {}
void __tsan_mutex_pre_signal(void* addr, unsigned) { release_obj(addr); }
void __tsan_mutex_post_signal(void*, unsigned) {}
void __tsan_mutex_pre_divert(void*, unsigned) {}
void __tsan_mutex_post_divert(void*, unsigned) {}

// The dynamic annotations (file and line are TSan's for its own messages).
void AnnotateHappensBefore(const char*, int, void* addr) { release_obj(addr); }
void AnnotateHappensAfter(const char*, int, void* addr) { acquire_obj(addr); }
void AnnotateRWLockCreate(const char*, int, void*) {}
void AnnotateRWLockCreateStatic(const char*, int, void*) {}
void AnnotateRWLockDestroy(const char*, int, void*) {}
void AnnotateRWLockAcquired(const char*, int, void* m, long is_w) {
  mutex_locked(m, is_w ? 0 : kMutexReadLock, CS_PC);
}
void AnnotateRWLockReleased(const char*, int, void* m, long) { program_lock_released(m); }

}  // extern "C"

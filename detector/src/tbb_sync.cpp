// oneTBB's task scheduler as chansan sees it. TBB's scheduler is in the
// uninstrumented libtbb: a task spawned on one thread and run on another
// (stolen) crosses over through atomics chansan never sees, so without
// this every parallel_for reports its own task objects and the program's
// data (ThreadSanitizer does: 12 reports on tests/lit/cxx/lib_tbb.cpp).
//
// The edges, as TBB's documentation promises them:
//  - spawn, enqueue and execute_and_wait of a task release on the task's
//    address; the task's execute() acquires there when it starts (the pass
//    calls __chansan_task_start at the entry of every override of
//    tbb::detail::d1::task::execute).
//  - a task's execute() releases when it returns, into one key for all
//    tasks; wait and execute_and_wait acquire it when they return: what
//    every finished task did is ordered before the wait's return. (One key
//    over-orders: a waiter also learns of tasks of other waits. Races
//    between tasks that run at once are still found.)
//  - memory from TBB's small-object pool (task objects, recycled across
//    threads inside libtbb) is new memory: its shadow and sync objects are
//    forgotten, as malloc's are.
//
// The entry points are libtbb's exported r1 functions, defined here again
// under their symbol names (which have no version in them) and weak: the
// dynamic linker binds the program's calls to these, each of which calls
// libtbb's through dlsym(RTLD_NEXT).
#include <dlfcn.h>

#include <cstddef>
#include <cstdint>

#include "internal.hpp"

namespace chansan {
namespace {

// Above user space and below the fd keys (fd_sync.cpp): never a program address.
constexpr uintptr_t kTaskJoinKey = (uintptr_t{1} << 61) - 4096;
// Where a d1::wait_context keeps its reference count (after the 8-byte
// version word, <oneapi/tbb/detail/_task.h>): a task's end decrements it
// in header code, an instrumented read-modify-write that releases there,
// before the waiter can wake; the waiter acquires it when the wait returns.
constexpr uintptr_t kWaitContextRefCount = 8;

void fresh_memory(void* p, std::size_t n) {
  if (p && n > 0 && tracking()) forget_memory(reinterpret_cast<uintptr_t>(p), n);
}

#define CHANSAN_TBB_SPAWN "_ZN3tbb6detail2r15spawnERNS0_2d14taskERNS2_18task_group_contextE"
#define CHANSAN_TBB_SPAWN_AT "_ZN3tbb6detail2r15spawnERNS0_2d14taskERNS2_18task_group_contextEt"
#define CHANSAN_TBB_ENQUEUE "_ZN3tbb6detail2r17enqueueERNS0_2d14taskEPNS2_15task_arena_baseE"
#define CHANSAN_TBB_ENQUEUE_CTX \
  "_ZN3tbb6detail2r17enqueueERNS0_2d14taskERNS2_18task_group_contextEPNS2_15task_arena_baseE"
#define CHANSAN_TBB_EXECUTE_AND_WAIT \
  "_ZN3tbb6detail2r116execute_and_waitERNS0_2d14taskERNS2_18task_group_contextERNS2_12wait_contextES6_"
#define CHANSAN_TBB_WAIT "_ZN3tbb6detail2r14waitERNS0_2d112wait_contextERNS2_18task_group_contextE"
#define CHANSAN_TBB_ALLOCATE "_ZN3tbb6detail2r18allocateERPNS0_2d117small_object_poolEm"
#define CHANSAN_TBB_ALLOCATE_ED "_ZN3tbb6detail2r18allocateERPNS0_2d117small_object_poolEmRKNS2_14execution_dataE"
#define CHANSAN_TBB_CACHE_ALIGNED_ALLOCATE "_ZN3tbb6detail2r122cache_aligned_allocateEm"

void* real_spawn = nullptr;
void* real_spawn_at = nullptr;
void* real_enqueue = nullptr;
void* real_enqueue_ctx = nullptr;
void* real_execute_and_wait = nullptr;
void* real_wait = nullptr;
void* real_allocate = nullptr;
void* real_allocate_ed = nullptr;
void* real_cache_aligned_allocate = nullptr;

}  // namespace
}  // namespace chansan

using namespace chansan;

// libtbb's functions, by symbol name (references stand for the pointers
// they are in the ABI).
__attribute__((weak)) void tbb_spawn(void* t, void* ctx) __asm__(CHANSAN_TBB_SPAWN);
__attribute__((weak)) void tbb_spawn_at(void* t, void* ctx, unsigned short slot) __asm__(CHANSAN_TBB_SPAWN_AT);
__attribute__((weak)) void tbb_enqueue(void* t, void* arena) __asm__(CHANSAN_TBB_ENQUEUE);
__attribute__((weak)) void tbb_enqueue_ctx(void* t, void* ctx, void* arena) __asm__(CHANSAN_TBB_ENQUEUE_CTX);
__attribute__((weak)) void tbb_execute_and_wait(void* t, void* t_ctx, void* wait_ctx, void* w_ctx) __asm__(
    CHANSAN_TBB_EXECUTE_AND_WAIT);
__attribute__((weak)) void tbb_wait(void* wait_ctx, void* ctx) __asm__(CHANSAN_TBB_WAIT);
__attribute__((weak)) void* tbb_allocate(void** pool, std::size_t n) __asm__(CHANSAN_TBB_ALLOCATE);
__attribute__((weak)) void* tbb_allocate_ed(void** pool, std::size_t n, const void* ed) __asm__(CHANSAN_TBB_ALLOCATE_ED);
__attribute__((weak)) void* tbb_cache_aligned_allocate(std::size_t n) __asm__(CHANSAN_TBB_CACHE_ALIGNED_ALLOCATE);

void tbb_spawn(void* t, void* ctx) {
  auto fn = resolved<void (*)(void*, void*)>(real_spawn, CHANSAN_TBB_SPAWN);
  release_at(reinterpret_cast<uintptr_t>(t));
  fn(t, ctx);
}

void tbb_spawn_at(void* t, void* ctx, unsigned short slot) {
  auto fn = resolved<void (*)(void*, void*, unsigned short)>(real_spawn_at, CHANSAN_TBB_SPAWN_AT);
  release_at(reinterpret_cast<uintptr_t>(t));
  fn(t, ctx, slot);
}

void tbb_enqueue(void* t, void* arena) {
  auto fn = resolved<void (*)(void*, void*)>(real_enqueue, CHANSAN_TBB_ENQUEUE);
  release_at(reinterpret_cast<uintptr_t>(t));
  fn(t, arena);
}

void tbb_enqueue_ctx(void* t, void* ctx, void* arena) {
  auto fn = resolved<void (*)(void*, void*, void*)>(real_enqueue_ctx, CHANSAN_TBB_ENQUEUE_CTX);
  release_at(reinterpret_cast<uintptr_t>(t));
  fn(t, ctx, arena);
}

void tbb_execute_and_wait(void* t, void* t_ctx, void* wait_ctx, void* w_ctx) {
  auto fn = resolved<void (*)(void*, void*, void*, void*)>(real_execute_and_wait, CHANSAN_TBB_EXECUTE_AND_WAIT);
  release_at(reinterpret_cast<uintptr_t>(t));
  fn(t, t_ctx, wait_ctx, w_ctx);  // not ThreadBlocked: the caller runs tasks meanwhile
  acquire_at(reinterpret_cast<uintptr_t>(wait_ctx) + kWaitContextRefCount);
  acquire_at(kTaskJoinKey);
}

void tbb_wait(void* wait_ctx, void* ctx) {
  auto fn = resolved<void (*)(void*, void*)>(real_wait, CHANSAN_TBB_WAIT);
  fn(wait_ctx, ctx);
  acquire_at(reinterpret_cast<uintptr_t>(wait_ctx) + kWaitContextRefCount);
  acquire_at(kTaskJoinKey);
}

void* tbb_allocate(void** pool, std::size_t n) {
  auto fn = resolved<void* (*)(void**, std::size_t)>(real_allocate, CHANSAN_TBB_ALLOCATE);
  void* p = fn(pool, n);
  fresh_memory(p, n);
  return p;
}

void* tbb_allocate_ed(void** pool, std::size_t n, const void* ed) {
  auto fn = resolved<void* (*)(void**, std::size_t, const void*)>(real_allocate_ed, CHANSAN_TBB_ALLOCATE_ED);
  void* p = fn(pool, n, ed);
  fresh_memory(p, n);
  return p;
}

// The blocks of TBB's containers (a concurrent_queue's pages, a
// concurrent_vector's segments) come from TBB's own allocator (libtbbmalloc
// when present), whose frees the detector does not see: a block handed out
// again is new memory, as malloc's is.
void* tbb_cache_aligned_allocate(std::size_t n) {
  auto fn = resolved<void* (*)(std::size_t)>(real_cache_aligned_allocate, CHANSAN_TBB_CACHE_ALIGNED_ALLOCATE);
  void* p = fn(n);
  fresh_memory(p, n);
  return p;
}

extern "C" {

void __chansan_task_start(void* task) { acquire_at(reinterpret_cast<uintptr_t>(task)); }
void __chansan_task_finish(void) { release_at(kTaskJoinKey); }

}  // extern "C"

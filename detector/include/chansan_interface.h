/* The C ABI between code compiled by the chansan pass (instrument/) and the
 * chansan detector runtime (detector/): the only names the pass emits calls
 * to. Modelled on compiler-rt's tsan_interface.h.
 *
 * Never change: the names, argument order and types below, and the memory
 * order encoding (that of __ATOMIC_*: 0 relaxed, 1 consume, 2 acquire,
 * 3 release, 4 acq_rel, 5 seq_cst). Binaries built by one version of the
 * pass must link against the detector of the same version; add entry points,
 * never repurpose one.
 *
 * No includes: only built-in types. */
#ifndef CHANSAN_INTERFACE_H
#define CHANSAN_INTERFACE_H

#ifdef __cplusplus
extern "C" {
#endif

/* Plain accesses, before the access. N is the size in bytes; an access of
 * another size (or to a location not aligned to min(N, 8)) uses the
 * unaligned or range forms. */
void __chansan_read1(void* addr);
void __chansan_read2(void* addr);
void __chansan_read4(void* addr);
void __chansan_read8(void* addr);
void __chansan_read16(void* addr);
void __chansan_write1(void* addr);
void __chansan_write2(void* addr);
void __chansan_write4(void* addr);
void __chansan_write8(void* addr);
void __chansan_write16(void* addr);
void __chansan_unaligned_read2(void* addr);
void __chansan_unaligned_read4(void* addr);
void __chansan_unaligned_read8(void* addr);
void __chansan_unaligned_read16(void* addr);
void __chansan_unaligned_write2(void* addr);
void __chansan_unaligned_write4(void* addr);
void __chansan_unaligned_write8(void* addr);
void __chansan_unaligned_write16(void* addr);
void __chansan_read_range(void* addr, unsigned long size);
void __chansan_write_range(void* addr, unsigned long size);
/* The bytes the iterations of a loop read or write, checked once per run of
 * the loop (before it, or on its way out): [addr, addr + size), each
 * iteration `each` of them (reports name one iteration's access). The pass
 * emits it for innermost loops in which nothing synchronizes. */
void __chansan_loop_read(void* addr, unsigned long size, unsigned long each);
void __chansan_loop_write(void* addr, unsigned long size, unsigned long each);
/* A csp handle's own bytes (a chan, context, cancel_func, timer or ticker
 * member) touched by csp's inline code: checked as the user's memory,
 * except inside the runtime's own work on values (a channel moving a value
 * into a waiting receiver's variable), which the hand-off orders. */
void __chansan_handle_read(void* addr, unsigned long size);
void __chansan_handle_write(void* addr, unsigned long size);

/* Function entry (with the caller's return address) and exit, on every
 * path out including unwinding: the shadow call stack for reports. */
void __chansan_func_entry(void* caller_pc);
void __chansan_func_exit(void);
/* A oneTBB task body (an override of tbb::detail::d1::task::execute):
 * entry, with the task, and every exit. TBB's uninstrumented scheduler
 * hands tasks between threads; the spawn released on the task. */
void __chansan_task_start(void* task);
void __chansan_task_finish(void);

/* Atomic operations are performed by the runtime, so that the operation and
 * its happens-before effect are one step. N in 1, 2, 4, 8, 16 (bytes);
 * values travel as unsigned integers of that size (the pass casts floats
 * and pointers). */
#define CHANSAN_ATOMIC_DECLS(N, T)                                                      \
  T __chansan_atomic##N##_load(const volatile T* a, int mo);                            \
  void __chansan_atomic##N##_store(volatile T* a, T v, int mo);                         \
  T __chansan_atomic##N##_exchange(volatile T* a, T v, int mo);                         \
  T __chansan_atomic##N##_fetch_add(volatile T* a, T v, int mo);                        \
  T __chansan_atomic##N##_fetch_sub(volatile T* a, T v, int mo);                        \
  T __chansan_atomic##N##_fetch_and(volatile T* a, T v, int mo);                        \
  T __chansan_atomic##N##_fetch_or(volatile T* a, T v, int mo);                         \
  T __chansan_atomic##N##_fetch_xor(volatile T* a, T v, int mo);                        \
  T __chansan_atomic##N##_fetch_nand(volatile T* a, T v, int mo);                       \
  /* Returns the old value; the exchange happened iff it equals `expected`. */         \
  T __chansan_atomic##N##_compare_exchange_val(volatile T* a, T expected, T desired,   \
                                               int success_mo, int failure_mo);
CHANSAN_ATOMIC_DECLS(1, unsigned char)
CHANSAN_ATOMIC_DECLS(2, unsigned short)
CHANSAN_ATOMIC_DECLS(4, unsigned int)
CHANSAN_ATOMIC_DECLS(8, unsigned long long)
CHANSAN_ATOMIC_DECLS(16, unsigned __int128)
#undef CHANSAN_ATOMIC_DECLS
void __chansan_atomic_thread_fence(int mo);
// Called before main by every instrumented module that holds a fence.
void __chansan_fences_present(void);

/* memcpy, memmove and memset, intrinsics and library calls: the runtime
 * checks the ranges and performs the operation. */
void* __chansan_memcpy(void* dst, const void* src, unsigned long n);
void* __chansan_memmove(void* dst, const void* src, unsigned long n);
void* __chansan_memset(void* dst, int c, unsigned long n);

#ifdef __cplusplus
}
#endif

#endif /* CHANSAN_INTERFACE_H */

// The few OS services the runtime needs, behind one small interface so the
// portable code names no syscalls: futex waits, page mappings, thread ids and
// a monotonic clock. Linux implementation in os_linux.cpp.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace csp::rt::os {

// Blocks while *word == expected, at most timeout_ns (< 0: no limit).
// Spurious returns are allowed; callers re-check their condition.
void futex_wait(std::atomic<uint32_t>* word, uint32_t expected, int64_t timeout_ns = -1);
void futex_wake(std::atomic<uint32_t>* word, int count);

// Reserves `size` bytes of address space, readable and writable, committed
// lazily on first touch. Aborts on failure (out of address space).
void* map_pages(std::size_t size);
void protect_none(void* addr, std::size_t size);
// Replaces [addr, addr+size) with fresh zero pages (same protection as
// map_pages). For sanitizer builds, whose mmap interceptor forgets the range.
void remap_fresh(void* addr, std::size_t size);
std::size_t page_size();

int64_t monotonic_ns();        // steady_clock in nanoseconds
bool on_main_thread();         // the thread the process started on
int thread_id();
int num_cpus();
void cpu_relax();              // a pause hint inside spin loops
void thread_yield();           // give the core to another OS thread

}  // namespace csp::rt::os

// The parts of ThreadSanitizer's interface the TSan build of the runtime
// uses (compiler-rt's tsan_interface.h; declared here so the runtime does
// not need the header of one clang version).
#pragma once

extern "C" {
void* __tsan_get_current_fiber(void);
void* __tsan_create_fiber(unsigned flags);
void __tsan_destroy_fiber(void* fiber);
void __tsan_switch_to_fiber(void* fiber, unsigned flags);
void __tsan_acquire(void* addr);
void __tsan_release(void* addr);
void __tsan_ignore_thread_begin(void);
void __tsan_ignore_thread_end(void);
}


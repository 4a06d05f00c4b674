// Machine contexts for goroutine switching: the seam between portable
// scheduler code and per-architecture assembly.
//
// A context is just a saved stack pointer. Everything else (callee-saved
// registers, FP control words, the return address) is pushed on the stack of
// the context being left, by ctx_switch, so a context costs one word.
//
// Invariants:
//  - ctx_switch(&from, to) saves the running context into `from` and resumes
//    `to`; it returns (in `from`) only when some thread later switches back.
//  - A context made by ctx_make starts by calling entry(arg) on its stack;
//    entry must never return (a goroutine switches away for good when done).
//  - Nothing here knows about threads: a context may be resumed on any thread.
#pragma once

#include <cstddef>

#if defined(__x86_64__)
#include "platform/context_x86_64.hpp"
#elif defined(__aarch64__)
#error "csp: aarch64 context switch not written yet (add context_aarch64.{S,hpp})"
#else
#error "csp: unsupported architecture"
#endif

namespace csp::rt {

extern "C" void csp_ctx_switch(void** save_sp, void* load_sp);

// Prepares a fresh context on [stack_lo, stack_hi) that will call entry(arg).
void* ctx_make(void* stack_lo, void* stack_hi, void (*entry)(void*), void* arg);

}  // namespace csp::rt

// x86-64 System V layout of a suspended context, as pushed by
// csp_ctx_switch in context_x86_64.S. ctx_make builds the same layout by hand,
// so the offsets below are checked against the assembly's push order.
#pragma once

#include <cstddef>
#include <cstdint>

namespace csp::rt {

struct SavedFrameX64 {
  uint32_t mxcsr;        // SSE control/status (callee-saved per the ABI)
  uint16_t x87_cw;       // x87 control word (callee-saved per the ABI)
  uint16_t pad;
  uint64_t r15, r14, r13, r12, rbx, rbp;
  uint64_t ret;          // where `ret` in csp_ctx_switch goes
};
static_assert(offsetof(SavedFrameX64, r15) == 8);
static_assert(offsetof(SavedFrameX64, r12) == 32);
static_assert(offsetof(SavedFrameX64, r13) == 24);
static_assert(offsetof(SavedFrameX64, ret) == 56);
static_assert(sizeof(SavedFrameX64) == 64);

}  // namespace csp::rt

#include "platform/context.hpp"

#include <cstdint>
#include <cstring>

extern "C" void csp_ctx_start();

namespace csp::rt {

void* ctx_make(void* stack_lo, void* stack_hi, void (*entry)(void*), void* arg) {
  (void)stack_lo;
  // After `ret` pops frame->ret, rsp points just past the frame, and
  // csp_ctx_start's `call` needs rsp % 16 == 0 there. Keep 16 bytes of slack
  // below stack_hi so nothing writes past the top.
  uintptr_t after_ret = (reinterpret_cast<uintptr_t>(stack_hi) & ~uintptr_t{15}) - 16;
  auto* frame = reinterpret_cast<SavedFrameX64*>(after_ret - sizeof(SavedFrameX64));
  std::memset(frame, 0, sizeof *frame);
  frame->mxcsr = 0x1F80;   // all exceptions masked, round to nearest
  frame->x87_cw = 0x037F;  // extended precision, all exceptions masked
  frame->r12 = reinterpret_cast<uint64_t>(entry);
  frame->r13 = reinterpret_cast<uint64_t>(arg);
  frame->ret = reinterpret_cast<uint64_t>(&csp_ctx_start);
  return frame;
}

}  // namespace csp::rt

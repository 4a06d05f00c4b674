// Capturing and printing call stacks for panics and fatal errors. Frames
// are symbolized with llvm-symbolizer when it can be found (function,
// file:line:col), else with the dynamic symbol table.
#pragma once

#include <cstdio>

namespace csp::rt {

int capture_stack(void** pcs, int max);
// Prints pcs[0..n) as "    #i function file:line:col"; pcs other than the
// first are return addresses.
// With after_frame set, frames up to and including the first one of that
// function are left out (e.g. "__cxa_throw" for a panic).
void print_stack(std::FILE* out, void* const* pcs, int n, const char* after_frame = nullptr);

}  // namespace csp::rt

// Capturing and printing call stacks for panics and fatal errors. Frames
// are symbolized with llvm-symbolizer when it can be found (function,
// file:line:col), else with the dynamic symbol table.
#pragma once

#include <cstdio>
#include <initializer_list>

namespace csp::rt {

int capture_stack(void** pcs, int max);
// Prints pcs[0..n) as "    #i function file:line:col"; pcs other than the
// first are return addresses.
// Frames up to and including the last one of any function named in
// `after` are left out (e.g. the throw machinery of a panic).
void print_stack(std::FILE* out, void* const* pcs, int n,
                 std::initializer_list<const char*> after = {});

}  // namespace csp::rt

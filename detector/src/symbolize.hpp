// Symbolization for reports: code addresses to (function, file, line,
// column) frames, inlined frames expanded, and data addresses to global
// names — one llvm-symbolizer run per module per report, as compiler-rt's
// sanitizers do. Without llvm-symbolizer, frames fall back to the dynamic
// symbol table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "report.hpp"

namespace chansan {

// pcs are return addresses (or an instrumentation call's return address,
// for an access): the frame is that of pc - 1. Innermost frame first.
std::vector<Frame> symbolize_stack(const std::vector<uintptr_t>& pcs);

// The global variable holding `addr`, if any.
bool symbolize_global(uintptr_t addr, std::string& name, uintptr_t& start, std::size_t& size);

}  // namespace chansan

// ThreadSanitizer's scatter annotations (tsan_interface.cpp has the rest):
// a vector of addresses passed in a vector register. Built with -mavx512f
// (CMakeLists.txt): a function's vector arguments travel in registers only
// when the whole file is built for them, not under a target attribute.
// Only code built for AVX-512 (or AVX2) calls these, so nothing else here
// runs on a machine without it.
#include <immintrin.h>

#include <cstdint>

#include "internal.hpp"

using namespace chansan;

extern "C" {

// A scatter store of vector lanes: lane i writes `size` bytes at the i-th
// address when bit i of the mask is set.
void __tsan_scatter_vector4(__m256i addrs, int size, uint8_t mask) {
  alignas(32) uint64_t a[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(a), addrs);
  for (int i = 0; i < 4; i++)
    if (mask & (1u << i)) explicit_access(reinterpret_cast<void*>(a[i]), static_cast<std::size_t>(size), true, CS_PC);
}
void __tsan_scatter_vector8(__m512i addrs, int size, uint8_t mask) {
  alignas(64) uint64_t a[8];
  _mm512_store_si512(a, addrs);
  for (int i = 0; i < 8; i++)
    if (mask & (1u << i)) explicit_access(reinterpret_cast<void*>(a[i]), static_cast<std::size_t>(size), true, CS_PC);
}

}  // extern "C"

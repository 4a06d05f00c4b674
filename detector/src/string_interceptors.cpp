// The C library's string and memory functions beyond memcpy/memmove/memset
// (which the pass instruments itself): memcmp, memchr, strlen, strcmp,
// strcpy and the rest read and write the program's memory in code that is
// not instrumented, so each is checked here as the ranges it touches, as
// ThreadSanitizer's interceptors do. A racing strlen is a race.
//
// Invariants:
//  - The real functions are resolved at start-up (resolve_all); a call
//    made before that (the dynamic loader, other constructors) uses the
//    plain loops below, never dlsym, which itself calls strlen.
//  - Checks are made only for the program's own calls: not while the
//    detector works (tls_internal) or the runtime moves values
//    (tls_invisible).
#include <dlfcn.h>

#include <cstddef>
#include <cstdint>

#include "internal.hpp"

namespace chansan {
namespace {

void* real_memcmp = nullptr;
void* real_bcmp = nullptr;
void* real_memchr = nullptr;
void* real_strlen = nullptr;
void* real_strnlen = nullptr;
void* real_strcmp = nullptr;
void* real_strncmp = nullptr;
void* real_strchr = nullptr;
void* real_strrchr = nullptr;
void* real_strcpy = nullptr;
void* real_strncpy = nullptr;
void* real_strcat = nullptr;
void* real_strstr = nullptr;

__attribute__((constructor(100))) void resolve_all() {
  struct {
    void** slot;
    const char* name;
  } const all[] = {{&real_memcmp, "memcmp"},   {&real_bcmp, "bcmp"},       {&real_memchr, "memchr"},
                   {&real_strlen, "strlen"},   {&real_strnlen, "strnlen"}, {&real_strcmp, "strcmp"},
                   {&real_strncmp, "strncmp"}, {&real_strchr, "strchr"},   {&real_strrchr, "strrchr"},
                   {&real_strcpy, "strcpy"},   {&real_strncpy, "strncpy"}, {&real_strcat, "strcat"},
                   {&real_strstr, "strstr"}};
  void* found[sizeof all / sizeof all[0]];
  for (std::size_t i = 0; i < sizeof all / sizeof all[0]; i++) found[i] = dlsym(RTLD_NEXT, all[i].name);
  // Published only once all are known: dlsym calls strlen meanwhile.
  for (std::size_t i = 0; i < sizeof all / sizeof all[0]; i++) *all[i].slot = found[i];
}

template <class F>
F real(void* slot) {
  return reinterpret_cast<F>(__atomic_load_n(&slot, __ATOMIC_RELAXED));
}

inline GState* checking() {
  if (!initialized.load(std::memory_order_relaxed) || tls_internal || tls_invisible) return nullptr;
  return ready_state();
}

inline void check(GState* g, const void* p, std::size_t n, bool is_write, uintptr_t pc) {
  if (g && n) range_access(g, reinterpret_cast<uintptr_t>(p), n, is_write, pc);
}

// Plain versions for calls before start-up finishes.
std::size_t plain_strlen(const char* s) {
  std::size_t n = 0;
  while (s[n]) n++;
  return n;
}

int plain_memcmp(const void* a, const void* b, std::size_t n) {
  auto* x = static_cast<const unsigned char*>(a);
  auto* y = static_cast<const unsigned char*>(b);
  for (std::size_t i = 0; i < n; i++)
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

int plain_strncmp(const char* a, const char* b, std::size_t n) {
  for (std::size_t i = 0; i < n; i++) {
    auto x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if (x != y) return x < y ? -1 : 1;
    if (!x) return 0;
  }
  return 0;
}

// The bytes strcmp-like functions read of each string: up to and
// including the first difference or terminator.
std::size_t compared_prefix(const char* a, const char* b, std::size_t max) {
  std::size_t i = 0;
  while (i < max && a[i] && a[i] == b[i]) i++;
  return i < max ? i + 1 : max;
}

}  // namespace
}  // namespace chansan

using namespace chansan;

extern "C" {

// string.h declares C++ overloads (const in, const out) of these four:
// the definitions take their C names through asm labels.
void* cs_memchr(const void* s, int c, size_t n) noexcept __asm__("memchr");
char* cs_strchr(const char* s, int c) noexcept __asm__("strchr");
char* cs_strrchr(const char* s, int c) noexcept __asm__("strrchr");
char* cs_strstr(const char* hay, const char* needle) noexcept __asm__("strstr");

int memcmp(const void* a, const void* b, size_t n) noexcept {
  auto fn = real<int (*)(const void*, const void*, size_t)>(real_memcmp);
  int r = fn ? fn(a, b, n) : plain_memcmp(a, b, n);
  if (GState* g = checking()) {
    check(g, a, n, false, CS_PC);
    check(g, b, n, false, CS_PC);
  }
  return r;
}

int bcmp(const void* a, const void* b, size_t n) noexcept {
  auto fn = real<int (*)(const void*, const void*, size_t)>(real_bcmp);
  int r = fn ? fn(a, b, n) : plain_memcmp(a, b, n);
  if (GState* g = checking()) {
    check(g, a, n, false, CS_PC);
    check(g, b, n, false, CS_PC);
  }
  return r;
}

void* cs_memchr(const void* s, int c, size_t n) noexcept {
  auto fn = real<void* (*)(const void*, int, size_t)>(real_memchr);
  void* r;
  if (fn) {
    r = fn(s, c, n);
  } else {
    r = nullptr;
    auto* p = static_cast<const unsigned char*>(s);
    for (size_t i = 0; i < n && !r; i++)
      if (p[i] == static_cast<unsigned char>(c)) r = const_cast<unsigned char*>(p + i);
  }
  if (GState* g = checking())
    check(g, s, r ? static_cast<size_t>(static_cast<const char*>(r) - static_cast<const char*>(s)) + 1 : n, false,
          CS_PC);
  return r;
}

size_t strlen(const char* s) noexcept {
  auto fn = real<size_t (*)(const char*)>(real_strlen);
  size_t n = fn ? fn(s) : plain_strlen(s);
  if (GState* g = checking()) check(g, s, n + 1, false, CS_PC);
  return n;
}

size_t strnlen(const char* s, size_t max) noexcept {
  auto fn = real<size_t (*)(const char*, size_t)>(real_strnlen);
  size_t n = 0;
  if (fn) {
    n = fn(s, max);
  } else {
    while (n < max && s[n]) n++;
  }
  if (GState* g = checking()) check(g, s, n < max ? n + 1 : n, false, CS_PC);
  return n;
}

int strcmp(const char* a, const char* b) noexcept {
  auto fn = real<int (*)(const char*, const char*)>(real_strcmp);
  int r = fn ? fn(a, b) : plain_strncmp(a, b, SIZE_MAX);
  if (GState* g = checking()) {
    size_t n = compared_prefix(a, b, SIZE_MAX);
    check(g, a, n, false, CS_PC);
    check(g, b, n, false, CS_PC);
  }
  return r;
}

int strncmp(const char* a, const char* b, size_t max) noexcept {
  auto fn = real<int (*)(const char*, const char*, size_t)>(real_strncmp);
  int r = fn ? fn(a, b, max) : plain_strncmp(a, b, max);
  if (GState* g = checking()) {
    size_t n = compared_prefix(a, b, max);
    check(g, a, n, false, CS_PC);
    check(g, b, n, false, CS_PC);
  }
  return r;
}

char* cs_strchr(const char* s, int c) noexcept {
  auto fn = real<char* (*)(const char*, int)>(real_strchr);
  char* r;
  if (fn) {
    r = fn(s, c);
  } else {
    const char* p = s;
    while (*p && *p != static_cast<char>(c)) p++;
    r = *p == static_cast<char>(c) ? const_cast<char*>(p) : nullptr;
  }
  if (GState* g = checking()) check(g, s, r ? static_cast<size_t>(r - s) + 1 : plain_strlen(s) + 1, false, CS_PC);
  return r;
}

char* cs_strrchr(const char* s, int c) noexcept {
  auto fn = real<char* (*)(const char*, int)>(real_strrchr);
  char* r = nullptr;
  if (fn) {
    r = fn(s, c);
  } else {
    for (const char* p = s;; p++) {
      if (*p == static_cast<char>(c)) r = const_cast<char*>(p);
      if (!*p) break;
    }
  }
  if (GState* g = checking()) check(g, s, plain_strlen(s) + 1, false, CS_PC);
  return r;
}

char* strcpy(char* dst, const char* src) noexcept {
  auto fn = real<char* (*)(char*, const char*)>(real_strcpy);
  size_t n = plain_strlen(src) + 1;
  if (GState* g = checking()) {
    check(g, src, n, false, CS_PC);
    check(g, dst, n, true, CS_PC);
  }
  if (fn) return fn(dst, src);
  for (size_t i = 0; i < n; i++) dst[i] = src[i];
  return dst;
}

char* strncpy(char* dst, const char* src, size_t max) noexcept {
  auto fn = real<char* (*)(char*, const char*, size_t)>(real_strncpy);
  size_t n = 0;
  while (n < max && src[n]) n++;
  if (GState* g = checking()) {
    check(g, src, n < max ? n + 1 : n, false, CS_PC);
    check(g, dst, max, true, CS_PC);  // strncpy pads with zeros up to max
  }
  if (fn) return fn(dst, src, max);
  for (size_t i = 0; i < max; i++) dst[i] = i < n ? src[i] : 0;
  return dst;
}

char* strcat(char* dst, const char* src) noexcept {
  auto fn = real<char* (*)(char*, const char*)>(real_strcat);
  size_t d = plain_strlen(dst), n = plain_strlen(src) + 1;
  if (GState* g = checking()) {
    check(g, dst, d, false, CS_PC);
    check(g, src, n, false, CS_PC);
    check(g, dst + d, n, true, CS_PC);
  }
  if (fn) return fn(dst, src);
  for (size_t i = 0; i < n; i++) dst[d + i] = src[i];
  return dst;
}

char* cs_strstr(const char* hay, const char* needle) noexcept {
  auto fn = real<char* (*)(const char*, const char*)>(real_strstr);
  char* r;
  if (fn) {
    r = fn(hay, needle);
  } else {
    r = nullptr;
    size_t n = plain_strlen(needle);
    for (const char* p = hay; *p && !r; p++)
      if (plain_strncmp(p, needle, n) == 0) r = const_cast<char*>(p);
    if (!n) r = const_cast<char*>(hay);
  }
  if (GState* g = checking()) {
    check(g, hay, plain_strlen(hay) + 1, false, CS_PC);
    check(g, needle, plain_strlen(needle) + 1, false, CS_PC);
  }
  return r;
}

}  // extern "C"

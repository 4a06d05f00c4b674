// The detector's own heap, apart from the program's (as ThreadSanitizer's
// internal allocator): every allocation made while the detector does its
// own work (tls_internal > 0) comes from here, whatever asks for it
// (a std::unordered_map in race.cpp, libc's fopen for the symbolizer).
// A program that writes to freed memory corrupts glibc's heap, and with it
// whatever else lives there; the detector's structures do not, so the
// checker reports the bug and never crashes on it (the program may still
// crash in its own malloc, as it would without the checker).
//
// Invariants:
//  - One reserved region (kArenaBytes of address space, pages touched on
//    first use); internal_owns(p) is a range check, so free, realloc and
//    delete send a pointer back to whichever heap it came from, wherever
//    they are called.
//  - Blocks come in power-of-two classes from 32 bytes to 1 MiB (16-byte
//    header included), each with its own free list and lock; larger ones
//    take whole pages and go back to a first-fit list. A header 16 bytes
//    before each block names its class and where the block starts, so
//    aligned blocks free like any other.
#pragma once

#include <cstddef>
#include <cstdint>

namespace chansan {

void* internal_alloc(std::size_t n, std::size_t align = 16);
void internal_free(void* p);
void* internal_realloc(void* p, std::size_t n);
bool internal_owns(const void* p);
// Bytes handed out and not freed, and the region's high-water mark (tests).
std::size_t internal_bytes_in_use();

}  // namespace chansan

// Shared by the detector-overhead workloads: peak resident set (VmHWM, in
// KiB) and a wall clock in milliseconds, printed as the Go twins in
// ../shared/bench/go/detector print them.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstring>

inline long hwm_kb() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return -1;
  char line[256];
  long kb = -1;
  while (std::fgets(line, sizeof line, f))
    if (std::strncmp(line, "VmHWM:", 6) == 0) kb = std::atol(line + 6);
  std::fclose(f);
  return kb;
}

inline double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

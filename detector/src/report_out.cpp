// See report_out.hpp.
#include "report_out.hpp"

#include <unistd.h>

#include <cstdio>
#include <mutex>

#include "internal.hpp"
#include "stack_depot.hpp"
#include "symbolize.hpp"

namespace chansan {
InternalMutex report_mu;

namespace {

void write_all(int fd, const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    ssize_t n = write(fd, s.data() + off, s.size() - off);
    if (n <= 0) break;
    off += static_cast<std::size_t>(n);
  }
}

}  // namespace

void emit_report_locked(const std::string& text) {
  write_all(ctx->log_fd, text);
  ctx->reports.fetch_add(1);
  if (ctx->options.halt_on_error) {
    std::fflush(nullptr);
    _exit(ctx->options.exitcode);
  }
}

void emit_report(const std::string& text) {
  InternalScope in;
  InternalLock l(report_mu);
  emit_report_locked(text);
}

// The lock is never released: the analysis cannot follow that.
int finish_reports() CSP_NO_TSA {
  report_mu.lock();  // never unlocked: the process is ending
  return ctx->reports.load();
}

std::vector<Frame> depot_frames(uint32_t stack, bool creation) {
  std::vector<Frame> f = symbolize_stack(depot_get(stack));
  trim_plumbing(f, !creation);
  return f;
}

bool describe_goroutine(uint64_t goid, uint32_t create_stack, GoroutineDesc& out) {
  if (goid == 0) return false;
  out = GoroutineDesc{};
  out.id = goid;
  out.is_main = goid == 1;
  if (!out.is_main) out.created_at = depot_frames(create_stack, true);
  return out.is_main || !out.created_at.empty();
}

bool suppressed(SuppressionKind kind, const std::vector<const std::vector<Frame>*>& stacks,
                const std::string& name) {
  if (!ctx->suppressions.size()) return false;
  std::vector<std::string> names;
  for (const auto* s : stacks)
    for (const Frame& f : *s) {
      names.push_back(f.function);
      if (!f.file.empty()) names.push_back(f.file);
    }
  if (!name.empty()) names.push_back(name);
  return ctx->suppressions.matches(kind, names);
}

}  // namespace chansan

// See report_out.hpp.
#include "report_out.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "check.hpp"
#include "internal.hpp"
#include "readable.hpp"
#include "sarif.hpp"
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

// The SARIF log of this process. In file mode the file is always whole:
// each finding is written once, over the old tail (sarif.hpp), so the cost
// of a finding does not grow with the findings before it. In stream mode
// the results wait for the end.
struct SarifOut {
  pid_t pid = 0;
  bool to_file = false;          // <log_path>.<pid>.sarif; else the log fd, at exit
  int fd = -1;                   // file mode
  off_t tail_at = 0;             // file mode: where kSarifLogTail starts
  std::size_t count = 0;         // results so far
  std::vector<std::string> results;  // stream mode
};
SarifOut* sarif CSP_GUARDED_BY(report_mu);

void pwrite_all(int fd, const std::string& s, off_t at) {
  std::size_t off = 0;
  while (off < s.size()) {
    ssize_t n = pwrite(fd, s.data() + off, s.size() - off, at + static_cast<off_t>(off));
    if (n <= 0) break;
    off += static_cast<std::size_t>(n);
  }
}

// Starts this process's log: at start-up, and again in a forked child,
// which must not write into its parent's log.
void start_sarif_locked() CSP_REQUIRES(report_mu) {
  sarif->pid = getpid();
  sarif->count = 0;
  sarif->results.clear();
  if (!sarif->to_file) return;
  std::string path = ctx->options.log_path + "." + std::to_string(sarif->pid) + ".sarif";
  if (sarif->fd >= 0) close(sarif->fd);
  sarif->fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (sarif->fd < 0) fatal_error("cannot write SARIF log '" + path + "': " + std::strerror(errno));
  std::string head = sarif_log_head();
  pwrite_all(sarif->fd, head + kSarifLogTail, 0);  // a run with no finding leaves a whole log
  sarif->tail_at = static_cast<off_t>(head.size());
}

void add_sarif_result_locked(std::string result) CSP_REQUIRES(report_mu) {
  if (sarif->pid != getpid()) start_sarif_locked();
  if (sarif->to_file) {
    if (sarif->count) result.insert(0, ",");
    pwrite_all(sarif->fd, result + kSarifLogTail, sarif->tail_at);
    sarif->tail_at += static_cast<off_t>(result.size());
  } else {
    sarif->results.push_back(std::move(result));
  }
  sarif->count++;
}

// At the end: stream mode writes its document (a file is already whole).
void finish_sarif_locked() CSP_REQUIRES(report_mu) {
  if (!sarif || sarif->to_file) return;
  if (sarif->pid != getpid()) start_sarif_locked();
  write_all(ctx->log_fd, sarif_log(sarif->results));
}

template <class Report>
void emit_locked(const Report& r) CSP_REQUIRES(report_mu) {
  switch (ctx->options.report_format) {
    case ReportFormat::text: write_all(ctx->log_fd, render_text(r)); break;
    case ReportFormat::json: write_all(ctx->log_fd, render_json(r)); break;
    case ReportFormat::sarif:
      add_sarif_result_locked(sarif_result(r));
      if (sarif->to_file) write_all(2, render_text(r));
      break;
  }
  ctx->reports.fetch_add(1);
  if (ctx->options.halt_on_error) {
    finish_sarif_locked();
    std::fflush(nullptr);
    _exit(ctx->options.exitcode);
  }
}

}  // namespace

void open_reports() {
  const Options& o = ctx->options;
  RenderStyle style;
  style.verbose = o.verbose_stacks;
  style.strip_path_prefix = o.strip_path_prefix;
  char cwd[4096];
  if (getcwd(cwd, sizeof cwd)) style.cwd = cwd;
  set_render_style(std::move(style));

  const std::string& p = o.log_path;
  bool to_file = !p.empty() && p != "stderr" && p != "stdout";
  if (p == "stdout") ctx->log_fd = 1;
  if (to_file && o.report_format != ReportFormat::sarif) {
    std::string path = p + "." + std::to_string(getpid());
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fatal_error("cannot open log_path file '" + path + "': " + std::strerror(errno));
    ctx->log_fd = fd;
  }
  if (o.report_format == ReportFormat::sarif) {
    InternalLock l(report_mu);
    sarif = new SarifOut;
    sarif->to_file = to_file;
    start_sarif_locked();
  }
}

void emit_report_locked(const RaceReport& r) { emit_locked(r); }

void emit_report(const BlockingReport& r) {
  InternalScope in;
  InternalLock l(report_mu);
  emit_locked(r);
}

void emit_report(const LockOrderReport& r) {
  InternalScope in;
  InternalLock l(report_mu);
  emit_locked(r);
}

// The lock is never released: the analysis cannot follow that.
int finish_reports() CSP_NO_TSA {
  report_mu.lock();  // never unlocked: the process is ending
  finish_sarif_locked();
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

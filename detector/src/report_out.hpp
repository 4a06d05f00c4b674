// Findings on their way out: what every kind of report (race.cpp, the
// blocking reports) shares once its content is known — goroutine
// descriptions, suppressions, and the one place a report is written,
// counted and may end the process (halt_on_error).
//
// Invariants:
//  - report_mu is held from the moment a report is decided until it
//    is written; finish_reports() takes it and never gives it back, so a
//    report in progress at exit is written whole and none starts after.
//  - Every written report goes through emit_report_locked: the count that
//    sets the exit status is the number of reports written.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "internal_mutex.hpp"
#include "report.hpp"
#include "suppressions.hpp"

namespace chansan {

extern InternalMutex report_mu;
void emit_report_locked(const std::string& text) CSP_REQUIRES(report_mu);
void emit_report(const std::string& text) CSP_EXCLUDES(report_mu);
// At exit: waits for a report another thread is still writing, then keeps
// any new one from starting. Returns the count.
int finish_reports();

// A depot stack, symbolized, with the runtime's plumbing trimmed; a
// creation site (`go`, pthread_create) keeps no innermost runtime frame.
std::vector<Frame> depot_frames(uint32_t stack, bool creation);
// The goroutine's line in a report (main, or where it was created); false
// for an OS thread met without a creation site, which gets no line.
bool describe_goroutine(uint64_t goid, uint32_t create_stack, GoroutineDesc& out);
// A suppression of `kind` matches a function or file of `stacks`, or `name`.
bool suppressed(SuppressionKind kind, const std::vector<const std::vector<Frame>*>& stacks,
                const std::string& name = {});

}  // namespace chansan

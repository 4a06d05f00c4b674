// Findings on their way out: what every kind of report (race.cpp, the
// blocking reports) shares once its content is known — goroutine
// descriptions, suppressions, and the one place a report is rendered in
// the chosen format (text, JSON, SARIF), written, counted and may end the
// process (halt_on_error).
//
// SARIF (sarif.hpp) is one document per process: with log_path a file
// prefix, <prefix>.<pid>.sarif is written at start-up (no result yet) and
// is whole again after each finding (written over the old tail), while the
// text reports go to stderr
// for whoever reads the CI log; with log_path stderr or stdout, the
// document alone goes there, once, as the process ends.
//
// Invariants:
//  - report_mu is held from the moment a report is decided until it
//    is written; finish_reports() takes it and never gives it back, so a
//    report in progress at exit is written whole and none starts after.
//  - Every written report goes through emit_report_locked: the count that
//    sets the exit status is the number of reports written.
//  - Every way out that writes no more reports (exit, the all-asleep
//    deadlock, halt_on_error) goes through finish_reports or writes the
//    SARIF document itself before _exit: no finding is lost on the way out.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "internal_mutex.hpp"
#include "report.hpp"
#include "suppressions.hpp"

namespace chansan {

extern InternalMutex report_mu;
void emit_report_locked(const RaceReport& r) CSP_REQUIRES(report_mu);
void emit_report(const BlockingReport& r) CSP_EXCLUDES(report_mu);
void emit_report(const LockOrderReport& r) CSP_EXCLUDES(report_mu);
// At start-up, once the options are read: opens log_path, sets how frames
// are written (readable.hpp) and starts the SARIF log.
void open_reports();
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

// Crashes of the user program (Go's sigpanic): a fault in a goroutine prints
// a Go-style report with the goroutine's stack and exits with code 2,
// flushing what the program wrote, instead of dying silently. A fault in a
// goroutine's guard page is reported as a stack overflow.
//
// Sanitizer builds leave these signals to the sanitizer, which reports them.
#pragma once

namespace csp::rt {

void install_crash_handlers();     // once, at runtime start
void enable_crash_stack();         // per runtime thread: an alternate signal stack

// Go's report for a goroutine that ran out of stack, then exit 2. From the
// guard-page fault handler, and from the switch-time check of stacks that
// have no guard page.
[[noreturn]] void die_of_stack_overflow(void* const* pcs, int n);

}  // namespace csp::rt

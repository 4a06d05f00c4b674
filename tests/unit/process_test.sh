#!/bin/bash
# Process-level behaviours of the csp runtime: panics, exit codes, start-up
# errors, exiting with goroutines alive, idle CPU. Usage: process_test.sh PROBE
set -u
probe=$1
fails=0; passes=0
check() {  # name, expected exit code, expected stderr/stdout pattern, command...
  local name=$1 code=$2 pattern=$3; shift 3
  local out rc
  out=$(timeout 20 "$@" 2>&1); rc=$?
  if [ "$rc" != "$code" ] || ! grep -qE -- "$pattern" <<<"$out"; then
    echo "FAIL: $name (exit $rc, want $code; want /$pattern/)"; echo "$out" | head -30
    fails=$((fails+1))
  else
    echo "ok: $name"; passes=$((passes+1))
  fi
}
check "an exception escaping a goroutine prints panic and exits 2" 2 \
  "^panic: boom in goroutine" "$probe" panic_in_goroutine
check "the panic report names the goroutine" 2 "goroutine [0-9]+ \[running\]:" "$probe" panic_in_goroutine
check "the panic stack starts at the throwing function" 2 \
  "#0 .*exit_probe.cpp:[0-9]+" "$probe" panic_in_goroutine
check "an uncaught csp::panic in main prints Go's message and exits 2" 2 \
  "^panic: send on closed channel" "$probe" send_on_closed
check "main is goroutine 1 in the panic report" 2 \
  "goroutine 1 \[running\]" "$probe" send_on_closed
# Go prints the first of simultaneous panics in full: one complete report
# (message, goroutine, a frame) every time, never an empty or cut one.
lost=0
for i in $(seq 1 20); do
  out=$(timeout 20 "$probe" panics_at_once 2>&1); rc=$?
  if [ "$rc" != 2 ] || ! grep -qE '^panic: (boom in goroutine|boom in main|send on closed channel)$' <<<"$out" ||
     ! grep -qE '^goroutine [0-9]+ \[running\]:$' <<<"$out" || ! grep -qE '#0 ' <<<"$out"; then
    lost=$((lost+1)); [ "$lost" = 1 ] && { echo "run $i: exit $rc"; echo "$out" | head -20; }
  fi
done
check "of simultaneous panics in goroutines and main, one full report reaches the log (20 runs)" 0 \
  "^lost=0$" echo "lost=$lost"
# select chooses at random across runs, not only within one (Go's choice
# is uniform): over 24 processes each first choice must come out both ways.
firsts=$(for i in $(seq 1 24); do "$probe" first_select; done | sort | uniq -c)
check "the first select of a process in main differs from run to run" 0 "main=0" echo "$firsts"
check "the first select of a process in main can take either case" 0 "main=1" echo "$firsts"
check "the first select of a process in a goroutine differs from run to run" 0 "goroutine=0" echo "$firsts"
check "the first select of a process in a goroutine can take either case" 0 "goroutine=1" echo "$firsts"
check "main returning exits at once with goroutines blocked and running" 0 \
  "main returns" "$probe" exit_with_goroutines
check "static destructors run cleanly while goroutines were running" 0 \
  "static destructor ran" "$probe" exit_with_goroutines
check "a program whose goroutines all wait on timers uses no CPU" 0 \
  "cpu_us=" "$probe" idle_timers_use_no_cpu
if [ "${CSP_SANITIZER:-none}" = none ]; then  # sanitizers report these themselves
check "a nil dereference in a goroutine is a Go-style runtime panic, exit 2" 2 \
  "^panic: runtime error: invalid memory address or nil pointer dereference" "$probe" nil_deref_in_goroutine
check "the crash report shows the faulting goroutine's stack" 2 \
  "#0 .*exit_probe.cpp:[0-9]+" "$probe" nil_deref_in_goroutine
check "a goroutine that overflows its stack gets a clear fatal error, exit 2" 2 \
  "fatal error: stack overflow" "$probe" stack_overflow_in_goroutine
check "overflow of a stack without a guard page is caught at a switch, exit 2" 2 \
  "fatal error: stack overflow" "$probe" stack_overflow_unguarded
check "the overflow report shows the overflowing goroutine's frames" 2 \
  "#[0-9]+ .*recurse_yielding" "$probe" stack_overflow_unguarded
fi
check "num_goroutines counts main and every live goroutine exactly" 0 \
  "during=1001 after=1" "$probe" num_goroutines
check "CSP_MAXPROCS sets the worker count" 0 "procs=3" env CSP_MAXPROCS=3 "$probe" maxprocs
check "a bad CSP_MAXPROCS is a start-up error" 2 "bad CSP_MAXPROCS" env CSP_MAXPROCS=abc "$probe" maxprocs
check "a zero CSP_MAXPROCS is a start-up error" 2 "bad CSP_MAXPROCS" env CSP_MAXPROCS=0 "$probe" maxprocs
echo "$passes passed, $fails failed"
[ "$fails" = 0 ]

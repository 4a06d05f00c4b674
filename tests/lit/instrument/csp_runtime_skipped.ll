; The csp runtime's inline code (namespace csp) is not instrumented: its
; synchronization reaches the detector through the runtime itself, and its
; internal accesses (reference counts) must create no edge. A handle's own
; bytes (chan, context, cancel_func, timer, ticker members) are the user's
; memory: their plain loads and stores are instrumented, atomics are not.
; RUN: %opt_chansan %s | FileCheck %s
; RUN: env CHANSAN_PASS_STATS=1 %opt_chansan %s -o /dev/null 2>&1 | FileCheck --check-prefix=STATS %s

@g = global i32 0
@h = global ptr null

; csp::wait_group::wait()
; CHECK-LABEL: define void @_ZN3csp10wait_group4waitEv(
; CHECK-NOT: __chansan
; CHECK: ret void
define void @_ZN3csp10wait_group4waitEv() {
  store i32 1, ptr @g
  ret void
}

; csp::chan<int>::send(int) const: the load of the handle's pointer is the
; user's read (through the handle entry point, which the runtime's own value
; transfers skip); an atomic in it stays the runtime's.
; CHECK-LABEL: define void @_ZNK3csp4chanIiE4sendEi(
; CHECK: call void @__chansan_handle_read(ptr @h, i64 8)
; CHECK-NOT: __chansan_atomic
; CHECK: ret void
define void @_ZNK3csp4chanIiE4sendEi() {
  %p = load ptr, ptr @h
  %c = atomicrmw add ptr @g, i32 1 seq_cst
  ret void
}

; CHECK-LABEL: define void @user(
; CHECK: call void @__chansan_write4(
define void @user() {
  store i32 1, ptr @g
  ret void
}

; STATS: instrumented 1 reads, 1 writes, {{.*}} (1 accesses to csp handles)
; STATS: left out {{.*}} 2 csp runtime functions

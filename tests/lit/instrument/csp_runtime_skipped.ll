; The csp runtime's inline code (namespace csp) is not instrumented: its
; synchronization reaches the detector through the runtime itself, and its
; internal accesses (handle reference counts) must create no edge.
; RUN: %opt_chansan %s | FileCheck %s
; RUN: env CHANSAN_PASS_STATS=1 %opt_chansan %s -o /dev/null 2>&1 | FileCheck --check-prefix=STATS %s

@g = global i32 0

; CHECK-LABEL: define void @_ZN3csp4chanIiE4sendEi(
; CHECK-NOT: __chansan
; CHECK: ret void
define void @_ZN3csp4chanIiE4sendEi() {
  store i32 1, i32* @g
  ret void
}

; CHECK-LABEL: define void @user(
; CHECK: call void @__chansan_write4(
define void @user() {
  store i32 1, i32* @g
  ret void
}

; STATS: left out {{.*}} 1 csp runtime functions

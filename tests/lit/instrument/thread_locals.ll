; Accesses to thread_local variables are left out: each thread has its own
; copy, and goroutines that share a worker thread share it by the runtime's
; doing (libstdc++'s std::call_once keeps its callable in one). Ordinary
; globals next to them are kept.
; RUN: %opt_chansan %s | FileCheck %s
; RUN: env CHANSAN_PASS_STATS=1 %opt_chansan %s -o /dev/null 2>&1 | FileCheck --check-prefix=STATS %s

@tls = thread_local global i32 0
@ext_tls = external thread_local global ptr
@var = global i32 0

; CHECK-LABEL: define i32 @f(
define i32 @f(ptr %p) {
; CHECK-NOT: @__chansan_write4(ptr @tls
  store i32 1, ptr @tls
; CHECK-NOT: @__chansan_write8(ptr @ext_tls
  store ptr %p, ptr @ext_tls
; CHECK: call void @__chansan_read4(ptr @var)
  %v = load i32, ptr @var
  %t = load i32, ptr @tls
  %s = add i32 %v, %t
  ret i32 %s
}

; STATS: chansan: {{.*}}: instrumented 1 reads, 0 writes
; STATS: 3 accesses to thread_locals

; What cannot race is left out: locals whose address never escapes, and
; reads of constant data. Escaping locals and writable globals are kept.
; RUN: %opt_chansan %s | FileCheck %s
; RUN: env CHANSAN_PASS_STATS=1 %opt_chansan %s -o /dev/null 2>&1 | FileCheck --check-prefix=STATS %s

@const = constant i32 7
@var = global i32 0
declare void @escape(ptr)

; CHECK-LABEL: define i32 @f(
define i32 @f() {
  %local = alloca i32
  %shared = alloca i32
  call void @escape(ptr %shared)
; CHECK-NOT: call void @__chansan_write4(ptr %local)
  store i32 1, ptr %local
; CHECK: call void @__chansan_write4(ptr %shared)
  store i32 2, ptr %shared
; CHECK-NOT: @__chansan_read4(ptr @const
  %c = load i32, ptr @const
; CHECK: call void @__chansan_read4(ptr @var)
  %v = load i32, ptr @var
  %l = load i32, ptr %local
  %s = add i32 %c, %v
  %r = add i32 %s, %l
  ret i32 %r
}

; STATS: chansan: {{.*}}: instrumented 1 reads, 1 writes
; STATS: left out 2 accesses to non-escaping locals, 1 reads of constant data

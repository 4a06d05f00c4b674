; A load whose bytes a checked store to the same address overwrites later in
; the same block, with no sync point between, is not checked on its own (the
; store's check finds whatever races with it); a call, an atomic or a fence
; between them, a narrower store, or another block keeps the load's check.
; RUN: %opt_chansan %s | FileCheck %s
; RUN: env CHANSAN_PASS_STATS=1 %opt_chansan %s -o /dev/null 2>&1 | FileCheck --check-prefix=STATS %s

@counter = global i64 0, align 8
@flag = global i32 0
@wide = global i64 0, align 8
declare void @unknown()
declare double @llvm.fmuladd.f64(double, double, double)

; CHECK-LABEL: define void @increment(
define void @increment() {
; CHECK-NOT: call void @__chansan_read8
; CHECK: call void @__chansan_write8(ptr @counter)
; CHECK-NEXT: store i64
  %v = load i64, ptr @counter, align 8
  %n = add i64 %v, 1
  store i64 %n, ptr @counter, align 8
  ret void
}

; CHECK-LABEL: define void @intrinsic_between(
define void @intrinsic_between(ptr %c, double %a, double %b) {
; CHECK-NOT: call void @__chansan_read8
; CHECK: call void @__chansan_write8(ptr %c)
  %old = load double, ptr %c, align 8
  %new = call double @llvm.fmuladd.f64(double %a, double %b, double %old)
  store double %new, ptr %c, align 8
  ret void
}

; CHECK-LABEL: define void @call_between(
define void @call_between() {
; CHECK: call void @__chansan_read8(ptr @counter)
; CHECK: void @unknown()
; CHECK: call void @__chansan_write8(ptr @counter)
  %v = load i64, ptr @counter, align 8
  call void @unknown()
  store i64 %v, ptr @counter, align 8
  ret void
}

; CHECK-LABEL: define void @atomic_between(
define void @atomic_between() {
; CHECK: call void @__chansan_read8(ptr @counter)
; CHECK: call void @__chansan_write8(ptr @counter)
  %v = load i64, ptr @counter, align 8
  store atomic i32 1, ptr @flag release, align 4
  store i64 %v, ptr @counter, align 8
  ret void
}

; CHECK-LABEL: define void @fence_between(
define void @fence_between() {
; CHECK: call void @__chansan_read8(ptr @counter)
; CHECK: call void @__chansan_write8(ptr @counter)
  %v = load i64, ptr @counter, align 8
  fence acquire
  store i64 %v, ptr @counter, align 8
  ret void
}

; CHECK-LABEL: define void @narrower_store(
define void @narrower_store() {
; CHECK: call void @__chansan_read8(ptr @wide)
; CHECK: call void @__chansan_write4(ptr @wide)
  %v = load i64, ptr @wide, align 8
  %t = trunc i64 %v to i32
  store i32 %t, ptr @wide, align 8
  ret void
}

; CHECK-LABEL: define void @other_block(
define void @other_block(i1 %c) {
; CHECK: call void @__chansan_read8(ptr @counter)
; CHECK: call void @__chansan_write8(ptr @counter)
  %v = load i64, ptr @counter, align 8
  br i1 %c, label %then, label %done
then:
  store i64 %v, ptr @counter, align 8
  br label %done
done:
  ret void
}

; STATS: chansan: {{.*}}: instrumented 5 reads, 7 writes
; STATS: 2 reads followed by a write of the same bytes

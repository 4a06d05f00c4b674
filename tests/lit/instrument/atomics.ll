; Atomic operations are replaced by runtime calls that perform them, with
; the C ABI's memory orders (0 relaxed, 2 acquire, 3 release, 4 acq_rel,
; 5 seq_cst); signal fences and unmodelled operations are left alone.
; RUN: %opt_chansan %s | FileCheck %s

@a = global i32 0
@p = global ptr null
@f = global float 0.0

; CHECK-LABEL: define void @ops(
define void @ops() {
; CHECK: call i32 @__chansan_atomic4_load(ptr {{.*}}, i32 2)
; CHECK-NOT: load atomic
  %l = load atomic i32, ptr @a acquire, align 4
; CHECK: call void @__chansan_atomic4_store(ptr {{.*}}, i32 1, i32 3)
  store atomic i32 1, ptr @a release, align 4
; CHECK: call void @__chansan_atomic4_store(ptr {{.*}}, i32 2, i32 0)
  store atomic i32 2, ptr @a monotonic, align 4
; CHECK: call i32 @__chansan_atomic4_fetch_add(ptr {{.*}}, i32 5, i32 5)
  %x = atomicrmw add ptr @a, i32 5 seq_cst
; CHECK: call i32 @__chansan_atomic4_exchange(ptr {{.*}}, i32 6, i32 4)
  %y = atomicrmw xchg ptr @a, i32 6 acq_rel
; CHECK: atomicrmw max ptr @a
  %z = atomicrmw max ptr @a, i32 9 seq_cst
; CHECK: [[OLD:%.*]] = call i32 @__chansan_atomic4_compare_exchange_val(ptr {{.*}}, i32 0, i32 1, i32 5, i32 2)
; CHECK: icmp eq i32 [[OLD]], 0
  %c = cmpxchg ptr @a, i32 0, i32 1 seq_cst acquire
  %ok = extractvalue { i32, i1 } %c, 1
; CHECK: call void @__chansan_atomic_thread_fence(i32 5)
  fence seq_cst
; CHECK-NOT: call void @__chansan_atomic_thread_fence(i32 2)
; CHECK: fence syncscope("singlethread") acquire
  fence syncscope("singlethread") acquire
  ret void
}

; Pointers and floats travel as integers of their size.
; CHECK-LABEL: define ptr @pointer_load(
define ptr @pointer_load() {
; CHECK: [[V:%.*]] = call i64 @__chansan_atomic8_load(
; CHECK: inttoptr i64 [[V]] to ptr
  %v = load atomic ptr, ptr @p acquire, align 8
  ret ptr %v
}

; CHECK-LABEL: define void @float_store(
define void @float_store(float %x) {
; CHECK: [[I:%.*]] = bitcast float %x to i32
; CHECK: call void @__chansan_atomic4_store(ptr {{.*}}, i32 [[I]], i32 5)
  store atomic float %x, ptr @f seq_cst, align 4
  ret void
}

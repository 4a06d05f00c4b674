; memcpy, memmove and memset, as intrinsics or library calls, become runtime
; calls that check both ranges and do the work.
; RUN: %opt_chansan %s | FileCheck %s

declare void @llvm.memcpy.p0i8.p0i8.i64(ptr, ptr, i64, i1)
declare void @llvm.memmove.p0i8.p0i8.i64(ptr, ptr, i64, i1)
declare void @llvm.memset.p0i8.i64(ptr, i8, i64, i1)
declare ptr @memcpy(ptr, ptr, i64)

; CHECK-LABEL: define void @f(
define void @f(ptr %d, ptr %s, i64 %n) {
; CHECK: call ptr @__chansan_memcpy(ptr %d, ptr %s, i64 %n)
; CHECK-NOT: call void @llvm.memcpy
  call void @llvm.memcpy.p0i8.p0i8.i64(ptr %d, ptr %s, i64 %n, i1 false)
; CHECK: call ptr @__chansan_memmove(ptr %d, ptr %s, i64 %n)
  call void @llvm.memmove.p0i8.p0i8.i64(ptr %d, ptr %s, i64 %n, i1 false)
; CHECK: call ptr @__chansan_memset(ptr %d, i32 7, i64 %n)
  call void @llvm.memset.p0i8.i64(ptr %d, i8 7, i64 %n, i1 false)
; CHECK: call ptr @__chansan_memcpy(ptr %d, ptr %s, i64 16)
  %r = call ptr @memcpy(ptr %d, ptr %s, i64 16)
  ret void
}

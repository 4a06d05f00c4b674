; memcpy, memmove and memset, as intrinsics or library calls, become runtime
; calls that check both ranges and do the work.
; RUN: %opt_chansan %s | FileCheck %s

declare void @llvm.memcpy.p0i8.p0i8.i64(i8*, i8*, i64, i1)
declare void @llvm.memmove.p0i8.p0i8.i64(i8*, i8*, i64, i1)
declare void @llvm.memset.p0i8.i64(i8*, i8, i64, i1)
declare i8* @memcpy(i8*, i8*, i64)

; CHECK-LABEL: define void @f(
define void @f(i8* %d, i8* %s, i64 %n) {
; CHECK: call i8* @__chansan_memcpy(i8* %d, i8* %s, i64 %n)
; CHECK-NOT: call void @llvm.memcpy
  call void @llvm.memcpy.p0i8.p0i8.i64(i8* %d, i8* %s, i64 %n, i1 false)
; CHECK: call i8* @__chansan_memmove(i8* %d, i8* %s, i64 %n)
  call void @llvm.memmove.p0i8.p0i8.i64(i8* %d, i8* %s, i64 %n, i1 false)
; CHECK: call i8* @__chansan_memset(i8* %d, i32 7, i64 %n)
  call void @llvm.memset.p0i8.i64(i8* %d, i8 7, i64 %n, i1 false)
; CHECK: call i8* @__chansan_memcpy(i8* %d, i8* %s, i64 16)
  %r = call i8* @memcpy(i8* %d, i8* %s, i64 16)
  ret void
}

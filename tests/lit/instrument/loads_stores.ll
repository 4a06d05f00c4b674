; Plain loads and stores of every size reach the detector before the access:
; 1-16 bytes through sized entry points, others as ranges, under-aligned ones
; through the unaligned entry points.
; RUN: %opt_chansan %s | FileCheck %s

@g8 = global i8 0
@g16 = global i16 0
@g32 = global i32 0
@g64 = global i64 0
@g128 = global i128 0
@g48 = global i48 0
@v4 = global <4 x i32> zeroinitializer
@v8 = global <8 x i32> zeroinitializer

; CHECK-LABEL: define void @sizes(
define void @sizes() {
; CHECK: call void @__chansan_read1(ptr @g8)
; CHECK-NEXT: load i8, ptr @g8
  %a = load i8, ptr @g8
; CHECK: call void @__chansan_write2(
; CHECK-NEXT: store i16
  store i16 1, ptr @g16
; CHECK: call void @__chansan_read4(
  %c = load i32, ptr @g32
; CHECK: call void @__chansan_write8(
  store i64 2, ptr @g64, align 8
; CHECK: call void @__chansan_read16(
  %e = load i128, ptr @g128, align 16
; CHECK: call void @__chansan_read_range(ptr {{.*}}, i64 6)
  %f = load i48, ptr @g48
; CHECK: call void @__chansan_read16(
  %v = load <4 x i32>, ptr @v4
; CHECK: call void @__chansan_write_range(ptr {{.*}}, i64 32)
  store <8 x i32> zeroinitializer, ptr @v8
  ret void
}

; CHECK-LABEL: define void @unaligned(
define void @unaligned(ptr %p, ptr %q) {
; CHECK: call void @__chansan_unaligned_read4(
  %a = load i32, ptr %p, align 1
; CHECK: call void @__chansan_unaligned_write8(
  store i64 0, ptr %q, align 4
; CHECK: call void @__chansan_read4(
  %b = load i32, ptr %p, align 4
  ret void
}

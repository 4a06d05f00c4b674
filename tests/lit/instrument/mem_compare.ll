; memcmp and bcmp calls: both ranges are checked as reads before the call,
; which stays (the code generator may expand it into loads no interceptor
; sees).
; RUN: %opt_chansan %s | FileCheck %s

declare i32 @memcmp(ptr, ptr, i64) nounwind
declare i32 @bcmp(ptr, ptr, i64) nounwind

; CHECK-LABEL: define i32 @f(
define i32 @f(ptr %a, ptr %b, i64 %n) {
; CHECK: call void @__chansan_read_range(ptr %a, i64 %n)
; CHECK-NEXT: call void @__chansan_read_range(ptr %b, i64 %n)
; CHECK-NEXT: call i32 @memcmp(ptr %a, ptr %b, i64 %n)
  %r = call i32 @memcmp(ptr %a, ptr %b, i64 %n)
; CHECK: call void @__chansan_read_range(ptr %a, i64 6)
; CHECK-NEXT: call void @__chansan_read_range(ptr %b, i64 6)
; CHECK-NEXT: call i32 @bcmp(ptr %a, ptr %b, i64 6)
  %s = call i32 @bcmp(ptr %a, ptr %b, i64 6)
  %t = add i32 %r, %s
  ret i32 %t
}

; Function entry (with the caller's return address) and every exit, the
; unwinding path included, reach the detector for its shadow call stack.
; RUN: %opt_chansan %s | FileCheck %s

@g = global i32 0
declare void @may_throw()
declare i32 @__gxx_personality_v0(...)

; CHECK-LABEL: define void @two_returns(
define void @two_returns(i1 %c) {
; CHECK: [[RA:%.*]] = call ptr @llvm.returnaddress(i32 0)
; CHECK-NEXT: call void @__chansan_func_entry(ptr [[RA]])
  store i32 1, ptr @g
  br i1 %c, label %a, label %b
a:
; CHECK: call void @__chansan_func_exit()
; CHECK-NEXT: ret void
  ret void
b:
; CHECK: call void @__chansan_func_exit()
; CHECK-NEXT: ret void
  ret void
}

; CHECK-LABEL: define void @unwinds(
define void @unwinds() personality ptr @__gxx_personality_v0 {
; CHECK: call void @__chansan_func_entry(
  store i32 2, ptr @g
  invoke void @may_throw() to label %ok unwind label %lp
ok:
; CHECK: call void @__chansan_func_exit()
; CHECK-NEXT: ret void
  ret void
lp:
  %e = landingpad { ptr, i32 } cleanup
; CHECK: call void @__chansan_func_exit()
; CHECK-NEXT: resume
  resume { ptr, i32 } %e
}

; A call that may throw, outside any invoke, gets a cleanup path too.
; CHECK-LABEL: define void @calls(
define void @calls() personality ptr @__gxx_personality_v0 {
; CHECK: invoke void @may_throw()
; CHECK: chansan_cleanup:
; CHECK: call void @__chansan_func_exit()
; CHECK: resume
  call void @may_throw()
  ret void
}

; A leaf function with no access and no call is left untouched.
; CHECK-LABEL: define i32 @leaf(
; CHECK-NOT: __chansan
; CHECK: ret i32
define i32 @leaf(i32 %x) {
  %y = add i32 %x, 1
  ret i32 %y
}

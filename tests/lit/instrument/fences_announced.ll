; A module that holds a fence announces it before main (a global
; constructor calling __chansan_fences_present), so relaxed accesses made
; before the first fence runs are tracked; a module without one does not.
; RUN: %opt_chansan %s | FileCheck %s
; RUN: %opt_chansan %S/Inputs/no_fence.ll | FileCheck %s --check-prefix=NONE

; CHECK: @llvm.global_ctors = appending global {{.*}} @chansan.announce_fences
; NONE-NOT: announce_fences
; NONE-NOT: __chansan_fences_present

define void @f() {
  fence acquire
  ret void
}

; CHECK: define internal void @chansan.announce_fences()
; CHECK-NEXT: call void @__chansan_fences_present()

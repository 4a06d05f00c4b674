; The vectorizer's masked loads, stores, gathers and scatters are checked
; lane by lane, as the scalar accesses they stand for: a lane whose mask
; bit is set at run time is checked under a branch on that bit, a lane with
; a constant 1 always, a constant 0 never (it touches no memory). Loads
; and stores take the lane's address from the base pointer, gathers and
; scatters from their vector of pointers.
; RUN: %opt_chansan %s | FileCheck %s
; RUN: env CHANSAN_PASS_STATS=1 %opt_chansan %s -o /dev/null 2>&1 | FileCheck --check-prefix=STATS %s

@table = constant [4 x double] [double 1.0, double 2.0, double 3.0, double 4.0]
declare void @llvm.masked.store.v4f64.p0(<4 x double>, ptr, i32, <4 x i1>)
declare <4 x double> @llvm.masked.load.v4f64.p0(ptr, i32, <4 x i1>, <4 x double>)
declare <4 x double> @llvm.masked.gather.v4f64.v4p0(<4 x ptr>, i32, <4 x i1>, <4 x double>)
declare void @llvm.masked.scatter.v4i32.v4p0(<4 x i32>, <4 x ptr>, i32, <4 x i1>)

; CHECK-LABEL: define void @store_variable_mask(
define void @store_variable_mask(<4 x double> %v, ptr %p, <4 x i1> %m) {
; CHECK: [[B0:%.*]] = extractelement <4 x i1> %m, i64 0
; CHECK-NEXT: br i1 [[B0]]
; CHECK: call void @__chansan_write8(ptr
; CHECK: [[B1:%.*]] = extractelement <4 x i1> %m, i64 1
; CHECK-NEXT: br i1 [[B1]]
; CHECK: [[A1:%.*]] = getelementptr double, ptr %p, i64 1
; CHECK-NEXT: call void @__chansan_write8(ptr [[A1]])
; CHECK: extractelement <4 x i1> %m, i64 3
; CHECK: [[A3:%.*]] = getelementptr double, ptr %p, i64 3
; CHECK-NEXT: call void @__chansan_write8(ptr [[A3]])
; CHECK: call void @llvm.masked.store.v4f64.p0(
  call void @llvm.masked.store.v4f64.p0(<4 x double> %v, ptr %p, i32 8, <4 x i1> %m)
  ret void
}

; CHECK-LABEL: define <4 x double> @gather_constant_mask(
define <4 x double> @gather_constant_mask(<4 x ptr> %ps) {
; CHECK-NOT: br i1
; CHECK: [[P0:%.*]] = extractelement <4 x ptr> %ps, i64 0
; CHECK-NEXT: call void @__chansan_read8(ptr [[P0]])
; CHECK-NOT: extractelement <4 x ptr> %ps, i64 1
; CHECK: [[P2:%.*]] = extractelement <4 x ptr> %ps, i64 2
; CHECK-NEXT: call void @__chansan_read8(ptr [[P2]])
; CHECK: [[P3:%.*]] = extractelement <4 x ptr> %ps, i64 3
; CHECK-NEXT: call void @__chansan_read8(ptr [[P3]])
; CHECK-NEXT: call <4 x double> @llvm.masked.gather.v4f64.v4p0(
  %r = call <4 x double> @llvm.masked.gather.v4f64.v4p0(<4 x ptr> %ps, i32 8, <4 x i1> <i1 true, i1 false, i1 true, i1 true>, <4 x double> zeroinitializer)
  ret <4 x double> %r
}

; A scatter of 4-byte lanes aligned to 4: the 4-byte check per set lane.
; CHECK-LABEL: define void @scatter_variable_mask(
define void @scatter_variable_mask(<4 x i32> %v, <4 x ptr> %ps, <4 x i1> %m) {
; CHECK-COUNT-4: call void @__chansan_write4(ptr
; CHECK: call void @llvm.masked.scatter.v4i32.v4p0(
  call void @llvm.masked.scatter.v4i32.v4p0(<4 x i32> %v, <4 x ptr> %ps, i32 4, <4 x i1> %m)
  ret void
}

; Constant data: no thread writes it.
; CHECK-LABEL: define <4 x double> @load_of_constant(
define <4 x double> @load_of_constant(<4 x i1> %m) {
; CHECK-NOT: call void @__chansan_read
  %r = call <4 x double> @llvm.masked.load.v4f64.p0(ptr @table, i32 8, <4 x i1> %m, <4 x double> zeroinitializer)
  ret <4 x double> %r
}

; STATS: 3 masked vector ops

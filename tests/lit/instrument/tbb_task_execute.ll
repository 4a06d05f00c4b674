; An override of oneTBB's task::execute(execution_data&) -- TBB's own tasks
; (in tbb::detail::d1) and a program's (elsewhere) -- starts by acquiring
; what the task's spawn released (__chansan_task_start with the task) and
; releases for the waiter on every way out (__chansan_task_finish, before
; the frame's exit); even with no access of its own. Another member named
; execute is left alone.
; RUN: %opt_chansan %s | FileCheck %s
; RUN: env CHANSAN_PASS_STATS=1 %opt_chansan %s -o /dev/null 2>&1 | FileCheck --check-prefix=STATS %s

; CHECK-LABEL: define ptr @"_ZN3tbb6detail2d113function_taskIZ4mainE3$_1E7executeERNS1_14execution_dataE"(
define ptr @"_ZN3tbb6detail2d113function_taskIZ4mainE3$_1E7executeERNS1_14execution_dataE"(ptr %this, ptr %ed) {
; CHECK: call void @__chansan_func_entry(
; CHECK-NEXT: call void @__chansan_task_start(ptr %this)
; CHECK: call void @__chansan_task_finish()
; CHECK-NEXT: call void @__chansan_func_exit()
; CHECK-NEXT: ret ptr null
  ret ptr null
}

; CHECK-LABEL: define ptr @_ZN2my4Task7executeERN3tbb6detail2d114execution_dataE(
define ptr @_ZN2my4Task7executeERN3tbb6detail2d114execution_dataE(ptr %this, ptr %ed) {
; CHECK: call void @__chansan_task_start(ptr %this)
; CHECK: call void @__chansan_task_finish()
  ret ptr null
}

; CHECK-LABEL: define void @_ZN2my6Runner7executeEv(
define void @_ZN2my6Runner7executeEv(ptr %this) {
; CHECK-NOT: __chansan_task
; CHECK: ret void
  ret void
}

; STATS: 2 TBB task bodies

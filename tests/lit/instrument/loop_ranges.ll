; An access every iteration of an innermost loop makes, at an address that
; moves by a constant stride no wider than the access, is checked once as
; the range the iterations touch (__chansan_loop_read/write, with the bytes
; each iteration accessed) when nothing in the loop synchronizes: before
; the loop when the trip count is known on entry, else on each way out, as
; the iterations that ran (an index that moves by 0 or 1 on each iteration
; too). A call, an atomic, a conditional access, a gap
; between iterations' bytes, or a data-dependent loop on one address keep
; the per-iteration check.
; RUN: %opt_chansan %s | FileCheck %s
; RUN: env CHANSAN_PASS_STATS=1 %opt_chansan %s -o /dev/null 2>&1 | FileCheck --check-prefix=STATS %s
; STATS: checked 16 loop accesses once per loop run, as 17 range checks

declare void @unknown()
declare void @llvm.trap()

; A preheader is made for the guarded loop; the range is [a, a + 4n).
; CHECK-LABEL: define void @fill(
; CHECK: call void @__chansan_loop_write(ptr %a, i64 %{{.*}}, i64 4)
; CHECK-NEXT: br label %loop
; CHECK-NOT: call void @__chansan_write4
; CHECK: ret void
define void @fill(ptr %a, i64 %n) {
entry:
  %g = icmp sgt i64 %n, 0
  br i1 %g, label %loop, label %exit
loop:
  %i = phi i64 [ 0, %entry ], [ %i.next, %loop ]
  %p = getelementptr inbounds i32, ptr %a, i64 %i
  store i32 7, ptr %p, align 4
  %i.next = add nuw nsw i64 %i, 1
  %c = icmp slt i64 %i.next, %n
  br i1 %c, label %loop, label %exit
exit:
  ret void
}

; Read in one block, written in the next: the write's range alone.
; CHECK-LABEL: define void @increment_all(
; CHECK-NOT: __chansan_loop_read
; CHECK: call void @__chansan_loop_write(ptr %a, i64 %{{.*}}, i64 8)
; CHECK-NOT: call void @__chansan_read8
; CHECK-NOT: call void @__chansan_write8
; CHECK: ret void
define void @increment_all(ptr %a, i64 %n) {
entry:
  %g = icmp sgt i64 %n, 0
  br i1 %g, label %ph, label %exit
ph:
  br label %loop
loop:
  %i = phi i64 [ 0, %ph ], [ %i.next, %latch ]
  %p = getelementptr inbounds i64, ptr %a, i64 %i
  %v = load i64, ptr %p, align 8
  br label %latch
latch:
  %v1 = add i64 %v, 1
  store i64 %v1, ptr %p, align 8
  %i.next = add nuw nsw i64 %i, 1
  %c = icmp slt i64 %i.next, %n
  br i1 %c, label %loop, label %exit
exit:
  ret void
}

; Two stores per iteration, a[2i] and a[2i+1] (an unrolled body): together
; they leave no gap, one range; each iteration's access is 4 bytes.
; CHECK-LABEL: define void @pairs(
; CHECK: call void @__chansan_loop_write(ptr %a, i64 %{{.*}}, i64 4)
; CHECK-NOT: call void @__chansan_write4
; CHECK: ret void
define void @pairs(ptr %a, i64 %n) {
entry:
  %g = icmp sgt i64 %n, 0
  br i1 %g, label %ph, label %exit
ph:
  br label %loop
loop:
  %i = phi i64 [ 0, %ph ], [ %i.next, %loop ]
  %j = shl nuw nsw i64 %i, 1
  %p = getelementptr inbounds i32, ptr %a, i64 %j
  store i32 1, ptr %p, align 4
  %q = getelementptr inbounds i32, ptr %p, i64 1
  store i32 2, ptr %q, align 4
  %i.next = add nuw nsw i64 %i, 1
  %c = icmp slt i64 %i.next, %n
  br i1 %c, label %loop, label %exit
exit:
  ret void
}

; Descending: the range starts at the last iteration's address. The
; loop-invariant read of *%x is a range of its 4 bytes.
; CHECK-LABEL: define void @down(
; CHECK-DAG: call void @__chansan_loop_read(ptr %x, i64 4, i64 4)
; CHECK-DAG: call void @__chansan_loop_write(ptr %a, i64 %{{.*}}, i64 4)
; CHECK-NOT: call void @__chansan_write4
; CHECK-NOT: call void @__chansan_read4
; CHECK: ret void
define void @down(ptr %a, ptr %x, i64 %n) {
entry:
  %g = icmp sgt i64 %n, 0
  br i1 %g, label %ph, label %exit
ph:
  br label %loop
loop:
  %i = phi i64 [ %n, %ph ], [ %i.next, %loop ]
  %i.next = add nsw i64 %i, -1
  %p = getelementptr inbounds i32, ptr %a, i64 %i.next
  %v = load i32, ptr %x, align 4
  store i32 %v, ptr %p, align 4
  %c = icmp sgt i64 %i.next, 0
  br i1 %c, label %loop, label %exit
exit:
  ret void
}

; A call in the loop may synchronize: each iteration checks.
; CHECK-LABEL: define void @with_call(
; CHECK-NOT: __chansan_loop_
; CHECK: call void @__chansan_write4
; CHECK: @unknown()
define void @with_call(ptr %a, i64 %n) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i.next, %loop ]
  %p = getelementptr inbounds i32, ptr %a, i64 %i
  store i32 7, ptr %p, align 4
  call void @unknown()
  %i.next = add nuw nsw i64 %i, 1
  %c = icmp slt i64 %i.next, %n
  br i1 %c, label %loop, label %exit
exit:
  ret void
}

; So may an atomic.
; CHECK-LABEL: define void @with_atomic(
; CHECK-NOT: __chansan_loop_
; CHECK: call void @__chansan_write4
define void @with_atomic(ptr %a, ptr %flag, i64 %n) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i.next, %loop ]
  %f = load atomic i32, ptr %flag acquire, align 4
  %p = getelementptr inbounds i32, ptr %a, i64 %i
  store i32 %f, ptr %p, align 4
  %i.next = add nuw nsw i64 %i, 1
  %c = icmp slt i64 %i.next, %n
  br i1 %c, label %loop, label %exit
exit:
  ret void
}

; A second exit (stop at a zero): the iterations that ran are known on the
; way out. The read ran in the leaving iteration on both ways out; the
; write, after the first exit, only when the loop leaves at the latch (on
; the first way out, a range of none if it was the first iteration).
; CHECK-LABEL: define void @until_zero(
; CHECK-NOT: call void @__chansan_read4
; CHECK-NOT: call void @__chansan_write4
; CHECK: [[HERE:%[a-z0-9]+]] = getelementptr i8, ptr %a, i64
; CHECK: br i1 %z, label %[[EXIT1:.*]], label %latch
; CHECK: [[EXIT1]]:
; CHECK: [[ZERO:%.*]] = icmp eq i64
; CHECK: select i1 [[ZERO]], i64 0
; CHECK: call void @__chansan_loop_write(ptr
; CHECK: call void @__chansan_loop_read(ptr
; CHECK: latch:
; CHECK-NEXT: store i32 1
; CHECK: call void @__chansan_loop_write(ptr
; CHECK: call void @__chansan_loop_read(ptr
; CHECK: ret void
define void @until_zero(ptr %a, i64 %n) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i.next, %latch ]
  %p = getelementptr inbounds i32, ptr %a, i64 %i
  %v = load i32, ptr %p, align 4
  %z = icmp eq i32 %v, 0
  br i1 %z, label %exit, label %latch
latch:
  store i32 1, ptr %p, align 4
  %i.next = add nuw nsw i64 %i, 1
  %c = icmp slt i64 %i.next, %n
  br i1 %c, label %loop, label %exit
exit:
  ret void
}

; A merge's shape: the output moves every iteration, the bound is read
; from memory every iteration (a local a lambda captured) before the test
; that leaves: both wait for the way out.
; CHECK-LABEL: define void @merge_like(
; CHECK-NOT: call void @__chansan_read4
; CHECK-NOT: call void @__chansan_write4
; CHECK: br i1 %c, label %loop, label %[[OUT:.*]]
; CHECK: [[OUT]]:
; CHECK-DAG: call void @__chansan_loop_read(ptr %bound, i64 4, i64 4)
; CHECK-DAG: call void @__chansan_loop_write(ptr %{{.*}}, i64 %{{.*}}, i64 4)
define void @merge_like(ptr %out, ptr %bound, ptr %src) {
entry:
  br label %loop
loop:
  %k = phi i64 [ 0, %entry ], [ %k.next, %loop ]
  %x = phi i32 [ 0, %entry ], [ %x.next, %loop ]
  %p = getelementptr inbounds i32, ptr %out, i64 %k
  store i32 %x, ptr %p, align 4
  %k.next = add nuw nsw i64 %k, 1
  %x.next = add i32 %x, 3
  %h = load i32, ptr %bound, align 4
  %c = icmp slt i32 %x.next, %h
  br i1 %c, label %loop, label %exit
exit:
  ret void
}

; Waiting on one address: the loop may never leave, and a race with the
; store that would end it must be found while it spins.
; CHECK-LABEL: define void @spin(
; CHECK-NOT: __chansan_loop_
; CHECK: call void @__chansan_read4(ptr %flag)
define void @spin(ptr %flag) {
entry:
  br label %loop
loop:
  %v = load i32, ptr %flag, align 4
  %z = icmp eq i32 %v, 0
  br i1 %z, label %loop, label %exit
exit:
  ret void
}

; A store only some iterations make.
; CHECK-LABEL: define void @conditional(
; CHECK-NOT: __chansan_loop_
; CHECK: call void @__chansan_write4
define void @conditional(ptr %a, i64 %n, i1 %w) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i.next, %latch ]
  br i1 %w, label %then, label %latch
then:
  %p = getelementptr inbounds i32, ptr %a, i64 %i
  store i32 7, ptr %p, align 4
  br label %latch
latch:
  %i.next = add nuw nsw i64 %i, 1
  %c = icmp slt i64 %i.next, %n
  br i1 %c, label %loop, label %exit
exit:
  ret void
}

; A field of each 8-byte struct: the other field's bytes are not touched.
; CHECK-LABEL: define void @field(
; CHECK-NOT: __chansan_loop_
; CHECK: call void @__chansan_write4
define void @field(ptr %a, i64 %n) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i.next, %loop ]
  %p = getelementptr inbounds { i32, i32 }, ptr %a, i64 %i, i32 1
  store i32 7, ptr %p, align 4
  %i.next = add nuw nsw i64 %i, 1
  %c = icmp slt i64 %i.next, %n
  br i1 %c, label %loop, label %exit
exit:
  ret void
}

; A bounds check's trap leaves the loop early: the iterations that ran
; before it are checked on that way out, before the trap.
; CHECK-LABEL: define void @checked_bounds(
; CHECK-NOT: call void @__chansan_write4
; CHECK: br i1 %ok, label %latch, label %[[TRAP:.*]]
; CHECK: [[TRAP]]:
; CHECK: call void @__chansan_loop_write(ptr
; CHECK: call void @llvm.trap()
define void @checked_bounds(ptr %a, i64 %n, i64 %limit) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i.next, %latch ]
  %ok = icmp ult i64 %i, %limit
  br i1 %ok, label %latch, label %trap
trap:
  call void @llvm.trap()
  unreachable
latch:
  %p = getelementptr inbounds i32, ptr %a, i64 %i
  store i32 7, ptr %p, align 4
  %i.next = add nuw nsw i64 %i, 1
  %c = icmp slt i64 %i.next, %n
  br i1 %c, label %loop, label %exit
exit:
  ret void
}

; A merge: i and j each move by 0 or 1 per iteration (unit-step counters,
; no recurrence SCEV can name), k by 1. Every element from a[i's start] to
; a[i] of the leaving iteration was read: a range on the way out, from
; the start index (zero- or sign-extended as the index is) to the leaving
; iteration's address.
; CHECK-LABEL: define void @merge_counters(
; CHECK-NOT: call void @__chansan_read4
; CHECK-NOT: call void @__chansan_write4
; CHECK: br i1 %go, label %loop, label %[[OUT:.*]]
; CHECK: [[OUT]]:
; CHECK-DAG: [[FIRSTI:%.*]] = getelementptr inbounds i32, ptr %a, i64 0
; CHECK-DAG: [[SEXT:%.*]] = sext i32 %j0 to i64
; CHECK-DAG: [[FIRSTJ:%.*]] = getelementptr inbounds i32, ptr %a, i64 [[SEXT]]
; CHECK-DAG: call void @__chansan_loop_read(ptr %{{.*}}, i64 %{{.*}}, i64 4)
; CHECK-DAG: call void @__chansan_loop_read(ptr %{{.*}}, i64 %{{.*}}, i64 4)
; CHECK-DAG: call void @__chansan_loop_write(ptr %{{.*}}, i64 %{{.*}}, i64 4)
; CHECK: ret void
define void @merge_counters(ptr %a, ptr %tmp, i32 %h, i32 %n, i32 %j0) {
entry:
  br label %loop
loop:
  %k = phi i64 [ 0, %entry ], [ %k.next, %loop ]
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %j = phi i32 [ %j0, %entry ], [ %j.next, %loop ]
  %iw = zext i32 %i to i64
  %pi = getelementptr inbounds i32, ptr %a, i64 %iw
  %ai = load i32, ptr %pi, align 4
  %jw = sext i32 %j to i64
  %pj = getelementptr inbounds i32, ptr %a, i64 %jw
  %aj = load i32, ptr %pj, align 4
  %gt = icmp sgt i32 %ai, %aj
  %le = xor i1 %gt, true
  %di = zext i1 %le to i32
  %i.next = add nuw nsw i32 %i, %di
  %dj = zext i1 %gt to i32
  %j.next = add nsw i32 %j, %dj
  %v = select i1 %gt, i32 %aj, i32 %ai
  %pk = getelementptr inbounds i32, ptr %tmp, i64 %k
  store i32 %v, ptr %pk, align 4
  %k.next = add nuw i64 %k, 1
  %ci = icmp slt i32 %i.next, %h
  %cj = icmp slt i32 %j.next, %n
  %go = select i1 %ci, i1 %cj, i1 false
  br i1 %go, label %loop, label %exit
exit:
  ret void
}

; Counters that are not unit steps keep the per-iteration check: one that
; may wrap (a zero-extended index without nuw), one that moves by 0 or 2
; (every other element: a gap).
; CHECK-LABEL: define void @not_unit_steps(
; CHECK: call void @__chansan_read4(ptr %pi)
; CHECK: call void @__chansan_read4(ptr %pj)
; CHECK: call void @__chansan_loop_write(
define void @not_unit_steps(ptr %a, ptr %tmp, i32 %h) {
entry:
  br label %loop
loop:
  %k = phi i64 [ 0, %entry ], [ %k.next, %loop ]
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %j = phi i64 [ 0, %entry ], [ %j.next, %loop ]
  %iw = zext i32 %i to i64
  %pi = getelementptr inbounds i32, ptr %a, i64 %iw
  %ai = load i32, ptr %pi, align 4
  %pj = getelementptr inbounds i32, ptr %a, i64 %j
  %aj = load i32, ptr %pj, align 4
  %gt = icmp sgt i32 %ai, %aj
  %di = zext i1 %gt to i32
  %i.next = add i32 %i, %di
  %dj = select i1 %gt, i64 2, i64 0
  %j.next = add nsw i64 %j, %dj
  %pk = getelementptr inbounds i32, ptr %tmp, i64 %k
  store i32 %ai, ptr %pk, align 4
  %k.next = add nuw i64 %k, 1
  %go = icmp slt i32 %i.next, %h
  br i1 %go, label %loop, label %exit
exit:
  ret void
}

; A counter in a loop where nothing else moves may stand still for ever
; (waiting for a[i] to change): its race must be found while it waits.
; CHECK-LABEL: define void @counter_may_wait(
; CHECK-NOT: __chansan_loop_
; CHECK: call void @__chansan_read4(ptr %pi)
define void @counter_may_wait(ptr %a, i32 %x, i32 %h) {
entry:
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %iw = zext i32 %i to i64
  %pi = getelementptr inbounds i32, ptr %a, i64 %iw
  %ai = load i32, ptr %pi, align 4
  %lt = icmp slt i32 %ai, %x
  %di = zext i1 %lt to i32
  %i.next = add nuw i32 %i, %di
  %go = icmp slt i32 %i.next, %h
  br i1 %go, label %loop, label %exit
exit:
  ret void
}

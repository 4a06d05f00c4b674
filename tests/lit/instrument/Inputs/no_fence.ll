; Included by fences_announced.ll: atomics, but no fence.
@x = global i32 0
define i32 @g() {
  %v = load atomic i32, i32* @x acquire, align 4
  ret i32 %v
}

// csp_ctx_switch(void** save_sp, void* load_sp)
// Saves callee-saved state on the current stack, stores the stack pointer in
// *save_sp, loads load_sp and restores the state saved there. The layout must
// match SavedFrameX64 in context_x86_64.hpp.
        .text
        .globl  csp_ctx_switch
        .type   csp_ctx_switch,@function
        .p2align 4
csp_ctx_switch:
        .cfi_startproc
        pushq   %rbp
        pushq   %rbx
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        subq    $8, %rsp
        stmxcsr (%rsp)
        fnstcw  4(%rsp)
        movq    %rsp, (%rdi)
        movq    %rsi, %rsp
        ldmxcsr (%rsp)
        fldcw   4(%rsp)
        addq    $8, %rsp
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbx
        popq    %rbp
        ret
        .cfi_endproc
        .size   csp_ctx_switch,.-csp_ctx_switch

// First code of a new context: r12 = entry, r13 = arg (see ctx_make).
// The return address is undefined so unwinders stop here.
        .globl  csp_ctx_start
        .type   csp_ctx_start,@function
        .p2align 4
csp_ctx_start:
        .cfi_startproc
        .cfi_undefined rip
        movq    %r13, %rdi
        callq   *%r12
        ud2
        .cfi_endproc
        .size   csp_ctx_start,.-csp_ctx_start

        .section .note.GNU-stack,"",@progbits

// Option suppressions: a TSan-format file; a race whose stack matches a
// `race:` pattern is not reported, and alone it does not fail the run.
// RUN: %chansan_cxx %S/Inputs/racy_program.cpp -o %t
// RUN: printf '# comment\nrace:bump_a\n' > %t.supp_a
// RUN: env CHANSAN_OPTIONS=suppressions=%t.supp_a %t > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=ONE < %t.log
// RUN: printf 'race:bump_a\nrace:racy_program.cpp\n' > %t.supp_all
// RUN: env CHANSAN_OPTIONS=suppressions=%t.supp_all %t 2>&1 | FileCheck %s --check-prefix=NONE
// RUN: printf 'bogus line\n' > %t.bad
// RUN: env CHANSAN_OPTIONS=suppressions=%t.bad %not %t 2>&1 | FileCheck %s --check-prefix=BAD
// ONE-NOT: bump_a
// ONE: SUMMARY: chansan: data race {{.*}}racy_program.cpp:{{[0-9]+}} in bump_b()
// ONE-NOT: bump_a
// NONE-NOT: WARNING
// NONE: finished
// BAD: chansan: suppressions file '{{.*}}': line 1

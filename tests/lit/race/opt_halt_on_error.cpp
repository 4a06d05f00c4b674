// Option halt_on_error: exit at the first report, with the exit code.
// RUN: %chansan_cxx %S/Inputs/racy_program.cpp -o %t
// RUN: env CHANSAN_OPTIONS=halt_on_error=1 %t > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s < %t.log
// RUN: %t > %t.all 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=ALL < %t.all
// CHECK-COUNT-1: WARNING: chansan: data race
// CHECK-NOT: WARNING: chansan
// CHECK-NOT: finished
// ALL-COUNT-2: SUMMARY: chansan: data race
// ALL: finished

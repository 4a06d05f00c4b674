// Option exitcode: the exit status of a run with findings (default 66).
// RUN: %chansan_cxx %S/Inputs/racy_program.cpp -o %t
// RUN: env CHANSAN_OPTIONS=exitcode=42 %t > %t.log 2>&1; test $? = 42
// RUN: env CHANSAN_OPTIONS=exitcode=0 %t > %t.log 2>&1
// RUN: FileCheck %s < %t.log
// CHECK: WARNING: chansan: data race
// CHECK: finished

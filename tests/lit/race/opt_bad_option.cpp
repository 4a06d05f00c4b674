// A bad option is a clear error at start-up: nothing runs.
// RUN: %chansan_cxx %S/Inputs/racy_program.cpp -o %t
// RUN: env CHANSAN_OPTIONS=no_such_option=1 %not %t > %t.1 2>&1
// RUN: FileCheck %s --check-prefix=UNKNOWN < %t.1
// RUN: env CHANSAN_OPTIONS=exitcode=abc %not %t > %t.2 2>&1
// RUN: FileCheck %s --check-prefix=VALUE < %t.2
// RUN: env CHANSAN_OPTIONS=history_size=9 %not %t > %t.3 2>&1
// RUN: FileCheck %s --check-prefix=RANGE < %t.3
// UNKNOWN: chansan: CHANSAN_OPTIONS: unknown option 'no_such_option'
// UNKNOWN-NOT: finished
// VALUE: chansan: CHANSAN_OPTIONS: bad value 'abc' for exitcode
// RANGE: bad value '9' for history_size

// Option log_path: reports go to <path>.<pid>, not to stderr; "stdout"
// sends them to standard output.
// RUN: %chansan_cxx %S/Inputs/racy_program.cpp -o %t
// RUN: rm -rf %t.dir && mkdir %t.dir
// RUN: env CHANSAN_OPTIONS=log_path=%t.dir/report %t 2> %t.stderr; test $? = 66
// RUN: cat %t.dir/report.* | FileCheck %s
// RUN: FileCheck %s --check-prefix=QUIET --allow-empty < %t.stderr
// RUN: env CHANSAN_OPTIONS=log_path=stdout %t > %t.stdout 2> %t.stderr2; test $? = 66
// RUN: FileCheck %s < %t.stdout
// CHECK: WARNING: chansan: data race
// QUIET-NOT: chansan

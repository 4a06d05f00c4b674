// Option report_format=json: one JSON object per finding, on one line,
// with the fields documented in the README.
// RUN: %chansan_cxx %S/Inputs/racy_program.cpp -o %t
// RUN: env CHANSAN_OPTIONS=report_format=json %t > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s < %t.log
// RUN: grep '^{' %t.log | python3 -c "import json,sys; [json.loads(l) for l in sys.stdin]; print('valid')" | FileCheck %s --check-prefix=VALID
// CHECK-NOT: WARNING
// CHECK: {"kind":"data race","accesses":[{"op":"{{read|write}}","atomic":false,"size":4,"address":"0x{{[0-9a-f]+}}","goroutine":{{[0-9]+}},"stack":[{"function":"bump_{{a|b}}()","file":"{{.*}}racy_program.cpp","line":{{[0-9]+}},"column":{{[0-9]+}}}
// CHECK-SAME: "location":{"kind":"global","name":"{{a|b}}"
// CHECK-SAME: "summary":{"file":"{{.*}}racy_program.cpp","line":{{[0-9]+}},"function":"bump_{{a|b}}()"}}
// VALID: valid

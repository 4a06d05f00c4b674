// chansan-report's page, opened in a real browser: headless Chromium
// renders it to a PNG, which must not be blank (a lock-order inversion
// with its graph, and a race with its two stacks).
// REQUIRES: chromium
// RUN: %chansan_cxx -DLOCK_ORDER %findings -o %t.lock_order
// RUN: %chansan_cxx -DRACE %findings -o %t.race
// RUN: rm -rf %t.logs && mkdir %t.logs
// RUN: env CHANSAN_OPTIONS=report_format=json:log_path=%t.logs/lock_order %t.lock_order > /dev/null; test $? = 66
// RUN: env CHANSAN_OPTIONS=report_format=json:log_path=%t.logs/race %t.race > /dev/null; test $? = 66
// RUN: %chansan_report %t.logs/* -o %t.html
// RUN: rm -f %t.png
// RUN: %chromium --screenshot=%t.png --window-size=1200,1600 file://%t.html 2> %t.chromium.err
// RUN: python3 %S/Inputs/png_not_blank.py %t.png 0.03 | FileCheck %s
// CHECK: 1200x1600, background #{{[0-9a-f]+}}, {{[0-9.]+}}% ink

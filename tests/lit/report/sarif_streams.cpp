// report_format=sarif without a file prefix: the SARIF document alone goes
// to stderr (or stdout), once, at exit — no text mixed in, so the stream
// parses. A run with no finding still writes a whole log with no result;
// halt_on_error writes the log before it ends the process.
// RUN: %chansan_cxx -DRACE %findings -o %t.race
// RUN: %chansan_cxx %findings -o %t.clean
// RUN: env CHANSAN_OPTIONS=report_format=sarif %t.race 2> %t.stderr > /dev/null; test $? = 66
// RUN: python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print('results', len(d['runs'][0]['results']))" %t.stderr | FileCheck %s --check-prefix=ONE
// RUN: env CHANSAN_OPTIONS=report_format=sarif:log_path=stdout %t.race > %t.stdout 2>/dev/null; test $? = 66
// RUN: grep -v '^done' %t.stdout > %t.stdout.sarif
// RUN: %sarif_fields %t.stdout.sarif | FileCheck %s --check-prefix=ONE
// RUN: rm -f %t.clean.log.*
// RUN: env CHANSAN_OPTIONS=report_format=sarif:log_path=%t.clean.log %t.clean
// RUN: %sarif_fields %t.clean.log.*.sarif | FileCheck %s --check-prefix=NONE
// RUN: rm -f %t.halt.*
// RUN: env CHANSAN_OPTIONS=report_format=sarif:halt_on_error=1:log_path=%t.halt %t.race 2>/dev/null; test $? = 66
// RUN: %sarif_fields %t.halt.*.sarif | FileCheck %s --check-prefix=ONE
// ONE: results 1
// NONE: tool chansan
// NONE: results 0

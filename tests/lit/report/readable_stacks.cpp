// Readable stacks by default (issue 11): a race on a std::map<std::string,
// int> filled by a worker pool is one report, not one per pair of the
// map's internals; library frames below the top are folded; std::string
// is spelled std::string; the path is relative to the working directory.
// verbose_stacks=1 shows everything as symbolized; strip_path_prefix is
// TSan's.
// RUN: %chansan_cxx -DRACE %findings -o %t
// RUN: cd %S/Inputs && %t 2> %t.err; test $? = 66
// RUN: FileCheck %s < %t.err
// RUN: grep -c 'WARNING: chansan' %t.err | FileCheck %s --check-prefix=ONE
// RUN: cd %S/Inputs && env CHANSAN_OPTIONS=verbose_stacks=1 %t 2> %t.verbose; test $? = 66
// RUN: FileCheck %s --check-prefix=VERBOSE < %t.verbose
// RUN: cd / && env CHANSAN_OPTIONS=strip_path_prefix=/report/ %t 2> %t.strip; test $? = 66
// RUN: FileCheck %s --check-prefix=STRIP < %t.strip
// CHECK: WARNING: chansan: data race
// CHECK-NEXT: {{(Read|Write)}} of size
// CHECK-NEXT: #0 std::
// CHECK-NEXT: {{^    \.\.\. [0-9]+ frames in libstdc\+\+$}}
// CHECK-NEXT: #{{[0-9]+}} record(std::string const&) findings.cpp:14:
// CHECK-NOT: __cxx11
// CHECK-NOT: char_traits
// CHECK: SUMMARY: chansan: data race findings.cpp:14 in record(std::string const&)
// ONE: 1
// VERBOSE: std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >
// VERBOSE: record(std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> > const&) /{{.*}}/findings.cpp:14:
// STRIP: #{{[0-9]+}} record(std::string const&) Inputs/findings.cpp:14:

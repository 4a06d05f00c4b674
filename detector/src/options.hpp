// Run-time options from CHANSAN_OPTIONS (api.md §3): name=value pairs
// separated by ':' or white space, as TSAN_OPTIONS. An unknown name or a
// bad value is an error the caller reports at start-up; nothing is
// silently ignored.
#pragma once

#include <string>

namespace chansan {

enum class ReportFormat { text, json, sarif };

struct Options {
  int exitcode = 66;            // exit code of a run with findings
  bool halt_on_error = false;   // exit after the first finding
  std::string log_path;         // empty or "stderr": stderr; "stdout"; else a file prefix (.pid added)
  std::string suppressions;     // path of a suppressions file
  ReportFormat report_format = ReportFormat::text;
  bool detect_deadlocks = true;
  bool detect_leaks = true;
  int history_size = 3;         // 0..7: how far back an earlier access's stack is kept
  bool verbose_stacks = false;  // every frame, full type names, paths as symbolized
  std::string strip_path_prefix;  // as TSan's: a path's part up to and including it is not shown
};

// Parses `spec` over the defaults. On error returns false and sets `error`
// to a one-line message naming the option and what was wrong.
bool parse_options(const std::string& spec, Options& out, std::string& error);

}  // namespace chansan

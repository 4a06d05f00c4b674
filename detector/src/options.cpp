// CHANSAN_OPTIONS parsing; see options.hpp.
#include "options.hpp"

#include <cerrno>
#include <cstdlib>
#include <vector>

namespace chansan {
namespace {

bool parse_int(const std::string& v, int lo, int hi, int& out) {
  if (v.empty()) return false;
  char* end = nullptr;
  errno = 0;
  long x = std::strtol(v.c_str(), &end, 10);
  if (*end != '\0' || errno != 0 || x < lo || x > hi) return false;
  out = static_cast<int>(x);
  return true;
}

bool parse_bool(const std::string& v, bool& out) {
  if (v == "1" || v == "true") return out = true, true;
  if (v == "0" || v == "false") return out = false, true;
  return false;
}

std::vector<std::string> split(const std::string& spec) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : spec) {
    if (c == ':' || c == ' ' || c == '\t' || c == '\n') {
      if (!cur.empty()) parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) parts.push_back(cur);
  return parts;
}

}  // namespace

bool parse_options(const std::string& spec, Options& o, std::string& error) {
  for (const std::string& part : split(spec)) {
    std::size_t eq = part.find('=');
    if (eq == std::string::npos) {
      error = "CHANSAN_OPTIONS: '" + part + "' is not name=value";
      return false;
    }
    std::string name = part.substr(0, eq), value = part.substr(eq + 1);
    auto bad = [&](const char* want) {
      error = "CHANSAN_OPTIONS: bad value '" + value + "' for " + name + ": want " + want;
      return false;
    };
    if (name == "exitcode") {
      if (!parse_int(value, 0, 255, o.exitcode)) return bad("an integer from 0 to 255");
    } else if (name == "halt_on_error") {
      if (!parse_bool(value, o.halt_on_error)) return bad("0 or 1");
    } else if (name == "log_path") {
      if (value.empty()) return bad("stderr, stdout or a file path prefix");
      o.log_path = value;
    } else if (name == "suppressions") {
      if (value.empty()) return bad("a file path");
      o.suppressions = value;
    } else if (name == "report_format") {
      if (value == "text") {
        o.report_format = ReportFormat::text;
      } else if (value == "json") {
        o.report_format = ReportFormat::json;
      } else if (value == "sarif") {
        o.report_format = ReportFormat::sarif;
      } else {
        return bad("text, json or sarif");
      }
    } else if (name == "detect_deadlocks") {
      if (!parse_bool(value, o.detect_deadlocks)) return bad("0 or 1");
    } else if (name == "detect_leaks") {
      if (!parse_bool(value, o.detect_leaks)) return bad("0 or 1");
    } else if (name == "history_size") {
      if (!parse_int(value, 0, 7, o.history_size)) return bad("an integer from 0 to 7");
    } else if (name == "verbose_stacks") {
      if (!parse_bool(value, o.verbose_stacks)) return bad("0 or 1");
    } else if (name == "strip_path_prefix") {
      o.strip_path_prefix = value;
    } else {
      error = "CHANSAN_OPTIONS: unknown option '" + name +
              "' (known: exitcode, halt_on_error, log_path, suppressions, report_format, "
              "detect_deadlocks, detect_leaks, history_size, verbose_stacks, strip_path_prefix)";
      return false;
    }
  }
  return true;
}

}  // namespace chansan

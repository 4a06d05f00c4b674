// Rendering of findings; see report.hpp.
#include "report.hpp"

#include <cstdio>

namespace chansan {
namespace {

bool is_library(const Frame& f) {
  static const char* const kFunctions[] = {"csp::", "std::", "__gnu_cxx::", "__chansan_"};
  static const char* const kFiles[] = {"/include/c++/", "/include/csp/", "/rt/src/"};
  for (const char* p : kFunctions)
    if (f.function.rfind(p, 0) == 0) return true;
  for (const char* p : kFiles)
    if (f.file.find(p) != std::string::npos) return true;
  // The frame a report adds for a free (the interceptor itself).
  return f.function == "free" && f.file.empty();
}

std::string hex(uintptr_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%012lx", static_cast<unsigned long>(v));
  return buf;
}

std::string where(const Frame& f) {
  if (f.file.empty()) return "<unknown>";
  return f.file + ":" + std::to_string(f.line) + ":" + std::to_string(f.column);
}

void text_stack(std::string& out, const std::vector<Frame>& stack) {
  for (std::size_t i = 0; i < stack.size(); i++)
    out += "    #" + std::to_string(i) + " " + stack[i].function + " " + where(stack[i]) + "\n";
}

std::string goroutine_name(uint64_t id) { return "goroutine " + std::to_string(id); }

void text_access(std::string& out, const Access& a, bool previous) {
  std::string op = a.is_atomic ? (a.is_write ? "atomic write" : "atomic read")
                               : (a.is_write ? "write" : "read");
  if (previous) op = "Previous " + op;
  else op[0] = static_cast<char>(op[0] - 'a' + 'A');
  out += "  " + op + " of size " + std::to_string(a.size) + " at " + hex(a.address) + " by " +
         goroutine_name(a.goroutine) + ":\n";
  if (a.stack_lost) out += "    [stack of this earlier access is beyond the history kept; see history_size]\n";
  text_stack(out, a.stack);
  out += "\n";
}

// JSON string escaping for the characters that can occur in names/paths.
std::string js(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    switch (c) {
      case '"': o += "\\\""; break;
      case '\\': o += "\\\\"; break;
      case '\n': o += "\\n"; break;
      case '\t': o += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          o += buf;
        } else {
          o += c;
        }
    }
  }
  return o + "\"";
}

std::string json_frames(const std::vector<Frame>& stack) {
  std::string o = "[";
  for (std::size_t i = 0; i < stack.size(); i++) {
    const Frame& f = stack[i];
    if (i) o += ",";
    o += "{\"function\":" + js(f.function) + ",\"file\":" + js(f.file) +
         ",\"line\":" + std::to_string(f.line) + ",\"column\":" + std::to_string(f.column) + "}";
  }
  return o + "]";
}

std::string json_access(const Access& a) {
  return std::string("{\"op\":") + (a.is_write ? "\"write\"" : "\"read\"") +
         ",\"atomic\":" + (a.is_atomic ? "true" : "false") + ",\"size\":" + std::to_string(a.size) +
         ",\"address\":" + js(hex(a.address)) + ",\"goroutine\":" + std::to_string(a.goroutine) +
         ",\"stack\":" + json_frames(a.stack) + ",\"stack_lost\":" + (a.stack_lost ? "true" : "false") +
         "}";
}

const char* location_kind(LocationKind k) {
  switch (k) {
    case LocationKind::global: return "global";
    case LocationKind::heap: return "heap";
    case LocationKind::stack: return "stack";
    case LocationKind::unknown: break;
  }
  return "unknown";
}

}  // namespace

void trim_plumbing(std::vector<Frame>& stack, bool keep_innermost) {
  auto plumbing = [](const Frame& f) {
    return f.file.find("/include/c++/") != std::string::npos ||
           f.file.find("/csp/go.hpp") != std::string::npos || f.file.find("/csu/") != std::string::npos ||
           f.function.rfind("__libc_start", 0) == 0 || f.function == "_start";
  };
  std::size_t i = 0;
  while (i < stack.size() && plumbing(stack[i])) i++;
  if (i == stack.size()) return;  // nothing else: keep it all
  std::vector<Frame> out;
  if (keep_innermost) out.assign(stack.begin(), stack.begin() + static_cast<std::ptrdiff_t>(i));
  for (; i < stack.size(); i++)
    if (!plumbing(stack[i])) out.push_back(stack[i]);
  stack.swap(out);
}

const Frame* first_user_frame(const std::vector<Frame>& stack) {
  for (const Frame& f : stack)
    if (!is_library(f)) return &f;
  return stack.empty() ? nullptr : &stack.front();
}

std::string render_text(const RaceReport& r) {
  std::string out = "==================\nWARNING: chansan: data race\n";
  text_access(out, r.current, false);
  text_access(out, r.previous, true);
  const Location& l = r.location;
  switch (l.kind) {
    case LocationKind::global:
      out += "  Location is global '" + l.name + "' of size " + std::to_string(l.size) + " at " +
             hex(l.address) + "\n\n";
      break;
    case LocationKind::heap:
      out += "  Location is heap block of size " + std::to_string(l.size) + " at " + hex(l.address) +
             " allocated by " + goroutine_name(l.goroutine) + ":\n";
      text_stack(out, l.allocated_at);
      out += "\n";
      break;
    case LocationKind::stack:
      out += "  Location is stack of " + goroutine_name(l.goroutine) + "\n\n";
      break;
    case LocationKind::unknown:
      break;
  }
  for (const GoroutineDesc& g : r.goroutines) {
    if (g.is_main) {
      out += "  " + goroutine_name(g.id) + " is main\n\n";
      continue;
    }
    out += "  " + goroutine_name(g.id) + " created at:\n";
    text_stack(out, g.created_at);
    out += "\n";
  }
  out += "SUMMARY: chansan: data race";
  if (const Frame* f = first_user_frame(r.current.stack))
    out += " " + (f->file.empty() ? std::string("<unknown>") : f->file + ":" + std::to_string(f->line)) +
           " in " + f->function;
  out += "\n==================\n";
  return out;
}

std::string render_json(const RaceReport& r) {
  std::string o = "{\"kind\":\"data race\",\"accesses\":[" + json_access(r.current) + "," +
                  json_access(r.previous) + "],\"goroutines\":[";
  for (std::size_t i = 0; i < r.goroutines.size(); i++) {
    const GoroutineDesc& g = r.goroutines[i];
    if (i) o += ",";
    o += "{\"id\":" + std::to_string(g.id) + ",\"main\":" + (g.is_main ? "true" : "false") +
         ",\"created_at\":" + json_frames(g.created_at) + "}";
  }
  const Location& l = r.location;
  o += "],\"location\":{\"kind\":\"" + std::string(location_kind(l.kind)) + "\",\"name\":" + js(l.name) +
       ",\"address\":" + js(hex(l.address)) + ",\"size\":" + std::to_string(l.size) +
       ",\"goroutine\":" + std::to_string(l.goroutine) +
       ",\"allocated_at\":" + json_frames(l.allocated_at) + "},\"summary\":";
  if (const Frame* f = first_user_frame(r.current.stack)) {
    o += "{\"file\":" + js(f->file) + ",\"line\":" + std::to_string(f->line) +
         ",\"function\":" + js(f->function) + "}";
  } else {
    o += "null";
  }
  return o + "}\n";
}

}  // namespace chansan

// Rendering of findings; see report.hpp.
#include "report.hpp"

#include <cstdio>
#include <cstring>

#include "readable.hpp"

namespace chansan {

std::string hex_address(uintptr_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%012lx", static_cast<unsigned long>(v));
  return buf;
}

// Goroutines by their id; OS threads (ids from kFirstThreadId up) as TSan
// names them: the first one, which the detector starts on, is the main
// thread unless the csp runtime made it goroutine 1.
std::string goroutine_name(uint64_t id) {
  if (id == kFirstThreadId) return "main thread";
  if (id > kFirstThreadId) return "thread T" + std::to_string(id - kFirstThreadId);
  return "goroutine " + std::to_string(id);
}

namespace {

void text_access(std::string& out, const Access& a, bool previous) {
  std::string op = a.is_atomic ? (a.is_write ? "atomic write" : "atomic read")
                               : (a.is_write ? "write" : "read");
  if (previous) op = "Previous " + op;
  else op[0] = static_cast<char>(op[0] - 'a' + 'A');
  out += "  " + op + " of size " + std::to_string(a.size) + " at " + hex_address(a.address) + " by " +
         goroutine_name(a.goroutine) + ":\n";
  if (a.stack_lost) out += "    [stack of this earlier access is beyond the history kept; see history_size]\n";
  out += text_stack(a.stack);
  out += "\n";
}

// Each goroutine of a report: main, or where it was created.
void text_goroutines(std::string& out, const std::vector<GoroutineDesc>& goroutines) {
  for (const GoroutineDesc& g : goroutines) {
    if (g.is_main) {
      out += "  " + goroutine_name(g.id) + " is main\n\n";
      continue;
    }
    out += "  " + goroutine_name(g.id) + " created at:\n";
    out += text_stack(g.created_at);
    out += "\n";
  }
}

}  // namespace

// JSON string escaping for the characters that can occur in names/paths.
std::string json_quote(const std::string& s) {
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

namespace {

std::string json_frames(const std::vector<Frame>& stack) {
  std::string o = "[";
  for (std::size_t i = 0; i < stack.size(); i++) {
    const Frame& f = stack[i];
    if (i) o += ",";
    o += "{\"function\":" + json_quote(display_function(f.function)) + ",\"file\":" + json_quote(stripped_path(f.file)) +
         ",\"line\":" + std::to_string(f.line) + ",\"column\":" + std::to_string(f.column) + "}";
  }
  return o + "]";
}

std::string json_goroutines(const std::vector<GoroutineDesc>& goroutines) {
  std::string o;
  for (std::size_t i = 0; i < goroutines.size(); i++) {
    const GoroutineDesc& g = goroutines[i];
    if (i) o += ",";
    o += "{\"id\":" + std::to_string(g.id) + ",\"main\":" + (g.is_main ? "true" : "false") +
         ",\"created_at\":" + json_frames(g.created_at) + "}";
  }
  return o;
}

std::string json_access(const Access& a) {
  return std::string("{\"op\":") + (a.is_write ? "\"write\"" : "\"read\"") +
         ",\"atomic\":" + (a.is_atomic ? "true" : "false") + ",\"size\":" + std::to_string(a.size) +
         ",\"address\":" + json_quote(hex_address(a.address)) + ",\"goroutine\":" + std::to_string(a.goroutine) +
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
           f.function.rfind("__libc_start", 0) == 0 || f.function == "_start" ||
           (f.file.empty() && f.function.rfind("0x", 0) == 0);  // no symbol at all: a thread's start
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
    if (!library_of(f)) return &f;
  return stack.empty() ? nullptr : &stack.front();
}

namespace {

// Set once at start-up, before any report (set_replay_line).
const char* g_replay_line = nullptr;

std::string summary_text(const char* kind, const std::vector<Frame>& stack) {
  std::string out = std::string("SUMMARY: chansan: ") + kind;
  if (const Frame* f = first_user_frame(stack))
    out += " " + (f->file.empty() ? std::string("<unknown>") : display_path(f->file) + ":" + std::to_string(f->line)) +
           " in " + display_function(f->function);
  out += "\n";
  if (g_replay_line) out += std::string(g_replay_line) + "\n";
  return out + "==================\n";
}

// The report's "summary" member, and its "replay" member in a seeded run
// (every caller closes the report object right after).
std::string summary_json(const std::vector<Frame>& stack) {
  std::string out = "null";
  if (const Frame* f = first_user_frame(stack))
    out = "{\"file\":" + json_quote(stripped_path(f->file)) + ",\"line\":" + std::to_string(f->line) + ",\"function\":" +
          json_quote(display_function(f->function)) + "}";
  if (g_replay_line) {
    const char* eq = std::strchr(g_replay_line, ' ');  // "replay: CSP_SCHEDULE=..."
    out += ",\"replay\":" + json_quote(eq ? eq + 1 : g_replay_line);
  }
  return out;
}

std::string ids(const std::vector<uint64_t>& v, const char* sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); i++) out += (i ? sep : "") + std::to_string(v[i]);
  return out;
}

std::string name_of(const BlockedGoroutine& g) {
  if (g.is_thread) return "thread " + std::to_string(g.id);
  return goroutine_name(g.id) + (g.is_main ? " (main)" : "");
}

}  // namespace

std::string render_text(const RaceReport& r) {
  std::string out = "==================\nWARNING: chansan: " + r.kind + "\n";
  text_access(out, r.current, false);
  text_access(out, r.previous, true);
  const Location& l = r.location;
  switch (l.kind) {
    case LocationKind::global:
      out += "  Location is global '" + l.name + "' of size " + std::to_string(l.size) + " at " +
             hex_address(l.address) + "\n\n";
      break;
    case LocationKind::heap:
      out += "  Location is heap block of size " + std::to_string(l.size) + " at " + hex_address(l.address) +
             " allocated by " + goroutine_name(l.goroutine) + ":\n";
      out += text_stack(l.allocated_at);
      out += "\n";
      break;
    case LocationKind::stack:
      out += "  Location is stack of " + goroutine_name(l.goroutine) + "\n\n";
      break;
    case LocationKind::unknown:
      break;
  }
  text_goroutines(out, r.goroutines);
  return out + summary_text(r.kind.c_str(), r.current.stack);
}

std::string render_json(const RaceReport& r) {
  std::string o = "{\"kind\":" + json_quote(r.kind) + ",\"accesses\":[" + json_access(r.current) + "," +
                  json_access(r.previous) + "],\"goroutines\":[";
  o += json_goroutines(r.goroutines);
  const Location& l = r.location;
  o += "],\"location\":{\"kind\":\"" + std::string(location_kind(l.kind)) + "\",\"name\":" + json_quote(l.name) +
       ",\"address\":" + json_quote(hex_address(l.address)) + ",\"size\":" + std::to_string(l.size) +
       ",\"goroutine\":" + std::to_string(l.goroutine) +
       ",\"allocated_at\":" + json_frames(l.allocated_at) + "},\"summary\":" + summary_json(r.current.stack);
  return o + "}\n";
}


std::string render_text(const BlockingReport& r) {
  std::string out = "==================\nWARNING: chansan: " + r.kind + "\n";
  if (!r.title.empty()) out += "  " + r.title + "\n\n";
  for (const BlockedGoroutine& g : r.goroutines) {
    out += "  ";
    if (g.count > 1) {
      out += std::to_string(g.count) + " goroutines (" + goroutine_name(g.id) + ", " + ids(g.others, ", ") +
             (g.count > g.others.size() + 1 ? ", ..." : "") + ")";
    } else {
      std::string n = name_of(g);
      n[0] = static_cast<char>(n[0] - 'a' + 'A');
      out += n;
    }
    out += g.waiting == "running" ? " still running" : " blocked in " + g.waiting;
    if (!g.object_kind.empty() && !g.objects.empty()) {
      out += " on " + g.object_kind + " ";
      for (std::size_t i = 0; i < g.objects.size(); i++) out += (i ? ", " : "") + hex_address(g.objects[i]);
    }
    if (!g.holders.empty()) out += " held by goroutine " + ids(g.holders, ", ");
    out += ":\n";
    out += text_stack(g.stack);
    if (!g.held_since.empty()) {
      out += "  goroutine " + std::to_string(g.holders[0]) + " took it at:\n";
      out += text_stack(g.held_since);
    }
    if (!g.created_at.empty()) {
      out += "  " + goroutine_name(g.id) + " created at:\n";
      out += text_stack(g.created_at);
    }
    out += "\n";
  }
  if (!r.cycle.empty()) {
    out += "  Cycle: ";
    for (uint64_t id : r.cycle) out += goroutine_name(id) + " -> ";
    out += goroutine_name(r.cycle.front()) + "\n\n";
  }
  return out + summary_text(r.kind.c_str(), r.goroutines.empty() ? std::vector<Frame>{} : r.goroutines[0].stack);
}

std::string render_json(const BlockingReport& r) {
  std::string o = "{\"kind\":" + json_quote(r.kind) + ",\"title\":" + json_quote(r.title) + ",\"goroutines\":[";
  for (std::size_t i = 0; i < r.goroutines.size(); i++) {
    const BlockedGoroutine& g = r.goroutines[i];
    if (i) o += ",";
    o += "{\"id\":" + std::to_string(g.id) + ",\"main\":" + (g.is_main ? "true" : "false") +
         ",\"count\":" + std::to_string(g.count) + ",\"others\":[" + ids(g.others, ",") +
         "],\"waiting\":" + json_quote(g.waiting) + ",\"object_kind\":" + json_quote(g.object_kind) + ",\"objects\":[";
    for (std::size_t k = 0; k < g.objects.size(); k++) o += (k ? "," : "") + json_quote(hex_address(g.objects[k]));
    o += "],\"holders\":[" + ids(g.holders, ",") + "],\"stack\":" + json_frames(g.stack) +
         ",\"created_at\":" + json_frames(g.created_at) + "}";
  }
  o += "],\"cycle\":[" + ids(r.cycle, ",") + "],\"summary\":" +
       summary_json(r.goroutines.empty() ? std::vector<Frame>{} : r.goroutines[0].stack);
  return o + "}\n";
}

namespace {
std::string mutex_name(const LockOrderReport& r, uintptr_t m) {
  for (const auto& [addr, name] : r.names)
    if (addr == m) return "M" + hex_address(m) + " ('" + name + "')";
  return "M" + hex_address(m);
}
}  // namespace

std::string render_text(const LockOrderReport& r) {
  std::string out = "==================\nWARNING: chansan: lock-order inversion\n";
  out += "  Potential deadlock: mutexes taken in inconsistent orders.\n";
  out += "  Cycle in lock order graph: ";
  for (const LockOrderEdge& e : r.edges) out += mutex_name(r, e.from) + " => ";
  out += mutex_name(r, r.edges.empty() ? 0 : r.edges.front().from) + "\n\n";
  for (const LockOrderEdge& e : r.edges) {
    out += "  Mutex " + mutex_name(r, e.to) + " acquired here while holding mutex " + mutex_name(r, e.from) +
           " in " + goroutine_name(e.goroutine) + ":\n";
    out += text_stack(e.to_stack);
    out += "\n  Mutex " + mutex_name(r, e.from) + " previously acquired by the same goroutine here:\n";
    out += text_stack(e.from_stack);
    out += "\n";
  }
  text_goroutines(out, r.goroutines);
  return out + summary_text("lock-order inversion", r.edges.empty() ? std::vector<Frame>{} : r.edges[0].to_stack);
}

std::string render_json(const LockOrderReport& r) {
  std::string o = "{\"kind\":\"lock-order inversion\",\"edges\":[";
  for (std::size_t i = 0; i < r.edges.size(); i++) {
    const LockOrderEdge& e = r.edges[i];
    if (i) o += ",";
    o += "{\"from\":" + json_quote(hex_address(e.from)) + ",\"to\":" + json_quote(hex_address(e.to)) + ",\"goroutine\":" +
         std::to_string(e.goroutine) + ",\"from_stack\":" + json_frames(e.from_stack) +
         ",\"to_stack\":" + json_frames(e.to_stack) + "}";
  }
  o += "],\"names\":{";  // the locks that are globals, by address
  for (std::size_t i = 0; i < r.names.size(); i++)
    o += (i ? "," : "") + json_quote(hex_address(r.names[i].first)) + ":" + json_quote(r.names[i].second);
  o += "},\"goroutines\":[";
  o += json_goroutines(r.goroutines);
  o += "],\"summary\":" + summary_json(r.edges.empty() ? std::vector<Frame>{} : r.edges[0].to_stack);
  return o + "}\n";
}

bool seeded_schedule() { return g_replay_line != nullptr; }


namespace hooks {
void set_replay_line(const char* line) { g_replay_line = line; }
}  // namespace hooks

}  // namespace chansan

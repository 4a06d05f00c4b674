// SARIF 2.1.0 rendering; see sarif.hpp.
#include "sarif.hpp"

#include <algorithm>
#include <cstdio>

#include "readable.hpp"

#ifndef CHANSAN_VERSION
#define CHANSAN_VERSION "0.0.0"
#endif

namespace chansan {
namespace {

struct Rule {
  const char* kind;  // the text report's <kind>
  const char* id;
  const char* name;
  const char* level;
  const char* short_text;
  const char* help;
};

// One rule per report kind (api.md §3, and heap-use-after-free as TSan
// names it), in ruleIndex order.
const Rule kRules[] = {
    {"data race", "chansan/data-race", "DataRace", "error",
     "Two goroutines access the same memory without synchronization, at least one writing.",
     "Two accesses to the same memory, at least one a write, are not ordered by happens-before "
     "(go statements, channel operations, close, mutexes, wait groups, once, condition variables, "
     "atomics, timers). Order them: pass the data over a channel, guard it with one mutex, or make "
     "every access atomic."},
    {"deadlock", "chansan/deadlock", "Deadlock", "error",
     "Goroutines are blocked and can never proceed.",
     "Every goroutine listed waits for something only another listed goroutine could provide (a "
     "channel operation, a lock, a wait group). Break the cycle: close the channel, release the lock "
     "on every path, or take locks in one order."},
    {"lock-order inversion", "chansan/lock-order-inversion", "LockOrderInversion", "warning",
     "Mutexes are taken in inconsistent orders: a deadlock this run escaped.",
     "Two or more mutexes were each acquired while holding another, in orders that form a cycle. "
     "Two goroutines following the cycle at the same time deadlock. Take the mutexes in one global "
     "order."},
    {"goroutine leak", "chansan/goroutine-leak", "GoroutineLeak", "error",
     "Goroutines are still blocked forever when main returns.",
     "A goroutine blocked on a channel or lock that nothing will ever release outlives main. Give it "
     "a way out: close the channel it receives from, cancel its context, or drain what it sends."},
    {"heap-use-after-free", "chansan/heap-use-after-free", "HeapUseAfterFree", "error",
     "Memory is used after the heap block holding it was freed.",
     "An access comes after the free of its heap block (ordered after it, so it is not a race with "
     "the free, but the memory is no longer the program's). Free the block only once no goroutine "
     "or thread will use it again, e.g. after the last user has signalled it is done."},
};

int rule_index(const std::string& kind) {
  for (int i = 0; i < static_cast<int>(sizeof kRules / sizeof kRules[0]); i++)
    if (kind == kRules[i].kind) return i;
  return 0;
}

// The source root relative URIs are resolved against: an absolute
// strip_path_prefix, else the working directory.
std::string source_root() {
  const RenderStyle& s = render_style();
  std::string root = !s.strip_path_prefix.empty() && s.strip_path_prefix[0] == '/' ? s.strip_path_prefix : s.cwd;
  if (!root.empty() && root.back() != '/') root += '/';
  return root;
}

// RFC 3986: everything but unreserved characters and '/' percent-encoded.
std::string uri_encode(const std::string& path) {
  std::string out;
  for (unsigned char c : path) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                c == '.' || c == '_' || c == '~' || c == '/';
    if (keep) {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

// "artifactLocation": relative to %SRCROOT% when under it, else file://.
std::string artifact(const std::string& file) {
  std::string root = source_root();
  std::string f = lexically_normal(file);
  if (!root.empty() && f.compare(0, root.size(), root) == 0) f = f.substr(root.size());
  if (f.empty()) f = lexically_normal(file);
  if (f[0] == '/') return "{\"uri\":" + json_quote("file://" + uri_encode(f)) + "}";
  return "{\"uri\":" + json_quote(uri_encode(f)) + ",\"uriBaseId\":\"SRCROOT\"}";
}

// A SARIF location for a frame; `message` may be empty.
std::string location(const Frame& f, const std::string& message) {
  std::string o = "{";
  if (!f.file.empty() && f.line > 0) {
    o += "\"physicalLocation\":{\"artifactLocation\":" + artifact(f.file) +
         ",\"region\":{\"startLine\":" + std::to_string(f.line);
    if (f.column > 0) o += ",\"startColumn\":" + std::to_string(f.column);
    o += "}},";
  }
  o += "\"logicalLocations\":[{\"fullyQualifiedName\":" + json_quote(display_function(f.function)) +
       ",\"kind\":\"function\"}]";
  if (!message.empty()) o += ",\"message\":{\"text\":" + json_quote(message) + "}";
  return o + "}";
}

std::string frame_text(const Frame& f) {
  std::string o = display_function(f.function);
  if (!f.file.empty()) o += " at " + display_path(f.file) + ":" + std::to_string(f.line);
  return o;
}

// A stack as a threadFlow: outermost frame first (execution order), each
// one call deeper; a stack with no frame gets one location saying why.
std::string thread_flow(const std::string& id, const std::string& message, const std::vector<Frame>& stack,
                        const char* empty_why = "no stack was recorded") {
  std::string o = "{\"id\":" + json_quote(id) + ",\"message\":{\"text\":" + json_quote(message) +
                  "},\"locations\":[";
  if (stack.empty()) {
    o += "{\"location\":{\"message\":{\"text\":" + json_quote(std::string(empty_why) + ".") + "}}}";
  } else {
    for (std::size_t k = 0; k < stack.size(); k++) {
      std::size_t i = stack.size() - 1 - k;
      if (k) o += ",";
      o += "{\"location\":" + location(stack[i], "#" + std::to_string(i) + " " + display_function(stack[i].function)) +
           ",\"nestingLevel\":" + std::to_string(k) + "}";
    }
  }
  return o + "]}";
}

// relatedLocations entries, numbered as SARIF wants (unique ids).
struct Related {
  std::string json;
  int next_id = 1;
  void add(const std::vector<Frame>& stack, const std::string& message) {
    const Frame* f = first_user_frame(stack);
    if (!f) return;
    std::string loc = location(*f, message);
    loc.insert(1, "\"id\":" + std::to_string(next_id++) + ",");
    json += (json.empty() ? "" : ",") + loc;
  }
};

// `report_json` is the finding as report_format=json writes it, kept whole
// in the result's property bag (properties.chansan): SARIF has no place for
// a wait-for graph's objects and holders, and chansan-report draws them.
std::string result(const std::string& kind, const std::string& message, const std::vector<Frame>& primary,
                   const std::string& flows, const Related& related,
                   const std::vector<const std::vector<Frame>*>& fingerprint_stacks, std::string report_json) {
  int rule = rule_index(kind);
  std::string o = "{\"ruleId\":" + json_quote(kRules[rule].id) + ",\"ruleIndex\":" + std::to_string(rule) +
                  ",\"level\":" + json_quote(kRules[rule].level) + ",\"message\":{\"text\":" + json_quote(message) +
                  "},\"locations\":[";
  if (const Frame* f = first_user_frame(primary)) o += location(*f, "");
  o += "],\"codeFlows\":[{\"threadFlows\":[" + flows + "]}]";
  if (!related.json.empty()) o += ",\"relatedLocations\":[" + related.json + "]";
  o += ",\"partialFingerprints\":{\"chansan/v1\":" + json_quote(sarif_fingerprint(kind, fingerprint_stacks)) + "}";
  while (!report_json.empty() && report_json.back() == '\n') report_json.pop_back();
  o += ",\"properties\":{\"chansan\":" + report_json + "}";
  return o + "}";
}

std::string access_text(const Access& a, bool previous) {
  std::string op = a.is_atomic ? (a.is_write ? "atomic write" : "atomic read") : (a.is_write ? "write" : "read");
  return std::string(previous ? "Previous " : "") + op + " of size " + std::to_string(a.size) + " at " +
         hex_address(a.address) + " by " + goroutine_name(a.goroutine);
}

std::string user_frame_text(const std::vector<Frame>& stack) {
  const Frame* f = first_user_frame(stack);
  return f ? " in " + frame_text(*f) : "";
}

void add_creations(Related& rel, const std::vector<GoroutineDesc>& goroutines) {
  for (const GoroutineDesc& g : goroutines)
    if (!g.is_main) rel.add(g.created_at, goroutine_name(g.id) + " created here.");
}

// A mutex as the text report names it: its address, and its name when it
// is a global.
std::string mutex_text(const LockOrderReport& r, uintptr_t m) {
  for (const auto& [addr, name] : r.names)
    if (addr == m) return hex_address(m) + " ('" + name + "')";
  return hex_address(m);
}

}  // namespace

std::string sarif_fingerprint(const std::string& kind, const std::vector<const std::vector<Frame>*>& stacks) {
  // FNV-1a over the kind and each stack's first user frame: stable across
  // runs, builds and machines that keep the source where it is.
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](const std::string& s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;
  };
  mix(kind);
  std::vector<std::string> frames;
  for (const auto* s : stacks)
    if (const Frame* f = first_user_frame(*s))
      frames.push_back(stripped_path(f->file) + ":" + std::to_string(f->line) + ":" + f->function);
  // Order-free: the same pair seen from either side is one finding.
  std::sort(frames.begin(), frames.end());
  for (const std::string& f : frames) mix(f);
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string sarif_result(const RaceReport& r) {
  std::string msg = std::string(r.kind == "data race" ? "Data race: " : "Heap use after free: ") +
                    access_text(r.current, false) + user_frame_text(r.current.stack) +
                    "; " + access_text(r.previous, true) + user_frame_text(r.previous.stack) + ".";
  if (r.location.kind == LocationKind::global) msg += " Location is global '" + r.location.name + "'.";
  if (r.location.kind == LocationKind::heap)
    msg += " Location is a heap block of size " + std::to_string(r.location.size) + ".";
  std::string flows = thread_flow(goroutine_name(r.current.goroutine), access_text(r.current, false), r.current.stack);
  flows += "," + thread_flow(goroutine_name(r.previous.goroutine), access_text(r.previous, true), r.previous.stack,
                             "the stack of this earlier access is beyond the history kept (history_size)");
  Related rel;
  if (r.location.kind == LocationKind::heap)
    rel.add(r.location.allocated_at, "Heap block of size " + std::to_string(r.location.size) + " allocated here.");
  add_creations(rel, r.goroutines);
  return result(r.kind, msg, r.current.stack, flows, rel, {&r.current.stack, &r.previous.stack},
                render_json(r));
}

std::string sarif_result(const BlockingReport& r) {
  std::string msg = r.kind == "deadlock" ? "Deadlock" : "Goroutine leak";
  msg += r.title.empty() ? "." : ": " + r.title;
  if (msg.back() != '.') msg += ".";
  std::string flows;
  Related rel;
  std::vector<const std::vector<Frame>*> fp;
  for (const BlockedGoroutine& g : r.goroutines) {
    std::string who = g.is_thread ? "thread " + std::to_string(g.id) : goroutine_name(g.id);
    std::string what = who + (g.count > 1 ? " and " + std::to_string(g.count - 1) + " more" : "") +
                       (g.waiting == "running" ? " still running" : " blocked in " + g.waiting);
    if (!g.object_kind.empty() && !g.objects.empty()) what += " on " + g.object_kind + " " + hex_address(g.objects[0]);
    if (!g.holders.empty()) what += " held by " + goroutine_name(g.holders[0]);
    msg += " " + what + user_frame_text(g.stack) + ".";
    flows += (flows.empty() ? "" : ",") + thread_flow(who, what, g.stack);
    if (!g.created_at.empty()) rel.add(g.created_at, who + " created here.");
    if (!g.held_since.empty() && !g.holders.empty())
      rel.add(g.held_since, goroutine_name(g.holders[0]) + " took the lock here.");
    fp.push_back(&g.stack);
  }
  if (flows.empty()) flows = thread_flow("none", "No goroutine was described.", {});
  return result(r.kind, msg, r.goroutines.empty() ? std::vector<Frame>{} : r.goroutines[0].stack, flows, rel, fp,
                render_json(r));
}

std::string sarif_result(const LockOrderReport& r) {
  std::string msg = "Lock-order inversion (potential deadlock): mutexes";
  for (const LockOrderEdge& e : r.edges) msg += " " + mutex_text(r, e.from) + " =>";
  msg += " " + mutex_text(r, r.edges.empty() ? 0 : r.edges.front().from) + ".";
  std::string flows;
  Related rel;
  std::vector<const std::vector<Frame>*> fp;
  for (const LockOrderEdge& e : r.edges) {
    std::string what = "Mutex " + mutex_text(r, e.to) + " acquired while holding " + mutex_text(r, e.from) + " by " +
                       goroutine_name(e.goroutine);
    msg += " " + what + user_frame_text(e.to_stack) + ".";
    flows += (flows.empty() ? "" : ",") + thread_flow(goroutine_name(e.goroutine), what, e.to_stack);
    rel.add(e.from_stack, "Mutex " + mutex_text(r, e.from) + " acquired earlier here by " + goroutine_name(e.goroutine) + ".");
    fp.push_back(&e.to_stack);
  }
  if (flows.empty()) flows = thread_flow("none", "No acquisition was recorded.", {});
  add_creations(rel, r.goroutines);
  return result("lock-order inversion", msg, r.edges.empty() ? std::vector<Frame>{} : r.edges[0].to_stack, flows,
                rel, fp, render_json(r));
}

std::string sarif_log_head() {
  std::string o =
      "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{"
      "\"tool\":{\"driver\":{\"name\":\"chansan\",\"version\":\"" CHANSAN_VERSION "\",\"semanticVersion\":\"" CHANSAN_VERSION
      "\",\"rules\":[";
  for (std::size_t i = 0; i < sizeof kRules / sizeof kRules[0]; i++) {
    const Rule& r = kRules[i];
    if (i) o += ",";
    o += std::string("{\"id\":") + json_quote(r.id) + ",\"name\":" + json_quote(r.name) +
         ",\"shortDescription\":{\"text\":" + json_quote(r.short_text) + "},\"fullDescription\":{\"text\":" +
         json_quote(r.help) + "},\"help\":{\"text\":" + json_quote(r.help) +
         "},\"defaultConfiguration\":{\"level\":" + json_quote(r.level) + "}}";
  }
  o += "]}}";
  std::string root = source_root();
  if (!root.empty())
    o += ",\"originalUriBaseIds\":{\"SRCROOT\":{\"uri\":" + json_quote("file://" + uri_encode(root)) + "}}";
  return o + ",\"columnKind\":\"utf16CodeUnits\",\"results\":[";
}

std::string sarif_log(const std::vector<std::string>& results) {
  std::string o = sarif_log_head();
  for (std::size_t i = 0; i < results.size(); i++) o += (i ? "," : "") + results[i];
  return o + kSarifLogTail;
}

}  // namespace chansan

// Findings are built as data (TSan's ReportDesc), then rendered as text or
// JSON (api.md §3). The text block's first line is
// "WARNING: chansan: <kind>" and its last "SUMMARY: chansan: <kind>
// <file>:<line> in <function>", naming the first frame in user code.
//
// JSON: one object per finding, on one line, with these stable fields:
//   {"kind": "data race",
//    "accesses": [{"op": "write"|"read", "atomic": bool, "size": n,
//                  "address": "0x...", "goroutine": id,
//                  "stack": [{"function", "file", "line", "column"}, ...],
//                  "stack_lost": bool}, ...],            current first
//    "goroutines": [{"id", "main": bool, "created_at": [frames]}, ...],
//    "location": {"kind": "global"|"heap"|"stack"|"unknown", "name",
//                 "address", "size", "goroutine", "allocated_at": [frames]},
//    "summary": {"file", "line", "function"}}
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace chansan {

struct Frame {
  std::string function;
  std::string file;  // empty if unknown
  int line = 0;
  int column = 0;
};

struct Access {
  bool is_write = false;
  bool is_atomic = false;
  unsigned size = 0;
  uintptr_t address = 0;
  uint64_t goroutine = 0;
  std::vector<Frame> stack;  // innermost first
  bool stack_lost = false;   // older than the history kept (history_size)
};

// Ids from here up are OS threads the csp runtime does not run (named
// "main thread", "thread T1", ... in reports); below are goroutines.
constexpr uint64_t kFirstThreadId = uint64_t{1} << 32;

struct GoroutineDesc {
  uint64_t id = 0;
  bool is_main = false;
  std::vector<Frame> created_at;  // where `go` ran; empty for main
};

enum class LocationKind { unknown, global, heap, stack };

struct Location {
  LocationKind kind = LocationKind::unknown;
  std::string name;      // global: its name
  uintptr_t address = 0; // global or heap block start
  std::size_t size = 0;  // global or heap block size
  uint64_t goroutine = 0;               // stack: whose
  std::vector<Frame> allocated_at;      // heap: allocation stack
};

struct RaceReport {
  // "data race", or "heap-use-after-free": `previous` is the free of the
  // block, and `current` is ordered after it (ThreadSanitizer's name).
  std::string kind = "data race";
  Access current;
  Access previous;
  std::vector<GoroutineDesc> goroutines;
  Location location;
};

// ---- blocking bugs (blocking_report.cpp, held_locks.cpp) ----
//
// JSON, one object per finding:
//   {"kind": "deadlock"|"goroutine leak",
//    "title": "...",                       the text report's second line
//    "goroutines": [{"id", "main": bool, "count": n (leak groups),
//                    "others": [ids], "waiting": "chan receive", "object": "0x...",
//                    "object_kind": "channel"|..., "holders": [ids],
//                    "stack": [frames], "created_at": [frames]}, ...],
//    "cycle": [ids],                       lock cycles: each waits for the next
//    "summary": {"file", "line", "function"}}
//   {"kind": "lock-order inversion",
//    "edges": [{"from": "0x...", "to": "0x...", "goroutine": id,
//               "from_stack": [frames], "to_stack": [frames]}, ...],
//    "goroutines": [{"id", "main", "created_at"}], "summary": {...}}

struct BlockedGoroutine {
  uint64_t id = 0;
  bool is_main = false;
  bool is_thread = false;
  std::string waiting;       // Go's wait reason; "running" for a live one
  std::string object_kind;   // "channel", "mutex", ... (empty: none)
  std::vector<uintptr_t> objects;
  std::vector<uint64_t> holders;   // a lock's holders
  std::vector<Frame> held_since;   // where the first holder took the lock
  std::vector<Frame> stack;        // innermost first, from the blocking call
  std::vector<Frame> created_at;
  std::size_t count = 1;           // goroutines in this group (leaks)
  std::vector<uint64_t> others;    // the group's other goroutines
};

struct BlockingReport {
  std::string kind;    // "deadlock" or "goroutine leak"
  std::string title;   // one line under the first: which kind of deadlock or leak
  std::vector<BlockedGoroutine> goroutines;
  std::vector<uint64_t> cycle;  // lock cycle, in wait-for order (may be empty)
};

struct LockOrderEdge {
  uintptr_t from = 0, to = 0;
  uint64_t goroutine = 0;
  std::vector<Frame> from_stack;  // where `from` was acquired
  std::vector<Frame> to_stack;    // where `to` was acquired, `from` held
};

struct LockOrderReport {
  std::vector<LockOrderEdge> edges;  // a cycle: each edge's `to` is the next's `from`
  std::vector<std::pair<uintptr_t, std::string>> names;  // locks that are globals
  std::vector<GoroutineDesc> goroutines;
};

std::string render_text(const BlockingReport& r);
std::string render_json(const BlockingReport& r);
std::string render_text(const LockOrderReport& r);
std::string render_json(const LockOrderReport& r);

// The frame SUMMARY names: the first not in the csp runtime or the C++
// standard library (by function name and file path); the first frame if
// all are.
const Frame* first_user_frame(const std::vector<Frame>& stack);

// Removes plumbing a reader does not need — standard-library templates
// (std::invoke, std::apply, tuple constructors), the csp `go` trampoline,
// libc's start-up — except the innermost frames down to the first user
// frame (an access inside std::vector stays visible), unless
// `keep_innermost` is false (a creation stack starts inside csp::go).
void trim_plumbing(std::vector<Frame>& stack, bool keep_innermost = true);

std::string render_text(const RaceReport& r);
std::string render_json(const RaceReport& r);

// Pieces every rendering (text, JSON, SARIF) shares.
std::string json_quote(const std::string& s);   // a JSON string literal
std::string hex_address(uintptr_t v);           // 0x%012lx, as TSan writes addresses
std::string goroutine_name(uint64_t id);        // "goroutine 3", "main thread", "thread T2"

// Under a seeded schedule (CSP_SCHEDULE): one worker runs every goroutine,
// so while the caller runs, nothing else of the program does.
bool seeded_schedule();

}  // namespace chansan

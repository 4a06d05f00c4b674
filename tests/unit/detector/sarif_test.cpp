#include <catch2/catch.hpp>

#include "readable.hpp"
#include "sarif.hpp"

using namespace chansan;

namespace {

RaceReport race(uintptr_t addr, uint64_t g1, uint64_t g2) {
  RaceReport r;
  r.current = {true, false, 4, addr, g1,
               {{"std::vector<int, std::allocator<int> >::push_back(int const&)", "/usr/include/c++/12/bits/stl_vector.h", 1280, 2},
                {"fill(int)", "/proj/src/fill.cpp", 12, 9}},
               false};
  r.previous = {false, false, 4, addr, g2, {{"count()", "/proj/src/count.cpp", 7, 3}}, false};
  r.goroutines = {{g1, false, {{"main", "/proj/src/main.cpp", 19, 5}}}, {g2, true, {}}};
  r.location.kind = LocationKind::heap;
  r.location.size = 64;
  r.location.allocated_at = {{"main", "/proj/src/main.cpp", 15, 3}};
  return r;
}

struct StyleGuard {
  explicit StyleGuard(RenderStyle s) { set_render_style(std::move(s)); }
  ~StyleGuard() { set_render_style(RenderStyle{}); }
};

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a SARIF fingerprint ignores addresses and goroutine ids, and which access came first", "[sarif]") {
  RaceReport a = race(0x1000, 3, 1), b = race(0x2000, 7, 9);
  std::swap(b.current, b.previous);
  REQUIRE(sarif_fingerprint("data race", {&a.current.stack, &a.previous.stack}) ==
          sarif_fingerprint("data race", {&b.current.stack, &b.previous.stack}));
}

TEST_CASE("a SARIF fingerprint changes with the user line and with the kind", "[sarif]") {
  RaceReport a = race(0x1000, 3, 1), b = race(0x1000, 3, 1);
  b.current.stack[1].line = 13;
  std::string fa = sarif_fingerprint("data race", {&a.current.stack, &a.previous.stack});
  REQUIRE(fa != sarif_fingerprint("data race", {&b.current.stack, &b.previous.stack}));
  REQUIRE(fa != sarif_fingerprint("deadlock", {&a.current.stack, &a.previous.stack}));
  REQUIRE(fa.size() == 16);
}

TEST_CASE("a SARIF race result points at the user frame and keeps every frame in its thread flows", "[sarif]") {
  StyleGuard g({false, "", "/proj"});
  std::string r = sarif_result(race(0x1000, 3, 1));
  REQUIRE(has(r, "\"ruleId\":\"chansan/data-race\",\"ruleIndex\":0,\"level\":\"error\""));
  // The primary location is fill.cpp, relative to the source root; the
  // library frame is in the thread flow as an absolute file URI.
  REQUIRE(has(r, "\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":\"src/fill.cpp\","
                 "\"uriBaseId\":\"SRCROOT\"},\"region\":{\"startLine\":12,\"startColumn\":9}}"));
  REQUIRE(has(r, "file:///usr/include/c%2B%2B/12/bits/stl_vector.h"));
  REQUIRE(has(r, "\"fullyQualifiedName\":\"std::vector<int>::push_back(int const&)\""));
  // Outermost frame first: fill() at nesting level 0, push_back at 1.
  REQUIRE(r.find("#1 fill(int)") < r.find("#0 std::vector<int>::push_back"));
  REQUIRE(has(r, "\"message\":{\"text\":\"Heap block of size 64 allocated here.\"}"));
  REQUIRE(has(r, "goroutine 3 created here."));
  REQUIRE(has(r, "\"partialFingerprints\":{\"chansan/v1\":\""));
}

TEST_CASE("a SARIF log with no result is a whole document with the five rules", "[sarif]") {
  StyleGuard g({false, "", "/proj dir"});
  std::string log = sarif_log({});
  REQUIRE(has(log, "\"version\":\"2.1.0\""));
  REQUIRE(has(log, "\"results\":[]}]}"));
  for (const char* id : {"chansan/data-race", "chansan/deadlock", "chansan/lock-order-inversion", "chansan/goroutine-leak",
                         "chansan/heap-use-after-free"})
    REQUIRE(has(log, std::string("\"id\":\"") + id + "\""));
  REQUIRE(has(log, "\"SRCROOT\":{\"uri\":\"file:///proj%20dir/\"}"));
}

TEST_CASE("a SARIF blocking result has one thread flow per goroutine", "[sarif]") {
  BlockingReport b;
  b.kind = "deadlock";
  b.title = "All goroutines are asleep: none can ever proceed.";
  BlockedGoroutine g1;
  g1.id = 1;
  g1.is_main = true;
  g1.waiting = "chan receive";
  g1.object_kind = "channel";
  g1.objects = {0xabc};
  g1.stack = {{"main", "/proj/m.cpp", 9, 3}};
  BlockedGoroutine g2 = g1;
  g2.id = 2;
  g2.is_main = false;
  g2.stack = {{"worker()", "/proj/m.cpp", 5, 3}};
  g2.created_at = {{"main", "/proj/m.cpp", 8, 3}};
  b.goroutines = {g1, g2};
  std::string r = sarif_result(b);
  REQUIRE(has(r, "\"ruleId\":\"chansan/deadlock\",\"ruleIndex\":1"));
  REQUIRE(has(r, "{\"id\":\"goroutine 1\""));
  REQUIRE(has(r, "{\"id\":\"goroutine 2\""));
  REQUIRE(has(r, "goroutine 2 created here."));
}

TEST_CASE("a SARIF log is its head, the results joined by commas, and its tail", "[sarif]") {
  // The log file grows by writing ",<result>" and the tail over the old tail.
  std::vector<std::string> results = {"{\"a\":1}", "{\"b\":2}"};
  REQUIRE(sarif_log(results) == sarif_log_head() + "{\"a\":1},{\"b\":2}" + kSarifLogTail);
  REQUIRE(sarif_log({}) == sarif_log_head() + kSarifLogTail);
}

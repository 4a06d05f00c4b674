#include <catch2/catch.hpp>

#include "report.hpp"

using namespace chansan;

namespace {

RaceReport racy_counter() {
  RaceReport r;
  r.current = {true, false, 4, 0x55550000a010, 3,
               {{"std::__invoke_impl<void>", "/usr/include/c++/12/bits/invoke.h", 61, 14},
                {"increment()", "/src/racy.cpp", 12, 9},
                {"main::$_0::operator()() const", "/src/racy.cpp", 20, 7}},
               false};
  r.previous = {false, false, 4, 0x55550000a010, 2, {{"increment()", "/src/racy.cpp", 12, 9}}, true};
  r.goroutines = {{2, false, {{"main", "/src/racy.cpp", 19, 5}}}, {3, false, {{"main", "/src/racy.cpp", 19, 5}}}};
  r.location.kind = LocationKind::global;
  r.location.name = "counter";
  r.location.address = 0x55550000a010;
  r.location.size = 4;
  return r;
}

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::size_t b = 0;
  for (std::size_t e; (e = s.find('\n', b)) != std::string::npos; b = e + 1) out.push_back(s.substr(b, e - b));
  return out;
}

}  // namespace

TEST_CASE("a text race report opens with WARNING and closes with SUMMARY", "[report]") {
  std::vector<std::string> l = lines(render_text(racy_counter()));
  REQUIRE(l.size() > 4);
  REQUIRE(l[0] == "==================");
  REQUIRE(l[1] == "WARNING: chansan: data race");
  REQUIRE(l[2] == "  Write of size 4 at 0x55550000a010 by goroutine 3:");
  REQUIRE(l[l.size() - 2] == "SUMMARY: chansan: data race /src/racy.cpp:12 in increment()");
  REQUIRE(l.back() == "==================");
}

TEST_CASE("the text report shows both accesses, the location and creation stacks", "[report]") {
  std::string t = render_text(racy_counter());
  REQUIRE_THAT(t, Catch::Matchers::Contains("    #1 increment() /src/racy.cpp:12:9\n"));
  REQUIRE_THAT(t, Catch::Matchers::Contains("  Previous read of size 4 at 0x55550000a010 by goroutine 2:\n"));
  REQUIRE_THAT(t, Catch::Matchers::Contains("beyond the history kept"));
  REQUIRE_THAT(t, Catch::Matchers::Contains("  Location is global 'counter' of size 4 at 0x55550000a010\n"));
  REQUIRE_THAT(t, Catch::Matchers::Contains("  goroutine 2 created at:\n    #0 main /src/racy.cpp:19:5\n"));
}

TEST_CASE("SUMMARY names the first frame outside csp and the standard library", "[report]") {
  std::vector<Frame> s = {{"csp::chan<int>::send(int) const", "/x/rt/include/csp/chan.hpp", 65, 26},
                          {"std::vector<int>::push_back(int)", "/usr/include/c++/12/bits/stl_vector.h", 1, 1},
                          {"producer()", "/src/p.cpp", 7, 3}};
  REQUIRE(first_user_frame(s)->function == "producer()");
  std::vector<Frame> all_library = {{"std::terminate()", "", 0, 0}};
  REQUIRE(first_user_frame(all_library)->function == "std::terminate()");
  REQUIRE(first_user_frame({}) == nullptr);
}

TEST_CASE("a JSON race report is one line with the documented fields", "[report]") {
  RaceReport r = racy_counter();
  r.current.stack[1].function = "quote\"and\\slash";
  std::string j = render_json(r);
  REQUIRE(j.back() == '\n');
  REQUIRE(j.find('\n') == j.size() - 1);
  for (const char* field : {"\"kind\":\"data race\"", "\"accesses\":[", "\"op\":\"write\"", "\"op\":\"read\"",
                            "\"stack_lost\":true", "\"goroutines\":[", "\"location\":{\"kind\":\"global\"",
                            "\"name\":\"counter\"", "\"summary\":{\"file\":\"/src/racy.cpp\""})
    REQUIRE_THAT(j, Catch::Matchers::Contains(field));
  REQUIRE_THAT(j, Catch::Matchers::Contains("quote\\\"and\\\\slash"));
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < j.size(); i++) {
    char c = j[i];
    if (in_string) {
      if (c == '\\') i++;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    if (c == '{' || c == '[') depth++;
    if (c == '}' || c == ']') depth--;
    REQUIRE(depth >= 0);
  }
  REQUIRE(depth == 0);
}

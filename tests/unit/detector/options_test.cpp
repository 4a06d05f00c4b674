#include <catch2/catch.hpp>

#include "options.hpp"
#include "suppressions.hpp"

using namespace chansan;

TEST_CASE("options default to api.md's values", "[options]") {
  Options o;
  std::string err;
  REQUIRE(parse_options("", o, err));
  REQUIRE(o.exitcode == 66);
  REQUIRE_FALSE(o.halt_on_error);
  REQUIRE(o.log_path.empty());
  REQUIRE(o.suppressions.empty());
  REQUIRE(o.report_format == ReportFormat::text);
  REQUIRE(o.detect_deadlocks);
  REQUIRE(o.detect_leaks);
}

TEST_CASE("options are name=value pairs separated by colons or spaces", "[options]") {
  Options o;
  std::string err;
  REQUIRE(parse_options("exitcode=7:halt_on_error=1 report_format=json  detect_leaks=0:"
                        "log_path=/tmp/x:suppressions=s.txt:detect_deadlocks=false:history_size=5",
                        o, err));
  REQUIRE(o.exitcode == 7);
  REQUIRE(o.halt_on_error);
  REQUIRE(o.report_format == ReportFormat::json);
  REQUIRE_FALSE(o.detect_leaks);
  REQUIRE_FALSE(o.detect_deadlocks);
  REQUIRE(o.log_path == "/tmp/x");
  REQUIRE(o.suppressions == "s.txt");
  REQUIRE(o.history_size == 5);
}

TEST_CASE("an unknown option or a bad value is an error naming it", "[options]") {
  struct Case {
    const char* spec;
    const char* mentions;
  } cases[] = {
      {"exitcod=3", "unknown option 'exitcod'"},
      {"exitcode=abc", "bad value 'abc' for exitcode"},
      {"exitcode=300", "bad value '300' for exitcode"},
      {"exitcode=", "bad value '' for exitcode"},
      {"halt_on_error=yes", "bad value 'yes' for halt_on_error"},
      {"report_format=xml", "want text, json or sarif"},
      {"history_size=8", "bad value '8' for history_size"},
      {"detect_leaks", "is not name=value"},
  };
  for (const Case& c : cases) {
    Options o;
    std::string err;
    INFO(c.spec);
    REQUIRE_FALSE(parse_options(c.spec, o, err));
    REQUIRE_THAT(err, Catch::Matchers::Contains(c.mentions));
  }
}

TEST_CASE("suppressions parse TSan's kind:pattern lines with comments", "[suppressions]") {
  Suppressions s;
  std::string err;
  REQUIRE(s.parse("# a comment\n\nrace:racy_counter\n  deadlock:^lock_ab$ \nleak:*producer*\n", err));
  REQUIRE(s.size() == 3);
  REQUIRE(s.matches(SuppressionKind::race, {"main", "racy_counter::run()"}));
  REQUIRE_FALSE(s.matches(SuppressionKind::leak, {"racy_counter::run()"}));
  REQUIRE(s.matches(SuppressionKind::deadlock, {"lock_ab"}));
  REQUIRE_FALSE(s.matches(SuppressionKind::deadlock, {"lock_abc"}));
  REQUIRE(s.matches(SuppressionKind::leak, {"/src/leaked_producer.cpp"}));
}

TEST_CASE("a malformed suppressions line is an error with its line number", "[suppressions]") {
  Suppressions s;
  std::string err;
  REQUIRE_FALSE(s.parse("race:ok\nthread:foo\n", err));
  REQUIRE_THAT(err, Catch::Matchers::StartsWith("2: unknown kind 'thread'"));
  Suppressions t;
  REQUIRE_FALSE(t.parse("no colon here\n", err));
  REQUIRE_THAT(err, Catch::Matchers::StartsWith("1: want kind:pattern"));
  Suppressions u;
  REQUIRE_FALSE(u.parse("race:\n", err));
  REQUIRE_THAT(err, Catch::Matchers::StartsWith("1: empty pattern"));
}

TEST_CASE("patterns match anywhere unless anchored, with * as a wildcard", "[suppressions]") {
  REQUIRE(template_match("foo", "a_foo_b"));
  REQUIRE(template_match("^foo", "foo_b"));
  REQUIRE_FALSE(template_match("^foo", "a_foo"));
  REQUIRE(template_match("foo$", "a_foo"));
  REQUIRE_FALSE(template_match("foo$", "foo_b"));
  REQUIRE(template_match("^a*c$", "abbbc"));
  REQUIRE_FALSE(template_match("^a*c$", "abbbcd"));
  REQUIRE(template_match("std::*::push_back", "std::vector<int>::push_back(int)"));
  REQUIRE_FALSE(template_match("", "anything"));
}

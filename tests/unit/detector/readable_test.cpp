#include <catch2/catch.hpp>

#include "readable.hpp"

using namespace chansan;

namespace {

// Each test sets the style it needs and leaves the default behind.
struct StyleGuard {
  explicit StyleGuard(RenderStyle s) { set_render_style(std::move(s)); }
  ~StyleGuard() { set_render_style(RenderStyle{}); }
};

const char kLongString[] = "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >";

}  // namespace

TEST_CASE("std::string is shown as std::string, not as its template", "[readable]") {
  REQUIRE(short_type_names(kLongString) == "std::string");
  REQUIRE(short_type_names(std::string("record(") + kLongString + " const&)") == "record(std::string const&)");
  REQUIRE(short_type_names("std::basic_string_view<char, std::char_traits<char> >::size() const") ==
          "std::string_view::size() const");
  REQUIRE(short_type_names("std::basic_ostream<wchar_t, std::char_traits<wchar_t> >&") == "std::wostream&");
}

TEST_CASE("default template arguments of standard containers are dropped", "[readable]") {
  std::string s = kLongString;
  std::string map = "std::map<" + s + ", int, std::less<" + s + " >, std::allocator<std::pair<" + s +
                    " const, int> > >::operator[](" + s + " const&)";
  REQUIRE(short_type_names(map) == "std::map<std::string, int>::operator[](std::string const&)");
  REQUIRE(short_type_names("std::vector<int, std::allocator<int> >::push_back(int const&)") ==
          "std::vector<int>::push_back(int const&)");
  REQUIRE(short_type_names("std::unique_ptr<Foo, std::default_delete<Foo> >::~unique_ptr()") ==
          "std::unique_ptr<Foo>::~unique_ptr()");
  REQUIRE(short_type_names("std::unordered_map<int, int, std::hash<int>, std::equal_to<int>, "
                           "std::allocator<std::pair<int const, int> > >::find(int const&)") ==
          "std::unordered_map<int, int>::find(int const&)");
}

TEST_CASE("a comparator the user chose, and user templates, are kept", "[readable]") {
  REQUIRE(short_type_names("std::set<int, std::greater<int>, std::allocator<int> >::insert(int&&)") ==
          "std::set<int, std::greater<int>>::insert(int&&)");
  REQUIRE(short_type_names("Pool<int, std::allocator<int> >::run()") == "Pool<int, std::allocator<int>>::run()");
}

TEST_CASE("operator names with angle brackets survive short names", "[readable]") {
  REQUIRE(short_type_names("std::operator<<(std::ostream&, int)") == "std::operator<<(std::ostream&, int)");
  REQUIRE(short_type_names("bool operator<(A const&, A const&)") == "bool operator<(A const&, A const&)");
  REQUIRE(short_type_names("std::operator<=><char, std::char_traits<char>, std::allocator<char> >(" +
                           std::string(kLongString) + " const&)") == "std::operator<=><char>(std::string const&)");
  REQUIRE(short_type_names("Foo::operator->()") == "Foo::operator->()");
  REQUIRE(short_type_names("Foo::operator>>=(int)") == "Foo::operator>>=(int)");
}

TEST_CASE("an unbalanced name comes back as it was", "[readable]") {
  REQUIRE(short_type_names("weird<int, (") == "weird<int, (");
  REQUIRE(short_type_names("a<b") == "a<b");
}

TEST_CASE("library frames below the top are folded into one line, numbers kept", "[readable]") {
  std::vector<Frame> stack = {
      {"std::vector<int, std::allocator<int> >::size() const", "/usr/include/c++/12/bits/stl_vector.h", 919, 40},
      {"std::vector<int, std::allocator<int> >::back()", "/usr/include/c++/12/bits/stl_vector.h", 1230, 2},
      {"csp::mutex::lock()", "/src/rt/include/csp/sync.hpp", 40, 3},
      {"work(int)", "/src/app.cpp", 12, 5},
      {"std::__invoke_impl<void>", "/usr/include/c++/12/bits/invoke.h", 61, 14},
      {"main", "/src/app.cpp", 30, 3}};
  std::string t = text_stack(stack);
  REQUIRE(t ==
          "    #0 std::vector<int>::size() const /usr/include/c++/12/bits/stl_vector.h:919:40\n"
          "    ... 2 frames in libstdc++ and csp\n"
          "    #3 work(int) /src/app.cpp:12:5\n"
          "    ... 1 frame in libstdc++\n"
          "    #5 main /src/app.cpp:30:3\n");
}

TEST_CASE("verbose_stacks shows every frame as symbolized", "[readable]") {
  StyleGuard g({true, "", "/src"});
  std::vector<Frame> stack = {{"f()", "/src/a.cpp", 1, 2},
                              {"std::vector<int, std::allocator<int> >::back()", "/usr/include/c++/12/x.h", 3, 4}};
  REQUIRE(text_stack(stack) ==
          "    #0 f() /src/a.cpp:1:2\n"
          "    #1 std::vector<int, std::allocator<int> >::back() /usr/include/c++/12/x.h:3:4\n");
}

TEST_CASE("paths under the working directory are shown relative to it", "[readable]") {
  StyleGuard g({false, "", "/home/u/proj"});
  REQUIRE(display_path("/home/u/proj/src/a.cpp") == "src/a.cpp");
  REQUIRE(display_path("/home/u/project2/a.cpp") == "/home/u/project2/a.cpp");
  REQUIRE(display_path("/usr/bin/../lib/gcc/x86_64-linux-gnu/12/../../../../include/c++/12/tuple") ==
          "/usr/include/c++/12/tuple");
  REQUIRE(stripped_path("/home/u/proj/src/a.cpp") == "/home/u/proj/src/a.cpp");  // JSON keeps it whole
}

TEST_CASE("strip_path_prefix removes everything up to and including the prefix", "[readable]") {
  StyleGuard g({false, "/build/", "/elsewhere"});
  REQUIRE(stripped_path("/ci/build/src/a.cpp") == "src/a.cpp");
  REQUIRE(display_path("/ci/build/src/a.cpp") == "src/a.cpp");
  REQUIRE(display_path("/usr/include/c++/12/tuple") == "/usr/include/c++/12/tuple");
}

TEST_CASE("frames of libstdc++ and csp are told from the program's own", "[readable]") {
  REQUIRE(std::string(library_of({"std::mutex::lock()", "", 0, 0})) == "libstdc++");
  REQUIRE(std::string(library_of({"helper", "/usr/include/c++/12/bits/x.h", 1, 1})) == "libstdc++");
  REQUIRE(std::string(library_of({"csp::chan<int>::send(int)", "", 0, 0})) == "csp");
  REQUIRE(library_of({"main::$_0::operator()() const", "/src/a.cpp", 1, 1}) == nullptr);
}

// What makes a stack readable at a glance (issue 11, "readable stacks"):
// standard types by their usual names, paths as the user typed them, and
// the frames of the C++ standard library and the csp runtime folded into
// one line — Go's race reports show user code; TSan's show everything.
//
// Invariants:
//  - Nothing here changes which frames a report has, only how a frame is
//    written: JSON and SARIF keep every frame (tools fold for themselves),
//    the text folds; verbose_stacks=1 turns all of it off.
//  - short_type_names is a pure rewrite of a demangled name: if the name
//    does not parse as balanced template arguments it comes back as it was.
#pragma once

#include <string>
#include <vector>

#include "report.hpp"

namespace chansan {

// How frames are written; set once at start-up from CHANSAN_OPTIONS, before
// any report (set_render_style). The default is what unit tests render.
struct RenderStyle {
  bool verbose = false;          // verbose_stacks=1: every frame, names and paths as symbolized
  std::string strip_path_prefix; // TSan's option: the part of a path up to and including it goes
  std::string cwd;               // paths under it are shown relative to it (text only)
};
void set_render_style(RenderStyle style);
const RenderStyle& render_style();

// std::__cxx11::basic_string<char, std::char_traits<char>,
// std::allocator<char> > -> std::string; default template arguments of
// the standard containers and smart pointers (allocator, less, hash,
// equal_to, char_traits, default_delete) dropped; "> >" -> ">>".
std::string short_type_names(const std::string& name);

// A frame's function as reports show it (short names unless verbose).
std::string display_function(const std::string& function);
// A frame's file as JSON and SARIF give it: strip_path_prefix applied.
std::string stripped_path(const std::string& file);
// "/a/b/../c" as "/a/c": "." and ".." of an absolute path resolved by name.
std::string lexically_normal(const std::string& path);
// As text reports give it: stripped, or else relative to cwd when under it;
// "." and ".." resolved by name.
std::string display_path(const std::string& file);

// Which library a frame belongs to, for folding: "libstdc++", "csp", or
// nullptr for the program's own code.
const char* library_of(const Frame& f);

// A stack as text lines ("    #i function file:line:col\n"), runs of
// library frames below the top frame folded into
// "    ... N frames in libstdc++\n" (original frame numbers kept).
std::string text_stack(const std::vector<Frame>& stack);

}  // namespace chansan

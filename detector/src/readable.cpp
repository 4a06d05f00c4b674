// See readable.hpp.
#include "readable.hpp"

#include <cstring>
#include <utility>

namespace chansan {
namespace {

// A pointer: the style is set from a constructor(101), before this file's
// dynamic initializers would have run (std::string is not constant-
// initialized with clang 14's libstdc++).
RenderStyle* g_style_ptr = nullptr;

bool ends_with(const std::string& s, const char* suffix) {
  std::size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// The qualified name that ends `out` (what a '<' just after it belongs to).
std::string trailing_name(const std::string& out) {
  std::size_t i = out.size();
  // An operator's own symbols belong to the name: std::operator<=> <...>.
  std::size_t sym = i;
  while (sym > 0 && std::strchr("<=>!+-*/%^&|~", out[sym - 1])) sym--;
  if (sym < i && ends_with(out.substr(0, sym), "operator")) i = sym;
  while (i > 0) {
    char c = out[i - 1];
    bool ident = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                 c == ':';
    if (!ident) break;
    i--;
  }
  return out.substr(i);
}

// '<' or '>' as part of an operator's name, not a template bracket.
bool operator_char(const std::string& out) {
  return ends_with(out, "operator") || ends_with(out, "operator<") || ends_with(out, "operator>") ||
         ends_with(out, "operator-");
}

// Template arguments the standard library fills in by default; written out
// only when the user changed them, which these names cannot be.
bool default_argument(const std::string& arg) {
  static const char* const kDefaults[] = {"std::allocator<", "std::char_traits<", "std::less<",
                                          "std::equal_to<", "std::hash<", "std::default_delete<"};
  for (const char* d : kDefaults)
    if (starts_with(arg, d)) return true;
  return false;
}

// std::basic_X<char> (default arguments already dropped) by its alias.
bool alias(const std::string& name, const std::string& arg, std::string& out) {
  static const char* const kAliased[] = {"string", "string_view", "ostream", "istream", "iostream",
                                         "ostringstream", "istringstream", "stringstream", "ofstream",
                                         "ifstream", "fstream", "streambuf", "ios"};
  if (!starts_with(name, "std::basic_")) return false;
  std::string base = name.substr(std::strlen("std::basic_"));
  for (const char* a : kAliased) {
    if (base != a) continue;
    if (arg == "char") return out = "std::" + base, true;
    if (arg == "wchar_t") return out = "std::w" + base, true;
  }
  return false;
}

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

enum class Until { end, template_arg, close_paren };

// Rewrites s[pos..] up to where `until` says (left at pos): the end, a
// top-level ',' or '>' of a template argument, or the ')' or ']' that
// closes a parameter list (whose commas are not template separators).
// False if the brackets do not balance.
bool rewrite(const std::string& s, std::size_t& pos, Until until, std::string& out) {
  while (pos < s.size()) {
    char c = s[pos];
    if (c == '<' && !operator_char(out)) {
      std::string name = trailing_name(out);
      std::vector<std::string> args;
      pos++;
      for (;;) {
        std::string arg;
        if (!rewrite(s, pos, Until::template_arg, arg) || pos >= s.size()) return false;
        args.push_back(trim(arg));
        if (s[pos++] == '>') break;  // else ','
      }
      if (starts_with(name, "std::"))
        while (args.size() > 1 && default_argument(args.back())) args.pop_back();
      std::string aliased;
      if (args.size() == 1 && alias(name, args[0], aliased)) {
        out.resize(out.size() - name.size());
        out += aliased;
        continue;
      }
      out += '<';
      for (std::size_t i = 0; i < args.size(); i++) out += (i ? ", " : "") + args[i];
      out += '>';
      continue;
    }
    if (until == Until::template_arg && (c == ',' || (c == '>' && !operator_char(out)))) return true;
    if (until == Until::close_paren && (c == ')' || c == ']')) return true;
    if (c == '(' || c == '[') {
      out += s[pos++];
      if (!rewrite(s, pos, Until::close_paren, out) || pos >= s.size()) return false;
      out += s[pos++];
      continue;
    }
    out += c;
    pos++;
  }
  return until == Until::end;
}

}  // namespace

void set_render_style(RenderStyle style) {
  if (!g_style_ptr) g_style_ptr = new RenderStyle;
  *g_style_ptr = std::move(style);
}

// Set before any thread starts (at start-up, or by a test).
const RenderStyle& render_style() {
  if (!g_style_ptr) g_style_ptr = new RenderStyle;
  return *g_style_ptr;
}

std::string short_type_names(const std::string& name) {
  std::string s;
  s.reserve(name.size());
  // libstdc++'s versioned namespace for the C++11 ABI of string and list.
  static const char kCxx11[] = "std::__cxx11::";
  for (std::size_t i = 0; i < name.size();) {
    if (name.compare(i, sizeof kCxx11 - 1, kCxx11) == 0) {
      s += "std::";
      i += sizeof kCxx11 - 1;
    } else {
      s += name[i++];
    }
  }
  std::string out;
  std::size_t pos = 0;
  if (!rewrite(s, pos, Until::end, out) || pos != s.size()) return name;
  return out;
}

std::string display_function(const std::string& function) {
  return render_style().verbose ? function : short_type_names(function);
}

std::string stripped_path(const std::string& file) {
  if (render_style().verbose || render_style().strip_path_prefix.empty()) return file;
  std::size_t at = file.find(render_style().strip_path_prefix);
  if (at == std::string::npos) return file;
  return file.substr(at + render_style().strip_path_prefix.size());
}

std::string lexically_normal(const std::string& path) {
  if (path.empty() || path[0] != '/' || path.find("/.") == std::string::npos) return path;
  std::vector<std::string> parts;
  std::size_t b = 1;
  while (b <= path.size()) {
    std::size_t e = path.find('/', b);
    if (e == std::string::npos) e = path.size();
    std::string part = path.substr(b, e - b);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    b = e + 1;
  }
  std::string out;
  for (const std::string& p : parts) out += "/" + p;
  return out.empty() ? "/" : out;
}

std::string display_path(const std::string& file) {
  if (render_style().verbose) return file;
  std::string stripped = stripped_path(file);
  std::string f = lexically_normal(stripped);
  if (stripped != file || render_style().cwd.empty()) return f;
  const std::string& cwd = render_style().cwd;
  if (f.size() > cwd.size() + 1 && f.compare(0, cwd.size(), cwd) == 0 && f[cwd.size()] == '/')
    return f.substr(cwd.size() + 1);
  return f;
}

const char* library_of(const Frame& f) {
  static const char* const kStdFunctions[] = {"std::", "__gnu_cxx::", "__gthread_"};
  static const char* const kCspFunctions[] = {"csp::", "__chansan_"};
  // libstdc++'s headers, its target-specific ones (gthr-default.h) too.
  static const char* const kStdFiles[] = {"/include/c++/", "-linux-gnu/c++/"};
  static const char* const kCspFiles[] = {"/include/csp/", "/rt/src/"};
  for (const char* p : kCspFunctions)
    if (starts_with(f.function, p)) return "csp";
  for (const char* p : kCspFiles)
    if (f.file.find(p) != std::string::npos) return "csp";
  for (const char* p : kStdFunctions)
    if (starts_with(f.function, p)) return "libstdc++";
  for (const char* p : kStdFiles)
    if (f.file.find(p) != std::string::npos) return "libstdc++";
  // The frame a report adds for a free (the interceptor itself).
  if (f.function == "free" && f.file.empty()) return "libc";
  return nullptr;
}

std::string text_stack(const std::vector<Frame>& stack) {
  auto where = [](const Frame& f) {
    if (f.file.empty()) return std::string("<unknown>");
    return display_path(f.file) + ":" + std::to_string(f.line) + ":" + std::to_string(f.column);
  };
  std::string out;
  for (std::size_t i = 0; i < stack.size();) {
    const char* lib = i > 0 && !render_style().verbose ? library_of(stack[i]) : nullptr;
    if (!lib) {
      out += "    #" + std::to_string(i) + " " + display_function(stack[i].function) + " " + where(stack[i]) + "\n";
      i++;
      continue;
    }
    // A run of library frames: how many, and from which libraries.
    std::size_t n = 0;
    std::vector<const char*> libs;
    for (; i < stack.size() && (lib = library_of(stack[i])); i++, n++) {
      bool seen = false;
      for (const char* l : libs) seen |= std::strcmp(l, lib) == 0;
      if (!seen) libs.push_back(lib);
    }
    out += "    ... " + std::to_string(n) + (n == 1 ? " frame in " : " frames in ");
    for (std::size_t k = 0; k < libs.size(); k++) out += (k ? " and " : "") + std::string(libs[k]);
    out += "\n";
  }
  return out;
}

}  // namespace chansan

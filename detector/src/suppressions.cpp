// Suppressions; see suppressions.hpp.
#include "suppressions.hpp"

#include <sstream>

namespace chansan {
namespace {

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  std::size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// Glob match of p (with '*') against s, anchored at both ends.
bool glob(const char* p, const char* s) {
  if (*p == '\0') return *s == '\0';
  if (*p == '*') {
    for (;; s++) {
      if (glob(p + 1, s)) return true;
      if (*s == '\0') return false;
    }
  }
  return *s != '\0' && *p == *s && glob(p + 1, s + 1);
}

}  // namespace

bool template_match(const std::string& pattern, const std::string& s) {
  if (pattern.empty()) return false;
  std::string p = pattern;
  bool start = !p.empty() && p.front() == '^';
  if (start) p.erase(0, 1);
  bool end = !p.empty() && p.back() == '$';
  if (end) p.pop_back();
  if (!start) p = "*" + p;
  if (!end) p += "*";
  return glob(p.c_str(), s.c_str());
}

bool Suppressions::parse(const std::string& text, std::string& error) {
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); n++) {
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    std::size_t colon = line.find(':');
    if (colon == std::string::npos) {
      error = std::to_string(n) + ": want kind:pattern, got '" + line + "'";
      return false;
    }
    std::string kind = trim(line.substr(0, colon)), pattern = trim(line.substr(colon + 1));
    Suppression s{};
    if (kind == "race") {
      s.kind = SuppressionKind::race;
    } else if (kind == "deadlock") {
      s.kind = SuppressionKind::deadlock;
    } else if (kind == "leak") {
      s.kind = SuppressionKind::leak;
    } else {
      error = std::to_string(n) + ": unknown kind '" + kind + "' (want race, deadlock or leak)";
      return false;
    }
    if (pattern.empty()) {
      error = std::to_string(n) + ": empty pattern";
      return false;
    }
    s.pattern = pattern;
    rules_.push_back(s);
  }
  return true;
}

bool Suppressions::matches(SuppressionKind kind, const std::vector<std::string>& names) const {
  for (const Suppression& r : rules_) {
    if (r.kind != kind) continue;
    for (const std::string& n : names)
      if (template_match(r.pattern, n)) return true;
  }
  return false;
}

}  // namespace chansan

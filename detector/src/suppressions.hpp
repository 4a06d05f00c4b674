// Suppressions in ThreadSanitizer's file format: one `kind:pattern` per
// line, '#' starts a comment. Kinds: race, deadlock (lock-order inversions
// and deadlocks), leak. A pattern matches a function name, a source file
// path or a module path; '*' matches any run of characters, a leading '^'
// or trailing '$' anchors it, otherwise it matches anywhere (TSan's
// TemplateMatch).
#pragma once

#include <string>
#include <vector>

namespace chansan {

enum class SuppressionKind { race, deadlock, leak };

struct Suppression {
  SuppressionKind kind;
  std::string pattern;
};

class Suppressions {
 public:
  // Parses a file's text. On error returns false and sets `error` to
  // "<line number>: <what is wrong>".
  bool parse(const std::string& text, std::string& error);
  // True if any suppression of `kind` matches any of `names`.
  bool matches(SuppressionKind kind, const std::vector<std::string>& names) const;
  std::size_t size() const { return rules_.size(); }

 private:
  std::vector<Suppression> rules_;
};

bool template_match(const std::string& pattern, const std::string& s);

}  // namespace chansan

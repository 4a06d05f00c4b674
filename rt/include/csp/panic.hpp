// csp::panic: the exception the runtime throws where Go panics (send on a
// closed channel, unlock of an unlocked mutex, ...). It carries Go's message.
// An uncaught panic (or any exception escaping a goroutine or main) prints
// "panic: <what()>" with the goroutine's stack and exits with code 2.
#pragma once

#include <stdexcept>
#include <string>

namespace csp {

class panic : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// The element type of channels that carry only an event (Go's struct{}).
struct unit {
  friend bool operator==(unit, unit) { return true; }
};

}  // namespace csp

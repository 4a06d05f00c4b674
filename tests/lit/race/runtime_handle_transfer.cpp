// Handles moved by the runtime are the runtime's work: a channel of
// channels hands each value to a waiting receiver by running the handle's
// move-assign into the receiver's variable on the sender, before the
// hand-off's edge is published. A handle's bytes are checked as the user's
// memory elsewhere (race/shape_csp_handles.cpp), but not there: no false
// race between the receiver's `T v{}` and the sender's move into it.
// RUN: %chansan_cxx %s -o %t && %t 2>&1 | FileCheck %s
// CHECK-NOT: WARNING: chansan
// CHECK: received 1000 channels
#include <csp/csp.hpp>
#include <cstdio>

int main() {
  int received = 0;
  for (std::size_t cap : {0, 1}) {
    auto chans = csp::make_chan<csp::chan<int>>(cap);
    csp::go([chans] {
      for (int i = 0; i < 500; i++) chans.send(csp::make_chan<int>(1));
      chans.close();
    });
    for (csp::chan<int> c : chans) {
      c.send(1);
      received += c.recv();
    }
  }
  std::printf("received %d channels\n", received);
}

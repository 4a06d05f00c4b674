// The happens-before seam (hb.hpp) for the chansan build: each edge goes
// to the detector, for the G it names.
#include "chansan_backend.hpp"
#include "hb.hpp"

namespace csp::rt {
namespace {
namespace ch = chansan::hooks;
using chansan_backend::state_of;
}  // namespace

namespace hb {
void acquire(G* g, const void* sync) { ch::acquire(state_of(g), sync); }
void acquire_alone(G* g, const void* sync) { ch::acquire_alone(state_of(g), sync); }
void release(G* g, const void* sync) { ch::release(state_of(g), sync); }
void go_start(G* parent, G* child) { ch::go(state_of(parent), state_of(child), child->create_pc); }
void transfer(G* from, G* to, const void*) { ch::transfer(state_of(from), state_of(to)); }
// The runtime is not instrumented, but the values it moves or destroys may
// free memory (a unique_ptr replaced in a receiver's variable): the
// detector forgets such memory without checking the free as an access.
void invisible_begin() { ch::invisible_begin(); }
void invisible_end() { ch::invisible_end(); }
}  // namespace hb
}  // namespace csp::rt

// The mutex slow path, for runtime code that locks a mutex on behalf of
// another sync type and wants its own wait reason (Go: "do not re-use
// reasons"), e.g. once.
#pragma once

#include <atomic>
#include <cstdint>

#include "g.hpp"

namespace csp::detail {
void mutex_lock_as(std::atomic<uint32_t>* state, rt::WaitReason reason, const void* pc);
}

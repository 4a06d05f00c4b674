// The csp runtime: Go's concurrency model in C++. One umbrella header.
#pragma once

#include "csp/chan.hpp"
#include "csp/context.hpp"
#include "csp/go.hpp"
#include "csp/panic.hpp"
#include "csp/select.hpp"
#include "csp/sync.hpp"
#include "csp/time.hpp"

// Clang's thread-safety annotations (-Wthread-safety), as Abseil and marl
// use them: which lock guards which field is checked at compile time.
// Shared by rt/ and detector/ (whose InternalMutex is a capability too).
#pragma once

#if defined(__clang__)
#define CSP_TSA(x) __attribute__((x))
#else
#define CSP_TSA(x)
#endif

#define CSP_CAPABILITY(name) CSP_TSA(capability(name))
#define CSP_SCOPED_CAPABILITY CSP_TSA(scoped_lockable)
#define CSP_GUARDED_BY(lock) CSP_TSA(guarded_by(lock))
#define CSP_PT_GUARDED_BY(lock) CSP_TSA(pt_guarded_by(lock))
#define CSP_ACQUIRE(...) CSP_TSA(acquire_capability(__VA_ARGS__))
#define CSP_TRY_ACQUIRE(...) CSP_TSA(try_acquire_capability(__VA_ARGS__))
#define CSP_RELEASE(...) CSP_TSA(release_capability(__VA_ARGS__))
#define CSP_REQUIRES(...) CSP_TSA(requires_capability(__VA_ARGS__))
#define CSP_EXCLUDES(...) CSP_TSA(locks_excluded(__VA_ARGS__))
// For the few functions whose lock is released in another context (park's
// post-switch unlock) or across a set of locks (select), which the analysis
// cannot follow.
#define CSP_NO_TSA CSP_TSA(no_thread_safety_analysis)

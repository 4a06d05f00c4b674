// An address-keyed wait queue for goroutines and threads: the futex of the
// csp world (WebKit's ParkingLot, Go's semtable). The sync types build on it.
//
// Invariants:
//  - wait_on checks *word == expected under the bucket lock and enqueues in
//    the same critical section, so a wake_on that follows a change of *word
//    cannot be missed.
//  - wake_on never dereferences `word`: it is only a key. So a waker may
//    change the word and then wake even if a woken goroutine frees the object
//    at once; a wake for a dead key finds nobody (or wakes a waiter of a new
//    object at that address spuriously, which waiters tolerate).
#pragma once

#include <atomic>
#include <cstdint>

#include "g.hpp"

namespace csp::rt {

// Parks while *word == expected. Returns after a wake_on(word) or at once;
// callers re-check their condition. `obj` is the sync object the word
// belongs to (what the G waits on, for the deadlock detector).
void wait_on(const std::atomic<uint32_t>* word, uint32_t expected, WaitReason reason,
             const void* pc, const void* obj);
void wake_on(const void* word, int count);

// A counting semaphore in one word, on the parking lot.
void sema_acquire(std::atomic<uint32_t>* sema, WaitReason reason, const void* pc, const void* obj);
void sema_release(std::atomic<uint32_t>* sema, uint32_t n);  // last touch of *sema: the add

}  // namespace csp::rt

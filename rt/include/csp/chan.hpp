// csp::chan<T>: Go's channels. A chan is a cheap, copyable handle with shared
// ownership; == is identity; a default-constructed chan is the nil channel.
#pragma once

#include <cstddef>
#include <iterator>
#include <type_traits>
#include <utility>

#include "csp/detail/core.hpp"
#include "csp/panic.hpp"

namespace csp {

template <class T>
class chan;

namespace detail {

template <class T>
const elem_ops* elem_ops_for() {
  static const elem_ops ops = {
      [](void* dst, void* src) { *static_cast<T*>(dst) = std::move(*static_cast<T*>(src)); },
      [](std::size_t n) -> void* { return new T[n](); },
      [](void* buf, std::size_t) { delete[] static_cast<T*>(buf); },
      sizeof(T),
      std::is_trivially_copyable_v<T>,
  };
  return &ops;
}

// Lets runtime-facing code (select, timers, context) see a chan's core.
struct chan_access {
  template <class T>
  static chan_core* core(const chan<T>& c) { return c.core_; }
  template <class T>
  static chan<T> adopt(chan_core* c) { return chan<T>(c); }  // takes a reference
};

}  // namespace detail

template <class T>
class chan {
  static_assert(std::is_move_constructible_v<T>, "chan<T>: T must be move-constructible");
  static_assert(std::is_default_constructible_v<T>, "chan<T>: T must be default-constructible");

 public:
  using value_type = T;

  chan() noexcept = default;  // the nil channel
  chan(const chan& o) noexcept : core_(o.core_) {
    if (core_) detail::chan_retain(core_);
  }
  chan(chan&& o) noexcept : core_(std::exchange(o.core_, nullptr)) {}
  chan& operator=(chan o) noexcept {
    std::swap(core_, o.core_);
    return *this;
  }
  ~chan() {
    if (core_) detail::chan_release(core_);
  }

  // Blocks until a receiver takes v (unbuffered) or there is room (buffered).
  // Throws csp::panic("send on closed channel"); blocks forever on nil.
  void send(T v) const { detail::chan_send(core_, &v); }

  // Blocks until a value arrives; T{} at once on a closed, drained channel.
  T recv() const {
    T v{};
    detail::chan_recv(core_, &v);
    return v;
  }

  // As recv; .second is false when the channel is closed and drained.
  std::pair<T, bool> recv_ok() const {
    T v{};
    bool ok = detail::chan_recv(core_, &v);
    return {std::move(v), ok};
  }

  void close() const { detail::chan_close(core_); }
  std::size_t len() const noexcept { return core_ ? detail::chan_len(core_) : 0; }
  std::size_t cap() const noexcept { return core_ ? detail::chan_cap(core_) : 0; }

  explicit operator bool() const noexcept { return core_ != nullptr; }
  friend bool operator==(const chan& a, const chan& b) noexcept { return a.core_ == b.core_; }

  // for (T v : ch): receive until the channel is closed and drained.
  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = T*;
    using reference = T&;

    iterator() = default;
    explicit iterator(const chan* c) : ch_(c) { advance(); }
    T& operator*() { return value_; }
    iterator& operator++() {
      advance();
      return *this;
    }
    void operator++(int) { advance(); }
    friend bool operator==(const iterator& a, const iterator& b) { return a.ch_ == b.ch_; }

   private:
    void advance() {
      if (!detail::chan_recv(ch_->core_, &value_)) ch_ = nullptr;
    }
    const chan* ch_ = nullptr;
    T value_{};
  };
  iterator begin() const { return iterator(this); }
  iterator end() const { return iterator(); }

 private:
  friend struct detail::chan_access;
  template <class U>
  friend chan<U> make_chan(std::size_t);
  explicit chan(detail::chan_core* c) noexcept : core_(c) {}
  detail::chan_core* core_ = nullptr;
};

// A new channel; cap == 0 is unbuffered.
template <class T>
chan<T> make_chan(std::size_t cap = 0) {
  return chan<T>(detail::chan_new(cap, detail::elem_ops_for<T>()));
}

}  // namespace csp

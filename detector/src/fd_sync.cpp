// File descriptors as synchronization objects, as ThreadSanitizer models
// them: data written to a pipe, a socket or an eventfd and read by another
// thread orders the write before the read, as a channel does; epoll_ctl
// before the epoll_wait that reports the change.
//
// Invariants:
//  - Each fd has a key (0: none) in g_fd_keys, set when the fd is created
//    through an intercepted call and cleared by close. Keys are outside
//    user space (they never die with memory); both ends of a pipe or
//    socketpair share one key; every socket from socket/accept shares one
//    (as TSan's); an eventfd or epoll instance has its own.
//  - A write releases before the data can be seen, a read that returned
//    data acquires after: the edge is never earlier than the real one.
//  - Descriptors the program got otherwise (stdin, stdout, files) have no
//    key and make no edge: printing to a shared stdout orders nothing.
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "internal.hpp"

namespace chansan {
namespace {

constexpr int kMaxFds = 1 << 16;
constexpr uintptr_t kFdKeyBase = uintptr_t{1} << 61;  // above user space, below thread keys
constexpr uintptr_t kSocketKey = kFdKeyBase;          // every socket of socket/accept
// Mapped at start-up, not a global array: the blocking detector's search
// reads every writable global of the program on each look.
std::atomic<uintptr_t>* g_fd_keys = nullptr;
std::atomic<uintptr_t> g_next_key{kFdKeyBase + 1};

// The real functions, resolved at start-up, before any thread but main
// exists: never lazily in an interceptor (a function-local static's guard
// calls back into the interceptors, and dlsym in a forked child, as the
// symbolizer's dup2, can deadlock on a lock held at the fork).
void* real_pipe = nullptr;
void* real_pipe2 = nullptr;
void* real_socketpair = nullptr;
void* real_socket = nullptr;
void* real_accept = nullptr;
void* real_accept4 = nullptr;
void* real_eventfd = nullptr;
void* real_epoll_create = nullptr;
void* real_epoll_create1 = nullptr;
void* real_dup = nullptr;
void* real_dup2 = nullptr;
void* real_dup3 = nullptr;
void* real_fcntl = nullptr;
void* real_fcntl64 = nullptr;
void* real_close = nullptr;
void* real_write = nullptr;
void* real_writev = nullptr;
void* real_send = nullptr;
void* real_sendto = nullptr;
void* real_sendmsg = nullptr;
void* real_read = nullptr;
void* real_readv = nullptr;
void* real_recv = nullptr;
void* real_recvfrom = nullptr;
void* real_recvmsg = nullptr;
void* real_epoll_ctl = nullptr;
void* real_epoll_wait = nullptr;
void* real_epoll_pwait = nullptr;


__attribute__((constructor(100))) void resolve_all() {
  struct {
    void** slot;
    const char* name;
  } const all[] = {
      {&real_pipe, "pipe"},
      {&real_pipe2, "pipe2"},
      {&real_socketpair, "socketpair"},
      {&real_socket, "socket"},
      {&real_accept, "accept"},
      {&real_accept4, "accept4"},
      {&real_eventfd, "eventfd"},
      {&real_epoll_create, "epoll_create"},
      {&real_epoll_create1, "epoll_create1"},
      {&real_dup, "dup"},
      {&real_dup2, "dup2"},
      {&real_dup3, "dup3"},
      {&real_fcntl, "fcntl"},
      {&real_fcntl64, "fcntl64"},
      {&real_close, "close"},
      {&real_write, "write"},
      {&real_writev, "writev"},
      {&real_send, "send"},
      {&real_sendto, "sendto"},
      {&real_sendmsg, "sendmsg"},
      {&real_read, "read"},
      {&real_readv, "readv"},
      {&real_recv, "recv"},
      {&real_recvfrom, "recvfrom"},
      {&real_recvmsg, "recvmsg"},
      {&real_epoll_ctl, "epoll_ctl"},
      {&real_epoll_wait, "epoll_wait"},
      {&real_epoll_pwait, "epoll_pwait"},
  };
  for (const auto& r : all) *r.slot = dlsym(RTLD_NEXT, r.name);
  void* keys = mmap(nullptr, kMaxFds * sizeof(uintptr_t), PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (keys != MAP_FAILED) g_fd_keys = static_cast<std::atomic<uintptr_t>*>(keys);
}


uintptr_t new_key() { return g_next_key.fetch_add(1, std::memory_order_relaxed); }

void set_key(int fd, uintptr_t key) {
  if (fd >= 0 && fd < kMaxFds && g_fd_keys) g_fd_keys[fd].store(key, std::memory_order_relaxed);
}

uintptr_t key_of(int fd) {
  return fd >= 0 && fd < kMaxFds && g_fd_keys ? g_fd_keys[fd].load(std::memory_order_relaxed) : 0;
}

void fd_release(int fd) {
  if (!tracking()) return;
  if (uintptr_t k = key_of(fd))
    if (GState* g = ready_state()) sync_release(g, k);
}

void fd_acquire(int fd) {
  if (!tracking()) return;
  if (uintptr_t k = key_of(fd))
    if (GState* g = ready_state()) sync_acquire(g, k);
}

void created_pair(int rc, const int fds[2]) {
  if (rc != 0 || !tracking()) return;
  uintptr_t k = new_key();
  set_key(fds[0], k);
  set_key(fds[1], k);
}

void created(int fd, uintptr_t key) {
  if (fd >= 0 && tracking()) set_key(fd, key);
}

}  // namespace
}  // namespace chansan

using namespace chansan;

extern "C" {

int pipe(int fds[2]) {
  auto real_fn = resolved<int (*)(int*)>(real_pipe, "pipe");
  int rc = real_fn(fds);
  created_pair(rc, fds);
  return rc;
}

int pipe2(int fds[2], int flags) {
  auto real_fn = resolved<int (*)(int*, int)>(real_pipe2, "pipe2");
  int rc = real_fn(fds, flags);
  created_pair(rc, fds);
  return rc;
}

int socketpair(int domain, int type, int protocol, int fds[2]) {
  auto real_fn = resolved<int (*)(int, int, int, int*)>(real_socketpair, "socketpair");
  int rc = real_fn(domain, type, protocol, fds);
  created_pair(rc, fds);
  return rc;
}

int socket(int domain, int type, int protocol) {
  auto real_fn = resolved<int (*)(int, int, int)>(real_socket, "socket");
  int fd = real_fn(domain, type, protocol);
  created(fd, kSocketKey);
  return fd;
}

int accept(int s, struct sockaddr* a, socklen_t* n) {
  auto real_fn = resolved<int (*)(int, struct sockaddr*, socklen_t*)>(real_accept, "accept");
  int fd;
  {
    ThreadBlocked blocked;
    fd = real_fn(s, a, n);
  }
  created(fd, kSocketKey);
  return fd;
}

int accept4(int s, struct sockaddr* a, socklen_t* n, int flags) {
  auto real_fn = resolved<int (*)(int, struct sockaddr*, socklen_t*, int)>(real_accept4, "accept4");
  int fd;
  {
    ThreadBlocked blocked;
    fd = real_fn(s, a, n, flags);
  }
  created(fd, kSocketKey);
  return fd;
}

int eventfd(unsigned int initval, int flags) {
  auto real_fn = resolved<int (*)(unsigned int, int)>(real_eventfd, "eventfd");
  int fd = real_fn(initval, flags);
  if (fd >= 0 && tracking()) created(fd, new_key());
  return fd;
}

int epoll_create(int size) {
  auto real_fn = resolved<int (*)(int)>(real_epoll_create, "epoll_create");
  int fd = real_fn(size);
  if (fd >= 0 && tracking()) created(fd, new_key());
  return fd;
}

int epoll_create1(int flags) {
  auto real_fn = resolved<int (*)(int)>(real_epoll_create1, "epoll_create1");
  int fd = real_fn(flags);
  if (fd >= 0 && tracking()) created(fd, new_key());
  return fd;
}

int dup(int fd) {
  auto real_fn = resolved<int (*)(int)>(real_dup, "dup");
  int nfd = real_fn(fd);
  if (nfd >= 0) set_key(nfd, key_of(fd));
  return nfd;
}

int dup2(int fd, int nfd) {
  auto real_fn = resolved<int (*)(int, int)>(real_dup2, "dup2");
  int rc = real_fn(fd, nfd);
  if (rc >= 0) set_key(rc, key_of(fd));
  return rc;
}

int dup3(int fd, int nfd, int flags) {
  auto real_fn = resolved<int (*)(int, int, int)>(real_dup3, "dup3");
  int rc = real_fn(fd, nfd, flags);
  if (rc >= 0) set_key(rc, key_of(fd));
  return rc;
}

// fcntl's F_DUPFD and F_DUPFD_CLOEXEC duplicate as dup does. Its third
// argument is an int or a pointer, as the command says; passed on as a
// word, the way glibc reads it.
static int fcntl_common(void*& real, const char* name, int fd, int cmd, void* arg) {
  auto real_fn = resolved<int (*)(int, int, ...)>(real, name);
  int rc;
  if (cmd == F_SETLKW || cmd == F_OFD_SETLKW) {  // waits for a file lock
    ThreadBlocked blocked;
    rc = real_fn(fd, cmd, arg);
  } else {
    rc = real_fn(fd, cmd, arg);
  }
  if (rc >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)) set_key(rc, key_of(fd));
  return rc;
}

int fcntl(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  void* arg = va_arg(ap, void*);
  va_end(ap);
  return fcntl_common(real_fcntl, "fcntl", fd, cmd, arg);
}

int fcntl64(int fd, int cmd, ...) {
  va_list ap;
  va_start(ap, cmd);
  void* arg = va_arg(ap, void*);
  va_end(ap);
  return fcntl_common(real_fcntl64, "fcntl64", fd, cmd, arg);
}

int close(int fd) {
  auto real_fn = resolved<int (*)(int)>(real_close, "close");
  set_key(fd, 0);
  return real_fn(fd);
}

ssize_t write(int fd, const void* buf, size_t n) {
  auto real_fn = resolved<ssize_t (*)(int, const void*, size_t)>(real_write, "write");
  fd_release(fd);
  return real_fn(fd, buf, n);
}

ssize_t writev(int fd, const struct iovec* iov, int n) {
  auto real_fn = resolved<ssize_t (*)(int, const struct iovec*, int)>(real_writev, "writev");
  fd_release(fd);
  return real_fn(fd, iov, n);
}

ssize_t send(int fd, const void* buf, size_t n, int flags) {
  auto real_fn = resolved<ssize_t (*)(int, const void*, size_t, int)>(real_send, "send");
  fd_release(fd);
  return real_fn(fd, buf, n, flags);
}

ssize_t sendto(int fd, const void* buf, size_t n, int flags, const struct sockaddr* a, socklen_t al) {
  auto real_fn = resolved<ssize_t (*)(int, const void*, size_t, int, const struct sockaddr*, socklen_t)>(real_sendto, "sendto");
  fd_release(fd);
  return real_fn(fd, buf, n, flags, a, al);
}

ssize_t sendmsg(int fd, const struct msghdr* m, int flags) {
  auto real_fn = resolved<ssize_t (*)(int, const struct msghdr*, int)>(real_sendmsg, "sendmsg");
  fd_release(fd);
  return real_fn(fd, m, flags);
}

ssize_t read(int fd, void* buf, size_t n) {
  auto real_fn = resolved<ssize_t (*)(int, void*, size_t)>(real_read, "read");
  ssize_t rc;
  {
    ThreadBlocked blocked;
    rc = real_fn(fd, buf, n);
  }
  if (rc >= 0) fd_acquire(fd);
  return rc;
}

ssize_t readv(int fd, const struct iovec* iov, int n) {
  auto real_fn = resolved<ssize_t (*)(int, const struct iovec*, int)>(real_readv, "readv");
  ssize_t rc;
  {
    ThreadBlocked blocked;
    rc = real_fn(fd, iov, n);
  }
  if (rc >= 0) fd_acquire(fd);
  return rc;
}

ssize_t recv(int fd, void* buf, size_t n, int flags) {
  auto real_fn = resolved<ssize_t (*)(int, void*, size_t, int)>(real_recv, "recv");
  ssize_t rc;
  {
    ThreadBlocked blocked;
    rc = real_fn(fd, buf, n, flags);
  }
  if (rc >= 0) fd_acquire(fd);
  return rc;
}

ssize_t recvfrom(int fd, void* buf, size_t n, int flags, struct sockaddr* a, socklen_t* al) {
  auto real_fn = resolved<ssize_t (*)(int, void*, size_t, int, struct sockaddr*, socklen_t*)>(real_recvfrom, "recvfrom");
  ssize_t rc;
  {
    ThreadBlocked blocked;
    rc = real_fn(fd, buf, n, flags, a, al);
  }
  if (rc >= 0) fd_acquire(fd);
  return rc;
}

ssize_t recvmsg(int fd, struct msghdr* m, int flags) {
  auto real_fn = resolved<ssize_t (*)(int, struct msghdr*, int)>(real_recvmsg, "recvmsg");
  ssize_t rc;
  {
    ThreadBlocked blocked;
    rc = real_fn(fd, m, flags);
  }
  if (rc >= 0) fd_acquire(fd);
  return rc;
}

int epoll_ctl(int epfd, int op, int fd, struct epoll_event* ev) {
  auto real_fn = resolved<int (*)(int, int, int, struct epoll_event*)>(real_epoll_ctl, "epoll_ctl");
  fd_release(epfd);
  return real_fn(epfd, op, fd, ev);
}

int epoll_wait(int epfd, struct epoll_event* evs, int max, int timeout) {
  auto real_fn = resolved<int (*)(int, struct epoll_event*, int, int)>(real_epoll_wait, "epoll_wait");
  int rc;
  {
    ThreadBlocked blocked;
    rc = real_fn(epfd, evs, max, timeout);
  }
  if (rc > 0) fd_acquire(epfd);
  return rc;
}

int epoll_pwait(int epfd, struct epoll_event* evs, int max, int timeout, const sigset_t* mask) {
  auto real_fn = resolved<int (*)(int, struct epoll_event*, int, int, const sigset_t*)>(real_epoll_pwait, "epoll_pwait");
  int rc;
  {
    ThreadBlocked blocked;
    rc = real_fn(epfd, evs, max, timeout, mask);
  }
  if (rc > 0) fd_acquire(epfd);
  return rc;
}

}  // extern "C"

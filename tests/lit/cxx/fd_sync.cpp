// Data handed over through a pipe, a socketpair, an eventfd, an epoll set
// and a pipe's end duplicated by fcntl(F_DUPFD_CLOEXEC) or dup orders the writer's earlier writes before the reader's reads, as
// ThreadSanitizer models file descriptors. No report.
// With -DRACY the reader reads before the descriptor hands over: a report.
// RUN: %chansan_cxx %s -o %t.ok && %t.ok 2>&1 | FileCheck %s --check-prefix=OK
// RUN: %chansan_cxx -DRACY %s -o %t.racy
// RUN: %t.racy > %t.log 2>&1; test $? = 66
// RUN: FileCheck %s --check-prefix=RACE < %t.log
// OK-NOT: WARNING: chansan
// OK: done 1 2 3 4 5 6
// RACE: WARNING: chansan: data race
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <thread>

struct Message {
  int value = 0;
};

// Hands `m` from a new thread to this one through `wfd` -> `rfd`.
int hand_over(int wfd, int rfd, int v) {
  auto* m = new Message;
  std::thread writer([&] {
    m->value = v;
    Message* p = m;
    (void)!write(wfd, &p, sizeof p);
  });
#ifdef RACY
  std::printf("early %d\n", m->value);
#endif
  Message* got = nullptr;
  while (read(rfd, &got, sizeof got) != sizeof got) {
  }
  int value = got->value;
  delete got;
  writer.join();
  return value;
}

int main() {
  int p[2];
  if (pipe(p) != 0) return 1;
  int a = hand_over(p[1], p[0], 1);
  int s[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, s) != 0) return 1;
  int b = hand_over(s[0], s[1], 2);

  // eventfd: a counter written by one thread, read by another.
  int efd = eventfd(0, 0);
  int shared = 0;
  std::thread bump([&] {
    shared = 3;
    uint64_t one = 1;
    (void)!write(efd, &one, sizeof one);
  });
  uint64_t n = 0;
  (void)!read(efd, &n, sizeof n);
  int c = shared;
  bump.join();

  // epoll: the registration is seen by the waiter.
  int ep = epoll_create1(0);
  int q[2];
  if (pipe(q) != 0) return 1;
  int registered = 0;
  std::thread reg([&] {
    registered = 4;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = q[0];
    epoll_ctl(ep, EPOLL_CTL_ADD, q[0], &ev);
    (void)!write(q[1], "x", 1);
  });
  epoll_event out{};
  while (epoll_wait(ep, &out, 1, 1000) != 1) {
  }
  int d = registered;
  reg.join();

  // A duplicate of the write end is the same pipe (written through the
  // copy, read through the original).
  int fd_copy = fcntl(p[1], F_DUPFD_CLOEXEC, 0);
  int e = hand_over(fd_copy, p[0], 5);
  int dup_copy = dup(p[1]);
  int f = hand_over(dup_copy, p[0], 6);
  for (int fd : {p[0], p[1], s[0], s[1], efd, ep, q[0], q[1], fd_copy, dup_copy}) close(fd);
  std::printf("done %d %d %d %d %d %d\n", a, b, c, d, e, f);
}

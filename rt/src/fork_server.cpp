// The fork server of chansan-explore (api.md §4.3): started with
// CSP_EXPLORE_SERVER=<fd>, a program waits, before any other of its
// start-up work, for schedules on that socket and forks one child per
// schedule; each child sets CSP_SCHEDULE and goes on to start up and run
// main, as if just executed. A run then costs a fork (~0.7 ms here) instead
// of an exec, the dynamic loader and the relocations (~4-8 ms here).
//
// Invariants:
//  - It runs in a constructor of priority 100, before the detector's
//    initialization (101) starts its watchdog thread: the process forks
//    while it has one thread, and each child starts the detector afresh.
//  - Before the detector is initialized its interceptors must not be
//    entered: the server talks through raw system calls only.
//  - Protocol, one SOCK_SEQPACKET message each: the server says "hello"
//    once; per run it receives the schedule (text) with the run's output
//    fd (SCM_RIGHTS) and answers {1, pid} when the child exists and
//    {2, wait status} when it has ended. End of input: the server exits.
//  - The child runs in a process group of its own (a timeout kills the
//    group), with the output fd as stdout and stderr.
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace csp::rt {
namespace {

struct Reply {
  int32_t kind;   // 1: started (value = pid), 2: ended (value = wait status)
  int32_t value;
};

long raw_send(int fd, const void* buf, size_t n) {
  iovec iov{const_cast<void*>(buf), n};
  msghdr m{};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  long r;
  do r = syscall(SYS_sendmsg, fd, &m, MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  return r;
}

// One schedule and its output fd; false at end of input.
bool raw_receive(int fd, char* schedule, size_t cap, int& out_fd) {
  iovec iov{schedule, cap - 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
  msghdr m{};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = control;
  m.msg_controllen = sizeof control;
  long n;
  do n = syscall(SYS_recvmsg, fd, &m, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n <= 0) return false;
  schedule[n] = '\0';
  out_fd = -1;
  for (cmsghdr* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) std::memcpy(&out_fd, CMSG_DATA(c), sizeof(int));
  return out_fd >= 0;
}

__attribute__((constructor(100))) void serve_if_asked() {
  const char* v = std::getenv("CSP_EXPLORE_SERVER");
  if (!v || !*v) return;
  char* end = nullptr;
  long fd = std::strtol(v, &end, 10);
  if (*end || fd < 0 || fd > 1 << 20) return;
  const int sock = static_cast<int>(fd);
  if (raw_send(sock, "hello", 5) < 0) return;  // not the explorer's socket: start up normally
  char schedule[128];
  int out_fd;
  while (raw_receive(sock, schedule, sizeof schedule, out_fd)) {
    pid_t pid = fork();
    if (pid == 0) {
      syscall(SYS_close, sock);
      syscall(SYS_dup2, out_fd, 1);
      syscall(SYS_dup2, out_fd, 2);
      syscall(SYS_close, out_fd);
      setpgid(0, 0);
      unsetenv("CSP_EXPLORE_SERVER");  // programs it runs are not servers
      setenv("CSP_SCHEDULE", schedule, 1);
      return;  // start up as this run
    }
    syscall(SYS_close, out_fd);
    Reply started{1, pid};
    if (pid < 0) started.value = -errno;
    raw_send(sock, &started, sizeof started);
    if (pid < 0) continue;
    int status = 0;
    long r;
    do r = syscall(SYS_wait4, pid, &status, 0, nullptr);
    while (r < 0 && errno == EINTR);
    Reply ended{2, status};
    raw_send(sock, &ended, sizeof ended);
  }
  _exit(0);
}

}  // namespace

// Referenced by runtime start-up so that this file is linked in.
bool fork_server_linked() { return true; }

}  // namespace csp::rt

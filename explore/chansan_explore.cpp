// chansan-explore (api.md §4.3): runs a program under many seeded schedules
// (CSP_SCHEDULE), in parallel, and stops at the first failing seed with the
// line that replays it.
//
//   chansan-explore [--runs N] [--strategy random|pct] [--seed S] [--depth D]
//                   [--jobs J] [--shard I/K] [--timeout SEC] [--keep-going]
//                   -- PROG [ARGS...]
//
// Invariants:
//  - Seeds are launched in increasing order; at a failure no further seed
//    is launched, runs of higher seeds still going are killed, and runs of
//    lower seeds are waited for. So the seed reported is the lowest failing
//    one whatever the number of jobs: the same command gives the same
//    answer on any machine.
//  - Each run has its own process group (killed whole on a timeout) and its
//    output (stdout and stderr, interleaved) in a memfd of its own.
//  - A program built with the csp runtime serves its runs itself: started
//    once per job with CSP_EXPLORE_SERVER set, it forks a child per seed
//    before its start-up work (rt/src/fork_server.cpp), so a run costs a
//    fork, not an exec. A program that does not answer the handshake (no
//    csp runtime in it) is run with one exec per seed instead.
//  - Exit: 66 when a run failed, 0 when all passed, 1 on a usage error (and
//    2 when the explorer itself cannot go on: fork or memfd failed).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace {

constexpr int kExitFound = 66;
constexpr int kExitUsage = 1;
constexpr int kExitBroken = 2;

struct Options {
  uint64_t runs = 1000;
  std::string strategy = "pct";
  uint64_t seed = 1;
  int depth = 3;
  bool depth_given = false;
  int jobs = 0;
  uint64_t shard_index = 1, shard_count = 1;  // 1-based: I of K
  double timeout_s = 10;
  bool keep_going = false;
  std::vector<std::string> argv;  // PROG ARGS...
};

const char kUsage[] =
    "usage: chansan-explore [--runs N] [--strategy random|pct] [--seed S] [--depth D]\n"
    "                       [--jobs J] [--shard I/K] [--timeout SEC] [--keep-going] -- PROG [ARGS...]\n"
    "Runs PROG under CSP_SCHEDULE=<strategy>:<seed>[:<depth>] for seeds S, S+1, ... (default: 1000\n"
    "runs, pct, seed 1, depth 3, one job per core, 10 s per run). A run fails when it exits\n"
    "non-zero, reports anything, panics, crashes or times out. Exit: 66 a run failed, 0 all\n"
    "passed, 1 usage error. --shard I/K (1 <= I <= K) takes every K-th seed from the I-th.\n";

[[noreturn]] void usage_error(const std::string& why) {
  std::fprintf(stderr, "chansan-explore: %s\n%s", why.c_str(), kUsage);
  std::exit(kExitUsage);
}

bool parse_u64(const std::string& s, uint64_t& out) {
  if (s.empty() || s.size() > 20) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

Options parse_args(int argc, char** argv) {
  Options o;
  int i = 1;
  auto value = [&](const std::string& flag, std::string& inline_value, bool has_inline) -> std::string {
    if (has_inline) return inline_value;
    if (i + 1 >= argc) usage_error(flag + " needs a value");
    return argv[++i];
  };
  for (; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--") {
      i++;
      break;
    }
    if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    std::string flag = a, inline_value;
    bool has_inline = false;
    if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
      flag = a.substr(0, eq);
      inline_value = a.substr(eq + 1);
      has_inline = true;
    }
    if (flag == "--runs") {
      std::string v = value(flag, inline_value, has_inline);
      if (!parse_u64(v, o.runs) || o.runs == 0) usage_error("bad --runs \"" + v + "\": want a positive integer");
    } else if (flag == "--strategy") {
      o.strategy = value(flag, inline_value, has_inline);
      if (o.strategy != "random" && o.strategy != "pct")
        usage_error("bad --strategy \"" + o.strategy + "\": want random or pct");
    } else if (flag == "--seed") {
      std::string v = value(flag, inline_value, has_inline);
      if (!parse_u64(v, o.seed)) usage_error("bad --seed \"" + v + "\": want an unsigned integer");
    } else if (flag == "--depth") {
      std::string v = value(flag, inline_value, has_inline);
      uint64_t d;
      if (!parse_u64(v, d) || d < 1 || d > 64) usage_error("bad --depth \"" + v + "\": want 1 to 64");
      o.depth = static_cast<int>(d);
      o.depth_given = true;
    } else if (flag == "--jobs" || flag == "-j") {
      std::string v = value(flag, inline_value, has_inline);
      uint64_t j;
      if (!parse_u64(v, j) || j < 1 || j > 4096) usage_error("bad --jobs \"" + v + "\": want 1 to 4096");
      o.jobs = static_cast<int>(j);
    } else if (flag == "--shard") {
      std::string v = value(flag, inline_value, has_inline);
      auto slash = v.find('/');
      if (slash == std::string::npos || !parse_u64(v.substr(0, slash), o.shard_index) ||
          !parse_u64(v.substr(slash + 1), o.shard_count) || o.shard_count < 1 || o.shard_index < 1 ||
          o.shard_index > o.shard_count)
        usage_error("bad --shard \"" + v + "\": want I/K with 1 <= I <= K");
    } else if (flag == "--timeout") {
      std::string v = value(flag, inline_value, has_inline);
      char* end = nullptr;
      errno = 0;
      double t = std::strtod(v.c_str(), &end);
      if (v.empty() || *end || errno || !(t > 0) || t > 1e6)
        usage_error("bad --timeout \"" + v + "\": want a positive number of seconds");
      o.timeout_s = t;
    } else if (flag == "--keep-going") {
      if (has_inline) usage_error("--keep-going takes no value");
      o.keep_going = true;
    } else {
      usage_error(a.rfind("-", 0) == 0 ? "unknown option " + a : "the program goes after --: " + a);
    }
  }
  for (; i < argc; i++) o.argv.push_back(argv[i]);
  if (o.argv.empty()) usage_error("no program to explore (put it after --)");
  if (o.depth_given && o.strategy != "pct") usage_error("--depth is for --strategy pct");
  if (o.jobs == 0) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    o.jobs = n > 0 ? static_cast<int>(n) : 1;
  }
  return o;
}

std::string schedule_of(const Options& o, uint64_t seed) {
  std::string s = o.strategy + ":" + std::to_string(seed);
  if (o.strategy == "pct") s += ":" + std::to_string(o.depth);
  return s;
}

std::string shell_quote(const std::string& s) {
  bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("@%+=:,./-_", c);
  });
  if (plain) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

double now_s() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Run {
  pid_t pid = -1;
  uint64_t seed = 0;
  uint64_t index = 0;  // position in this shard's sequence
  int out_fd = -1;
  double deadline = 0;
  bool timed_out = false;
  bool killed = false;  // by us, after another run failed: not a finding
  bool active = false;  // fork-server mode: a run is in flight
};

struct Finding {
  uint64_t seed;
  uint64_t runs_done;  // runs of this shard up to and including its seed
  std::string kind;    // "data race", "panic", "timeout", "exit status 3", ...
  std::string key;     // what makes two findings the same
  std::string output;
  uint64_t count = 1;
};

std::string read_all(int fd) {
  std::string out;
  lseek(fd, 0, SEEK_SET);
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

std::vector<std::string> lines_starting(const std::string& out, const char* prefix) {
  std::vector<std::string> found;
  std::size_t plen = std::strlen(prefix);
  for (std::size_t pos = 0; pos < out.size();) {
    std::size_t eol = out.find('\n', pos);
    if (eol == std::string::npos) eol = out.size();
    if (out.compare(pos, plen, prefix) == 0) found.push_back(out.substr(pos, eol - pos));
    pos = eol + 1;
  }
  return found;
}

// What failed in a finished run, or "" if it passed.
std::string classify(const Run& r, int status, const std::string& out, std::string& key) {
  std::vector<std::string> summaries = lines_starting(out, "SUMMARY: ");
  std::vector<std::string> panics = lines_starting(out, "panic: ");
  std::vector<std::string> fatals = lines_starting(out, "fatal error: ");
  std::vector<std::string> warnings = lines_starting(out, "WARNING: ");
  std::string kind;
  if (!summaries.empty()) {
    // "SUMMARY: chansan: data race file:line in f" -> "data race"
    const std::string& s = summaries.front();
    std::size_t start = s.find(": ", 9);
    start = start == std::string::npos ? 9 : start + 2;
    std::size_t end = s.size();
    for (const char* k : {"data race", "deadlock", "lock-order inversion", "goroutine leak"})
      if (s.compare(start, std::strlen(k), k) == 0) end = start + std::strlen(k);
    if (end == s.size()) end = s.find(' ', start) == std::string::npos ? s.size() : s.find(' ', start);
    kind = s.substr(start, end - start);
    for (const auto& x : summaries) key += x + "\n";
  } else if (!panics.empty()) {
    kind = "panic";
    key = panics.front();
  } else if (!fatals.empty()) {
    kind = "fatal error";
    key = fatals.front();
  } else if (!warnings.empty()) {
    kind = warnings.front().substr(9);
    key = warnings.front();
  }
  if (r.timed_out) {
    kind = "timeout";
    key = "timeout";
  } else if (kind.empty() && WIFSIGNALED(status)) {
    kind = std::string("signal ") + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
    key = kind;
  } else if (kind.empty() && WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    kind = "exit status " + std::to_string(WEXITSTATUS(status));
    key = kind;
  }
  return kind;
}

// In a forked child: runs PROG ARGS with the signal mask the explorer had
// before it blocked SIGCHLD.
[[noreturn]] void exec_program(const Options& o) {
  std::vector<char*> args;
  for (const auto& a : o.argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  execvp(args[0], args.data());
  std::fprintf(stderr, "chansan-explore: cannot run %s: %s\n", args[0], std::strerror(errno));
  _exit(127);
}

pid_t launch(const Options& o, uint64_t seed, int out_fd) {
  std::string schedule = "CSP_SCHEDULE=" + schedule_of(o, seed);
  pid_t pid = fork();
  if (pid != 0) return pid;
  setpgid(0, 0);
  dup2(out_fd, 1);
  dup2(out_fd, 2);
  close(out_fd);
  putenv(const_cast<char*>(schedule.c_str()));
  exec_program(o);
}

void kill_run(Run& r) {
  kill(-r.pid, SIGKILL);
  kill(r.pid, SIGKILL);
}


// The fork servers' side: one server process per job.
struct Server {
  pid_t pid = -1;
  int sock = -1;
  Run run;
};

bool send_run(int sock, const std::string& schedule, int out_fd) {
  iovec iov{const_cast<char*>(schedule.data()), schedule.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr m{};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = control;
  m.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &out_fd, sizeof(int));
  ssize_t r;
  do r = sendmsg(sock, &m, MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  return r == static_cast<ssize_t>(schedule.size());
}

// A reply {kind, value}; false when the server is gone.
bool read_reply(int sock, int32_t& kind, int32_t& value) {
  int32_t msg[2];
  ssize_t r;
  do r = recv(sock, msg, sizeof msg, 0);
  while (r < 0 && errno == EINTR);
  if (r != static_cast<ssize_t>(sizeof msg)) return false;
  kind = msg[0];
  value = msg[1];
  return true;
}

bool wait_readable(int fd, double seconds) {
  pollfd p{fd, POLLIN, 0};
  int r;
  do r = poll(&p, 1, static_cast<int>(seconds * 1000));
  while (r < 0 && errno == EINTR);
  return r > 0;
}

// Starts a fork server for PROG ARGS; false if the program does not serve.
bool start_server(const Options& o, Server& s) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return false;
  pid_t pid = fork();
  if (pid == 0) {
    int fd = fcntl(sv[1], F_DUPFD, 3);  // without CLOEXEC: the program gets it
    std::string env = "CSP_EXPLORE_SERVER=" + std::to_string(fd);
    putenv(const_cast<char*>(env.c_str()));
    unsetenv("CSP_SCHEDULE");
    // Resolve every symbol once in the server, not lazily in each child.
    setenv("LD_BIND_NOW", "1", 0);
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    exec_program(o);
  }
  close(sv[1]);
  if (pid < 0) {
    close(sv[0]);
    return false;
  }
  s.pid = pid;
  s.sock = sv[0];
  char hello[8] = {};
  if (wait_readable(s.sock, 3) && recv(s.sock, hello, sizeof hello, 0) == 5 && std::memcmp(hello, "hello", 5) == 0)
    return true;
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  close(s.sock);
  s.sock = -1;
  return false;
}

void stop_server(Server& s) {
  if (s.sock >= 0) close(s.sock);  // end of input: it exits
  if (s.pid > 0) {
    kill(s.pid, SIGKILL);
    waitpid(s.pid, nullptr, 0);
  }
  s.sock = -1;
  s.pid = -1;
}

// The seeds, the findings and the rule for which failure is reported.
class Exploration {
 public:
  explicit Exploration(const Options& o) : o_(o) {
    // This shard's seeds: the I-th, (I+K)-th, ... of S, S+1, ..., S+N-1.
    for (uint64_t i = o.shard_index - 1; i < o.runs; i += o.shard_count) seeds_.push_back(o.seed + i);
    start_ = now_s();
  }

  bool more() const { return next_ < seeds_.size() && (o_.keep_going || !have_failure_); }
  Run take() {
    Run r;
    r.seed = seeds_[next_];
    r.index = next_++;
    r.deadline = now_s() + o_.timeout_s;
    return r;
  }
  void give_back(const Run& r) { retry_.push_back(r); }
  bool has_retry() const { return !retry_.empty(); }
  Run take_retry() {
    Run r = retry_.back();
    retry_.pop_back();
    r.deadline = now_s() + o_.timeout_s;
    return r;
  }

  // A run ended; returns true if runs with a higher index should be killed.
  bool finished(const Run& r, int status, const std::string& out) {
    if (r.killed) return false;
    done_++;
    std::string key;
    std::string kind = classify(r, status, out, key);
    if (kind.empty()) return false;
    if (o_.keep_going) {
      auto [pos, fresh] = by_key_.emplace(key, findings_.size());
      if (fresh) {
        findings_.push_back({r.seed, r.index + 1, kind, key, out, 1});
      } else {
        Finding& f = findings_[pos->second];
        f.count++;
        if (r.seed < f.seed) {  // report each finding at its lowest seed
          f.seed = r.seed;
          f.runs_done = r.index + 1;
          f.output = out;
        }
      }
      return false;
    }
    if (r.index >= first_index_) return false;
    first_index_ = r.index;
    first_ = {r.seed, r.index + 1, kind, key, out, 1};
    have_failure_ = true;
    return true;
  }
  uint64_t first_index() const { return first_index_; }

  int report(const char* mode) {
    double elapsed = std::max(now_s() - start_, 1e-9);
    double rate = static_cast<double>(done_) / elapsed;
    std::string prog;
    for (const auto& a : o_.argv) prog += " " + shell_quote(a);
    auto print_finding = [&](const Finding& f) {
      std::fwrite(f.output.data(), 1, f.output.size(), stdout);
      if (!f.output.empty() && f.output.back() != '\n') std::fputc('\n', stdout);
      std::printf("chansan-explore: %s at seed %llu after %llu runs\n", f.kind.c_str(),
                  static_cast<unsigned long long>(f.seed), static_cast<unsigned long long>(f.runs_done));
      std::printf("replay: CSP_SCHEDULE=%s%s\n", schedule_of(o_, f.seed).c_str(), prog.c_str());
    };
    if (o_.keep_going && !findings_.empty()) {
      std::sort(findings_.begin(), findings_.end(),
                [](const Finding& a, const Finding& b) { return a.seed < b.seed; });
      uint64_t failed = 0;
      for (const Finding& f : findings_) {
        print_finding(f);
        failed += f.count;
      }
      std::printf("chansan-explore: %zu distinct finding(s) in %llu of %llu runs (%.0f runs/s, %s)\n",
                  findings_.size(), static_cast<unsigned long long>(failed), static_cast<unsigned long long>(done_),
                  rate, mode);
      std::fflush(stdout);
      return kExitFound;
    }
    if (have_failure_) {
      print_finding(first_);
      std::printf("chansan-explore: %llu runs in %.2f s (%.0f runs/s, %s)\n", static_cast<unsigned long long>(done_),
                  elapsed, rate, mode);
      std::fflush(stdout);
      return kExitFound;
    }
    std::string shard;
    if (o_.shard_count > 1) shard = ", shard " + std::to_string(o_.shard_index) + "/" + std::to_string(o_.shard_count);
    std::printf("chansan-explore: all %llu runs passed (%s, seeds from %llu%s) in %.2f s: %.0f runs/s (%s)\n",
                static_cast<unsigned long long>(done_), o_.strategy.c_str(), static_cast<unsigned long long>(o_.seed),
                shard.c_str(), elapsed, rate, mode);
    return 0;
  }

 private:
  const Options& o_;
  std::vector<uint64_t> seeds_;
  std::vector<Run> retry_;
  std::size_t next_ = 0;
  uint64_t done_ = 0;
  double start_ = 0;
  std::vector<Finding> findings_;  // keep-going: distinct
  std::map<std::string, std::size_t> by_key_;
  bool have_failure_ = false;
  uint64_t first_index_ = UINT64_MAX;
  Finding first_;
};

int new_output_fd() {
  int fd = memfd_create("chansan-explore", MFD_CLOEXEC);
  if (fd < 0) {
    std::fprintf(stderr, "chansan-explore: memfd_create: %s\n", std::strerror(errno));
    std::exit(kExitBroken);
  }
  return fd;
}

// Fork-server mode. Returns false if it had to give up (a server died): the
// rest goes to exec mode, runs in flight handed back.
bool explore_with_servers(const Options& o, Exploration& x, std::vector<Server>& servers) {
  for (;;) {
    for (Server& s : servers) {
      if (s.run.active || !(x.has_retry() || x.more())) continue;
      Run r = x.has_retry() ? x.take_retry() : x.take();
      r.out_fd = new_output_fd();
      r.active = true;
      r.pid = -1;
      s.run = r;
      if (!send_run(s.sock, schedule_of(o, r.seed), r.out_fd)) {
        x.give_back(s.run);
        close(s.run.out_fd);
        return false;
      }
    }
    std::vector<pollfd> fds;
    double earliest = 1e300;
    for (Server& s : servers)
      if (s.run.active) {
        fds.push_back({s.sock, POLLIN, 0});
        earliest = std::min(earliest, s.run.deadline);
      }
    if (fds.empty()) return true;
    double wait = std::max(0.0, earliest - now_s());
    int r;
    do r = poll(fds.data(), fds.size(), static_cast<int>(std::min(wait, 3600.0) * 1000) + 1);
    while (r < 0 && errno == EINTR);
    double t = now_s();
    for (Server& s : servers) {
      Run& run = s.run;
      if (!run.active) continue;
      if (!run.timed_out && !run.killed && t >= run.deadline && run.pid > 0) {
        run.timed_out = true;
        kill_run(run);
      }
      if (!wait_readable(s.sock, 0)) continue;
      int32_t kind, value;
      if (!read_reply(s.sock, kind, value)) {  // the server died
        run.active = false;
        close(run.out_fd);
        if (!run.killed) x.give_back(run);
        for (Server& other : servers)
          if (other.run.active) {
            other.run.active = false;
            if (other.run.pid > 0) kill_run(other.run);
            close(other.run.out_fd);
            if (!other.run.killed) x.give_back(other.run);
          }
        return false;
      }
      if (kind == 1) {
        run.pid = value;
        if (value <= 0) {  // fork failed in the server
          std::fprintf(stderr, "chansan-explore: the fork server could not fork: %s\n", std::strerror(-value));
          std::exit(kExitBroken);
        }
        if (run.killed) kill_run(run);
        continue;
      }
      // kind 2: ended.
      if (run.pid > 0) kill(-run.pid, SIGKILL);  // whatever it left in its group
      run.active = false;
      std::string out = read_all(run.out_fd);
      close(run.out_fd);
      if (x.finished(run, value, out)) {
        for (Server& other : servers)
          if (other.run.active && other.run.index > x.first_index() && !other.run.killed) {
            other.run.killed = true;
            if (other.run.pid > 0) kill_run(other.run);
          }
      }
    }
  }
}

// Exec mode: one process per seed, children of the explorer.
void explore_with_exec(const Options& o, Exploration& x) {
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, nullptr);
  std::vector<Run> running;
  for (;;) {
    while (running.size() < static_cast<std::size_t>(o.jobs) && (x.has_retry() || x.more())) {
      Run r = x.has_retry() ? x.take_retry() : x.take();
      r.out_fd = new_output_fd();
      // The child's copy must survive exec: a dup without CLOEXEC.
      int child_fd = fcntl(r.out_fd, F_DUPFD, 3);
      r.pid = launch(o, r.seed, child_fd);
      close(child_fd);
      if (r.pid < 0) {
        std::fprintf(stderr, "chansan-explore: fork: %s\n", std::strerror(errno));
        std::exit(kExitBroken);
      }
      setpgid(r.pid, r.pid);  // also here: whichever runs first
      running.push_back(r);
    }
    if (running.empty()) return;
    double earliest = running.front().deadline;
    for (const Run& r : running) earliest = std::min(earliest, r.deadline);
    double wait = std::max(0.0, earliest - now_s());
    timespec ts{static_cast<time_t>(wait),
                static_cast<long>((wait - static_cast<double>(static_cast<time_t>(wait))) * 1e9)};
    sigtimedwait(&chld, nullptr, &ts);
    double t = now_s();
    for (Run& r : running)
      if (!r.timed_out && !r.killed && t >= r.deadline) {
        r.timed_out = true;
        kill_run(r);
      }
    for (;;) {
      int status = 0;
      pid_t pid = waitpid(-1, &status, WNOHANG);
      if (pid <= 0) break;
      auto it = std::find_if(running.begin(), running.end(), [&](const Run& r) { return r.pid == pid; });
      if (it == running.end()) continue;
      Run r = *it;
      running.erase(it);
      kill(-r.pid, SIGKILL);  // whatever the run left behind in its group
      std::string out = read_all(r.out_fd);
      close(r.out_fd);
      if (x.finished(r, status, out)) {
        for (Run& other : running)
          if (other.index > x.first_index() && !other.killed) {
            other.killed = true;
            kill_run(other);
          }
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse_args(argc, argv);
  // The program must exist: a typo is a usage error, not 1000 failures.
  {
    const std::string& prog = o.argv[0];
    bool found = false;
    if (prog.find('/') != std::string::npos) {
      found = access(prog.c_str(), X_OK) == 0;
    } else if (const char* path = std::getenv("PATH")) {
      std::string p = path;
      for (std::size_t pos = 0; pos <= p.size();) {
        std::size_t end = p.find(':', pos);
        if (end == std::string::npos) end = p.size();
        std::string dir = p.substr(pos, end - pos);
        if (access(((dir.empty() ? "." : dir) + "/" + prog).c_str(), X_OK) == 0) found = true;
        pos = end + 1;
      }
    }
    if (!found) usage_error("cannot run \"" + prog + "\": no such executable");
  }
  signal(SIGPIPE, SIG_IGN);
  Exploration x(o);
  const char* mode = "exec per run";
  bool use_servers = !std::getenv("CHANSAN_EXPLORE_NO_FORK_SERVER");
  if (use_servers) {
    std::vector<Server> servers(static_cast<std::size_t>(o.jobs));
    for (Server& s : servers)
      if (!start_server(o, s)) use_servers = false;
    if (use_servers) {
      mode = "fork server";
      if (!explore_with_servers(o, x, servers)) mode = "fork server, then exec per run";
    }
    for (Server& s : servers) stop_server(s);
  }
  explore_with_exec(o, x);
  return x.report(mode);
}

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
//  - Exit: 66 when a run failed, 0 when all passed, 1 on a usage error (and
//    2 when the explorer itself cannot go on: fork or memfd failed).
#include <fcntl.h>
#include <signal.h>
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
};

struct Finding {
  uint64_t seed;
  uint64_t runs_done;  // when it was found
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

pid_t launch(const Options& o, uint64_t seed, int out_fd) {
  std::string schedule = "CSP_SCHEDULE=" + schedule_of(o, seed);
  std::vector<char*> args;
  for (const auto& a : o.argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid != 0) return pid;
  setpgid(0, 0);
  dup2(out_fd, 1);
  dup2(out_fd, 2);
  close(out_fd);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  putenv(const_cast<char*>(schedule.c_str()));
  execvp(args[0], args.data());
  std::fprintf(stderr, "chansan-explore: cannot run %s: %s\n", args[0], std::strerror(errno));
  _exit(127);
}

void kill_run(Run& r) {
  kill(-r.pid, SIGKILL);
  kill(r.pid, SIGKILL);
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

  // This shard's seeds: the I-th, (I+K)-th, ... of S, S+1, ..., S+N-1.
  std::vector<uint64_t> seeds;
  for (uint64_t i = o.shard_index - 1; i < o.runs; i += o.shard_count) seeds.push_back(o.seed + i);

  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, nullptr);

  std::vector<Run> running;
  std::vector<Finding> findings;            // keep-going: distinct, in seed order of first sight
  std::map<std::string, std::size_t> by_key;
  bool have_failure = false;
  uint64_t first_failure_index = UINT64_MAX;
  Finding first;
  uint64_t done = 0, next = 0;
  double start = now_s();

  while (next < seeds.size() || !running.empty()) {
    // Launch while there is room, unless a failure stops new seeds.
    while (running.size() < static_cast<std::size_t>(o.jobs) && next < seeds.size() &&
           (o.keep_going || !have_failure)) {
      int fd = memfd_create("chansan-explore", MFD_CLOEXEC);
      if (fd < 0) {
        std::fprintf(stderr, "chansan-explore: memfd_create: %s\n", std::strerror(errno));
        return kExitBroken;
      }
      Run r;
      r.seed = seeds[next];
      r.index = next;
      r.out_fd = fd;
      // The child's copy must survive exec: clear CLOEXEC on a dup.
      int child_fd = fcntl(fd, F_DUPFD, 3);
      r.pid = launch(o, r.seed, child_fd);
      close(child_fd);
      if (r.pid < 0) {
        std::fprintf(stderr, "chansan-explore: fork: %s\n", std::strerror(errno));
        return kExitBroken;
      }
      setpgid(r.pid, r.pid);  // also here: whichever runs first
      r.deadline = now_s() + o.timeout_s;
      running.push_back(r);
      next++;
    }
    if (running.empty()) break;

    // Wait for a child, or the earliest deadline.
    double earliest = running.front().deadline;
    for (const Run& r : running) earliest = std::min(earliest, r.deadline);
    double wait = std::max(0.0, earliest - now_s());
    timespec ts{static_cast<time_t>(wait), static_cast<long>((wait - static_cast<double>(static_cast<time_t>(wait))) * 1e9)};
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
      if (r.killed) continue;
      done++;
      std::string key;
      std::string kind = classify(r, status, out, key);
      if (kind.empty()) continue;
      if (o.keep_going) {
        auto [pos, fresh] = by_key.emplace(key, findings.size());
        if (fresh) {
          findings.push_back({r.seed, done, kind, key, out, 1});
        } else {
          Finding& f = findings[pos->second];
          f.count++;
          if (r.seed < f.seed) {  // report each finding at its lowest seed
            f.seed = r.seed;
            f.output = out;
          }
        }
        continue;
      }
      if (r.index < first_failure_index) {
        first_failure_index = r.index;
        first = {r.seed, done, kind, key, out, 1};
        have_failure = true;
        // Later seeds cannot be the lowest failure any more.
        for (Run& other : running)
          if (other.index > r.index && !other.killed) {
            other.killed = true;
            kill_run(other);
          }
      }
    }
  }

  double elapsed = std::max(now_s() - start, 1e-9);
  double rate = static_cast<double>(done) / elapsed;
  std::string prog;
  for (const auto& a : o.argv) prog += " " + shell_quote(a);

  auto print_finding = [&](const Finding& f) {
    std::fwrite(f.output.data(), 1, f.output.size(), stdout);
    if (!f.output.empty() && f.output.back() != '\n') std::fputc('\n', stdout);
    std::printf("chansan-explore: %s at seed %llu after %llu runs\n", f.kind.c_str(),
                static_cast<unsigned long long>(f.seed), static_cast<unsigned long long>(f.runs_done));
    std::printf("replay: CSP_SCHEDULE=%s%s\n", schedule_of(o, f.seed).c_str(), prog.c_str());
  };

  if (o.keep_going && !findings.empty()) {
    std::sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) { return a.seed < b.seed; });
    for (const Finding& f : findings) print_finding(f);
    uint64_t failed = 0;
    for (const Finding& f : findings) failed += f.count;
    std::printf("chansan-explore: %zu distinct finding(s) in %llu of %llu runs (%.0f runs/s)\n", findings.size(),
                static_cast<unsigned long long>(failed), static_cast<unsigned long long>(done), rate);
    std::fflush(stdout);
    return kExitFound;
  }
  if (have_failure) {
    print_finding(first);
    std::printf("chansan-explore: %llu runs in %.2f s (%.0f runs/s)\n", static_cast<unsigned long long>(done),
                elapsed, rate);
    std::fflush(stdout);
    return kExitFound;
  }
  std::printf("chansan-explore: all %llu runs passed (%s, seeds from %llu%s) in %.2f s: %.0f runs/s\n",
              static_cast<unsigned long long>(done), o.strategy.c_str(), static_cast<unsigned long long>(o.seed),
              o.shard_count > 1 ? (", shard " + std::to_string(o.shard_index) + "/" + std::to_string(o.shard_count)).c_str()
                                : "",
              elapsed, rate);
  return 0;
}

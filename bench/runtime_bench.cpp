// Runtime microbenchmarks, csp version of ../shared/bench/go/runtime/main.go:
// same workloads, same checksums, same output line:
//   impl=csp wl=NAME n=N ns_per_op=X checksum=C rss_kb=R hwm_kb=H [extra]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <csp/csp.hpp>

namespace {

using clk = std::chrono::steady_clock;

long proc_status(const char* key) {
  std::ifstream f("/proc/self/status");
  std::string line;
  std::size_t n = std::strlen(key);
  while (std::getline(f, line))
    if (line.compare(0, n, key) == 0 && line[n] == ':') return std::atol(line.c_str() + n + 1);
  return -1;
}

void report(const char* wl, long n, clk::duration d, long ops, long checksum, const std::string& extra = "") {
  double ns = std::chrono::duration<double, std::nano>(d).count() / double(ops);
  std::printf("impl=csp wl=%s n=%ld ns_per_op=%.1f checksum=%ld rss_kb=%ld hwm_kb=%ld%s\n", wl, n, ns,
              checksum, proc_status("VmRSS"), proc_status("VmHWM"), extra.c_str());
}

void pingpong(long n) {
  auto a = csp::make_chan<long>(), b = csp::make_chan<long>();
  csp::go([=] {
    for (long v : a) b.send(v + 1);
  });
  long sum = 0;
  auto t0 = clk::now();
  for (long i = 0; i < n; i++) {
    a.send(i);
    sum += b.recv();
  }
  auto d = clk::now() - t0;
  a.close();
  report("pingpong", n, d, n, sum);
}

void buffered(const char* wl, long n, long cap, int np, int nc) {
  auto ch = csp::make_chan<long>(cap);
  csp::wait_group pwg, cwg;
  std::vector<long> sums(nc * 8);
  auto t0 = clk::now();
  for (int p = 0; p < np; p++) {
    pwg.add(1);
    csp::go([&, p] {
      long lo = p * n / np, hi = (p + 1) * n / np;
      for (long i = lo; i < hi; i++) ch.send(i);
      pwg.done();
    });
  }
  for (int c = 0; c < nc; c++) {
    cwg.add(1);
    csp::go([&, c] {
      long s = 0;
      for (long v : ch) s += v;
      sums[c * 8] = s;
      cwg.done();
    });
  }
  pwg.wait();
  ch.close();
  cwg.wait();
  auto d = clk::now() - t0;
  long sum = 0;
  for (int c = 0; c < nc; c++) sum += sums[c * 8];
  report(wl, n, d, n, sum, " cap=" + std::to_string(cap));
}

void spawn(long n) {
  csp::wait_group wg;
  std::atomic<long> sum{0};
  auto t0 = clk::now();
  wg.add(static_cast<int>(n));
  for (long i = 0; i < n; i++)
    csp::go([&, i] {
      sum.fetch_add(i);
      wg.done();
    });
  wg.wait();
  report("spawn", n, clk::now() - t0, n, sum.load());
}

void park(long n) {
  auto ch = csp::make_chan<csp::unit>();
  csp::wait_group ready, done;
  std::atomic<long> sum{0};
  long rss0 = proc_status("VmRSS");
  auto t0 = clk::now();
  ready.add(static_cast<int>(n));
  done.add(static_cast<int>(n));
  for (long i = 0; i < n; i++)
    csp::go([&, i] {
      ready.done();
      ch.recv();
      sum.fetch_add(i);
      done.done();
    });
  ready.wait();
  auto t_ready = clk::now();
  csp::sleep(std::chrono::milliseconds(20));
  long rss1 = proc_status("VmRSS");
  int live = csp::num_goroutines();
  auto t_wake = clk::now();
  ch.close();
  done.wait();
  auto d = (clk::now() - t0) - (t_wake - t_ready);
  char extra[200];
  std::snprintf(extra, sizeof extra, " parked=%ld live_at_peak=%d rss_delta_kb=%ld bytes_per_parked=%.0f", n, live,
                rss1 - rss0, double(rss1 - rss0) * 1024 / double(n));
  report("park", n, d, n, sum.load(), extra);
}

void select_bench(long n, long cap) {
  std::vector<csp::chan<long>> cs;
  for (int i = 0; i < 4; i++) cs.push_back(csp::make_chan<long>(cap));
  for (int s = 0; s < 4; s++)
    csp::go([c = cs[s], s, n] {
      for (long i = s * n / 4; i < (s + 1) * n / 4; i++) c.send(i);
    });
  long sum = 0;
  int hits[4] = {};
  auto t0 = clk::now();
  for (long i = 0; i < n; i++) {
    csp::select(csp::on_recv(cs[0], [&](long v) { sum += v, hits[0]++; }),
                csp::on_recv(cs[1], [&](long v) { sum += v, hits[1]++; }),
                csp::on_recv(cs[2], [&](long v) { sum += v, hits[2]++; }),
                csp::on_recv(cs[3], [&](long v) { sum += v, hits[3]++; }));
  }
  report("select", n, clk::now() - t0, n, sum, " cap=" + std::to_string(cap));
}

long job(long x) {
  uint32_t h = static_cast<uint32_t>(x);
  for (int k = 0; k < 8; k++) h = h * 2654435761u + 1;
  return long(h >> 16);
}

void worker_pool(long n, long cap) {
  auto jobs = csp::make_chan<long>(cap), results = csp::make_chan<long>(cap);
  csp::wait_group wg;
  auto t0 = clk::now();
  for (int w = 0; w < 8; w++) {
    wg.add(1);
    csp::go([&] {
      for (long j : jobs) results.send(job(j));
      wg.done();
    });
  }
  csp::go([=] {
    for (long i = 0; i < n; i++) jobs.send(i);
    jobs.close();
  });
  csp::go([&] {
    wg.wait();
    results.close();
  });
  long sum = 0;
  for (long r : results) sum += r;
  report("workerpool", n, clk::now() - t0, n, sum, " cap=" + std::to_string(cap));
}

void mutex_bench(long n) {
  csp::mutex mu;
  long counter = 0;
  csp::wait_group wg;
  auto t0 = clk::now();
  for (int g = 0; g < 8; g++) {
    wg.add(1);
    csp::go([&] {
      for (long i = 0; i < n; i++) {
        mu.lock();
        counter++;
        mu.unlock();
      }
      wg.done();
    });
  }
  wg.wait();
  report("mutex", n, clk::now() - t0, 8 * n, counter);
}

void pipeline(long n, long cap) {
  constexpr int W = 4;
  auto t0 = clk::now();
  auto src = csp::make_chan<long>(cap);
  csp::go([=] {
    for (long i = 0; i < n; i++) src.send(i);
    src.close();
  });
  std::vector<csp::chan<long>> outs;
  for (int w = 0; w < W; w++) {
    outs.push_back(csp::make_chan<long>(cap));
    csp::go([src, out = outs.back()] {
      for (long v : src) out.send((v * v) % 1000003);
      out.close();
    });
  }
  auto merged = csp::make_chan<long>(cap);
  csp::wait_group wg;
  for (int w = 0; w < W; w++) {
    wg.add(1);
    csp::go([&, c = outs[w]] {
      for (long v : c) merged.send(v);
      wg.done();
    });
  }
  csp::go([&] {
    wg.wait();
    merged.close();
  });
  long sum = 0;
  for (long v : merged) sum += v;
  report("pipeline", n, clk::now() - t0, n, sum, " cap=" + std::to_string(cap));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: csp_bench WORKLOAD [N] [CAP]\n");
    return 2;
  }
  std::string wl = argv[1];
  long n = argc > 2 ? std::atol(argv[2]) : -1, cap = argc > 3 ? std::atol(argv[3]) : -1;
  auto def = [](long v, long d) { return v < 0 ? d : v; };
  if (wl == "pingpong") pingpong(def(n, 1000000));
  else if (wl == "spsc") buffered("spsc", def(n, 10000000), def(cap, 128), 1, 1);
  else if (wl == "mpmc") buffered("mpmc", def(n, 10000000), def(cap, 128), 4, 4);
  else if (wl == "spawn") spawn(def(n, 100000));
  else if (wl == "park") park(def(n, 100000));
  else if (wl == "select") select_bench(def(n, 1000000), def(cap, 0));
  else if (wl == "workerpool") worker_pool(def(n, 1000000), def(cap, 128));
  else if (wl == "mutex") mutex_bench(def(n, 1000000));
  else if (wl == "pipeline") pipeline(def(n, 1000000), def(cap, 128));
  else {
    std::fprintf(stderr, "unknown workload %s\n", wl.c_str());
    return 2;
  }
}

// A fan-out/fan-in pipeline: a generator, four squaring workers reading
// from one channel, and a merger that closes the output when all are done.
#include <csp/csp.hpp>
#include <cstdio>
#include <memory>
#include <vector>

csp::chan<int> generate(int n) {
  auto out = csp::make_chan<int>(16);
  csp::go([=] {
    for (int i = 1; i <= n; i++) out.send(i);
    out.close();
  });
  return out;
}

csp::chan<long> square(csp::chan<int> in) {
  auto out = csp::make_chan<long>(16);
  csp::go([=] {
    for (int v : in) out.send(long(v) * v);
    out.close();
  });
  return out;
}

csp::chan<long> merge(const std::vector<csp::chan<long>>& ins) {
  auto out = csp::make_chan<long>(16);
  auto wg = std::make_shared<csp::wait_group>();
  wg->add(static_cast<int>(ins.size()));
  for (auto in : ins)
    csp::go([=] {
      for (long v : in) out.send(v);
      wg->done();
    });
  csp::go([=] {
    wg->wait();
    out.close();
  });
  return out;
}

int main() {
  auto src = generate(1000);
  std::vector<csp::chan<long>> squares;
  for (int w = 0; w < 4; w++) squares.push_back(square(src));  // fan-out
  long sum = 0;
  for (long v : merge(squares)) sum += v;  // fan-in
  std::printf("sum of squares 1..1000 = %ld\n", sum);
}

// Seam-level figures for any backend, W1-W3 of the peer baseline
// (docs/benchmarks.md, "Workloads" and "The peer's figures"), through the registry:
//
//   backend_bench BACKEND [key=value ...]      backend_config keys, e.g.
//   backend_bench nats servers=nats://127.0.0.1:4222
//   backend_bench sqlite db_path=/tmp/b.db
//
// W1-conc  32 threads post 10,000 × 200 B to one fresh topic through one
//          backend instance (the gateway's shape: many sessions, one
//          connection); posts/s.
// W2       catch-up of those 10,000 in pages of 100 from the empty cursor.
// W3       push latency: a subscriber in a forked process, 2,000 posts at
//          200/s from this one; receive time minus the CLOCK_MONOTONIC stamp
//          in the body.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.hpp"
#include "src/seam/registry.hpp"

namespace {

using clock_type = std::chrono::steady_clock;
using parley::bench::now_ns;
using parley::bench::percentile;



std::string body(const std::string& prefix) {
  std::string b = prefix;
  b.resize(std::max<std::size_t>(200, b.size()), 'x');
  return b;
}

struct options {
  std::string backend;
  parley::config::value cfg = parley::config::value::map();
};

std::unique_ptr<parley::backend> open(const options& o) {
  auto b = parley::backend_registry::instance().create(o.backend);
  if (!b) {
    std::fprintf(stderr, "%s\n", b.error().message.c_str());
    std::exit(2);
  }
  if (auto r = (*b)->connect(o.cfg); !r) {
    std::fprintf(stderr, "connect: %s\n", r.error().message.c_str());
    std::exit(2);
  }
  return std::move(*b);
}

void w1_w2(const options& o, const std::string& topic) {
  auto b = open(o);
  auto start = b->fetch_recent({topic, std::nullopt, 1, {}});
  const parley::cursor empty = start ? start->next_cursor : parley::cursor{"0"};
  constexpr int total = 10000;
  constexpr int threads = 32;
  std::atomic<int> next{0};
  std::atomic<int> failures{0};
  std::vector<std::vector<double>> lat(threads);
  const auto t0 = clock_type::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      const std::string handle = "w" + std::to_string(t);
      while (next++ < total) {
        const auto s = clock_type::now();
        if (!b->post({topic, handle, body(""), std::nullopt})) ++failures;
        lat[static_cast<std::size_t>(t)].push_back(std::chrono::duration<double, std::milli>(clock_type::now() - s).count());
      }
    });
  for (auto& th : pool) th.join();
  const double secs = std::chrono::duration<double>(clock_type::now() - t0).count();
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  std::printf("W1-conc  32 posters, one instance:  %8.0f posts/s   p50 %.3f ms   p99 %.3f ms   failures %d\n",
              total / secs, percentile(all, 0.5), percentile(all, 0.99), failures.load());

  parley::fetch_request req;
  req.topic = topic;
  req.since = empty;
  req.limit = 100;
  int got = 0;
  int pages = 0;
  const auto c0 = clock_type::now();
  for (;;) {
    auto p = b->fetch_recent(req);
    if (!p) {
      std::fprintf(stderr, "fetch: %s\n", p.error().message.c_str());
      break;
    }
    ++pages;
    if (p->messages.empty()) break;
    got += static_cast<int>(p->messages.size());
    req.since = p->next_cursor;
  }
  const double csecs = std::chrono::duration<double>(clock_type::now() - c0).count();
  std::printf("W2       catch-up, pages of 100:     %8.0f msgs/s   %d messages in %d pages, %.1f ms\n", got / csecs, got,
              pages, csecs * 1000);
  b->disconnect();
}

class latency_sink final : public parley::subscription_sink {
 public:
  void on_message(parley::message m) override {
    const std::int64_t t = now_ns();
    if (m.content.empty() || m.content.front() != 'T') {
      std::lock_guard lock(mu_);
      probes_++;
      cv_.notify_all();
      return;
    }
    const std::int64_t sent = std::atoll(m.content.c_str() + 1);
    std::lock_guard lock(mu_);
    lat_.push_back(static_cast<double>(t - sent) / 1e6);
    cv_.notify_all();
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<double> lat_;
  int probes_ = 0;
};

void w3(const options& o, const std::string& topic) {
  constexpr int total = 2000;
  int ready[2];
  int result[2];
  if (pipe(ready) != 0 || pipe(result) != 0) return;
  const pid_t pid = fork();
  if (pid == 0) {
    auto b = open(o);
    latency_sink sink;
    auto sub = b->subscribe(topic, sink);
    if (!sub) _exit(3);
    char one = 1;
    if (write(ready[1], &one, 1) != 1) _exit(4);
    std::unique_lock lock(sink.mu_);
    sink.cv_.wait_for(lock, std::chrono::seconds(30), [&] { return sink.lat_.size() >= total; });
    double stats[5] = {static_cast<double>(sink.lat_.size()), percentile(sink.lat_, 0.5), percentile(sink.lat_, 0.9),
                       percentile(sink.lat_, 0.99), percentile(sink.lat_, 1.0)};
    lock.unlock();
    if (write(result[1], stats, sizeof stats) != sizeof stats) _exit(5);
    sub->reset();
    b->disconnect();
    _exit(0);
  }
  char one = 0;
  if (read(ready[0], &one, 1) != 1) return;
  auto b = open(o);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto t0 = clock_type::now();
  for (int i = 0; i < total; ++i) {
    std::this_thread::sleep_until(t0 + std::chrono::microseconds(5000) * i);
    (void)b->post({topic, "poster", body("T" + std::to_string(now_ns()) + "|" + std::to_string(i) + "|"), std::nullopt});
  }
  double stats[5] = {};
  if (read(result[0], stats, sizeof stats) != sizeof stats) std::fprintf(stderr, "subscriber failed\n");
  int status = 0;
  waitpid(pid, &status, 0);
  std::printf("W3       push, other process, 200/s:  p50 %.3f ms   p90 %.3f ms   p99 %.3f ms   max %.3f ms   (%0.f of %d)\n",
              stats[1], stats[2], stats[3], stats[4], stats[0], total);
  b->disconnect();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s BACKEND [key=value ...]\n", argv[0]);
    return 2;
  }
  options o;
  o.backend = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string kv = argv[i];
    auto eq = kv.find('=');
    if (eq == std::string::npos) return 2;
    o.cfg.set(kv.substr(0, eq), parley::config::value::scalar(kv.substr(eq + 1)));
  }
  std::random_device rd;
  const std::string run = std::to_string(rd() % 1000000);
  std::printf("backend %s\n", o.backend.c_str());
  w1_w2(o, "bench-w1-" + run);
  w3(o, "bench-w3-" + run);
  return 0;
}

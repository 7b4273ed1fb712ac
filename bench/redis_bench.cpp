// Figures for the Redis backend, comparable with docs/benchmarks.md ("The floor", the Redis rows)
// and the original's figures there ("The peer's figures"):
//
//   redis_bench push-latency [URL]   W3: post in this process → on_message in
//                                    a forked subscriber process (its own
//                                    backend instance), 2,000 × 200 B at 200/s,
//                                    open loop; p50/p99 of post start → sink
//   redis_bench post-rate [URL]      W1-conc: 10,000 × 200 B posts by 32
//                                    threads through ONE backend instance (the
//                                    gateway's shape: every session shares one
//                                    backend_connection), then the same with 32
//                                    instances, and 1 thread for reference
//   redis_bench all [URL]            both
//
// URL defaults to $PARLEY_REDIS_URL. Keys live under a random
// `parleybench:<hex>:` prefix, deleted afterwards. Figures only, no
// assertions: the numbers depend on the machine and on the server's
// persistence settings (scripts/test-services.sh runs appendfsync always).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.hpp"
#include "backends/redis/redis_backend.hpp"
#include "backends/redis/redis_connection.hpp"

namespace {

using parley::redis::redis_backend;
using parley::redis::redis_config;
using clock_type = std::chrono::steady_clock;

constexpr std::size_t body_bytes = 200;

using parley::bench::now_ns;

double ms(std::int64_t ns) {
  return static_cast<double>(ns) / 1e6;
}

std::int64_t percentile(std::vector<std::int64_t> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto idx = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(idx, v.size() - 1)];
}

std::string random_prefix() {
  std::random_device rd;
  char buf[32];
  std::snprintf(buf, sizeof buf, "parleybench:%08x%08x:", rd(), rd());
  return buf;
}

/// `T<ns>|<seq>|xxxx…`, 200 bytes, as the probes of docs/benchmarks.md ("Workloads").
std::string stamped_body(std::int64_t t, int seq) {
  std::string body = "T" + std::to_string(t) + "|" + std::to_string(seq) + "|";
  body.resize(body_bytes, 'x');
  return body;
}

std::unique_ptr<redis_backend> connect(const redis_config& cfg) {
  auto b = std::make_unique<redis_backend>();
  if (auto r = b->connect(cfg); !r) {
    std::fprintf(stderr, "connect failed: %s\n", r.error().message.c_str());
    std::exit(1);
  }
  return b;
}

void cleanup(const redis_config& cfg) {
  auto c = parley::redis::connection::open(cfg.server, std::chrono::milliseconds(5000));
  if (!c) return;
  for (const char* topic : {"lat", "warm", "rate-1", "rate-32", "rate-32i"})
    (void)c->command({"UNLINK", cfg.key_prefix + topic});
}

bool read_all(int fd, void* buf, std::size_t n) {
  auto* p = static_cast<char*>(buf);
  while (n > 0) {
    const ssize_t r = ::read(fd, p, n);
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

bool write_all(int fd, const void* buf, std::size_t n) {
  const auto* p = static_cast<const char*>(buf);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

/// The subscriber process: its own backend, one subscription, latency per
/// message computed in the sink (the moment the backend hands it over).
class latency_sink final : public parley::subscription_sink {
 public:
  explicit latency_sink(int total) : lat_(static_cast<std::size_t>(total), -1) {}
  void on_message(parley::message msg) override {
    const std::int64_t now = now_ns();
    if (msg.content.size() < 2 || msg.content[0] != 'T') return;
    const auto bar = msg.content.find('|');
    const auto bar2 = msg.content.find('|', bar + 1);
    const std::int64_t t = std::stoll(msg.content.substr(1, bar - 1));
    const int seq = std::stoi(msg.content.substr(bar + 1, bar2 - bar - 1));
    if (seq >= 0 && static_cast<std::size_t>(seq) < lat_.size())
      lat_[static_cast<std::size_t>(seq)] = now - t;
    if (++received_ == static_cast<int>(lat_.size())) done_ = true;
  }
  std::vector<std::int64_t> lat_;
  std::atomic<int> received_{0};
  std::atomic<bool> done_{false};
};

[[noreturn]] void subscriber_process(const redis_config& cfg, int total, int ready_fd,
                                     int result_fd) {
  latency_sink sink(total);
  {
    auto b = connect(cfg);
    auto sub = b->subscribe("lat", sink);
    if (!sub) ::_exit(3);
    const char ok = 'r';
    if (!write_all(ready_fd, &ok, 1)) ::_exit(4);
    const auto deadline = clock_type::now() + std::chrono::seconds(60);
    while (!sink.done_ && clock_type::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    (*sub)->cancel();
    b->disconnect();
  }
  const int received = sink.received_;
  (void)write_all(result_fd, &received, sizeof received);
  (void)write_all(result_fd, sink.lat_.data(), sink.lat_.size() * sizeof(std::int64_t));
  ::_exit(0);
}

int push_latency(const redis_config& cfg) {
  constexpr int total = 2000;
  constexpr auto period = std::chrono::microseconds(5000);  // 200/s
  int ready[2];
  int results[2];
  if (::pipe(ready) != 0 || ::pipe(results) != 0) return 1;
  // Fork before this process starts any thread.
  const pid_t pid = ::fork();
  if (pid < 0) return 1;
  if (pid == 0) {
    ::close(ready[0]);
    ::close(results[0]);
    subscriber_process(cfg, total, ready[1], results[1]);
  }
  ::close(ready[1]);
  ::close(results[1]);
  char ok = 0;
  if (!read_all(ready[0], &ok, 1)) {
    std::fprintf(stderr, "subscriber did not start\n");
    return 1;
  }
  auto b = connect(cfg);
  for (int i = 0; i < 50; ++i) (void)b->post({"warm", "bench", stamped_body(0, -1), std::nullopt});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  std::vector<std::int64_t> rtt;
  rtt.reserve(total);
  int late = 0;
  int failed = 0;
  const auto t0 = clock_type::now();
  for (int i = 0; i < total; ++i) {
    const auto due = t0 + i * period;
    if (clock_type::now() > due + std::chrono::milliseconds(1)) ++late;
    std::this_thread::sleep_until(due);
    const std::int64_t t = now_ns();
    auto id = b->post({"lat", "bench", stamped_body(t, i), std::nullopt});
    rtt.push_back(now_ns() - t);
    if (!id) ++failed;
  }
  int received = 0;
  std::vector<std::int64_t> lat(total, -1);
  const bool got = read_all(results[0], &received, sizeof received) &&
                   read_all(results[0], lat.data(), lat.size() * sizeof(std::int64_t));
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!got) {
    std::fprintf(stderr, "no results from the subscriber\n");
    return 1;
  }
  std::vector<std::int64_t> valid;
  for (auto v : lat)
    if (v >= 0) valid.push_back(v);
  std::printf(
      "W3 push latency, Redis: post() in this process -> on_message in another process, "
      "%d x %zu B at 200/s\n",
      total, body_bytes);
  std::printf("  received %d of %d   p50 %.3f ms   p90 %.3f ms   p99 %.3f ms   max %.3f ms\n",
              received, total, ms(percentile(valid, 0.50)), ms(percentile(valid, 0.90)),
              ms(percentile(valid, 0.99)), ms(percentile(valid, 1.0)));
  std::printf(
      "  the poster's own post() round trip: p50 %.3f ms   p99 %.3f ms   "
      "(failed %d, pacer >1 ms late %d)\n",
      ms(percentile(rtt, 0.50)), ms(percentile(rtt, 0.99)), failed, late);
  return 0;
}

struct rate_result {
  double posts_per_s = 0;
  std::int64_t p50 = 0;
  std::int64_t p99 = 0;
  int failed = 0;
};

/// `total` posts shared by `threads` threads, through `instances` backend
/// instances (thread t uses instance t % instances).
rate_result post_rate_run(const redis_config& cfg, const std::string& topic, int threads,
                          int instances, int total) {
  std::vector<std::unique_ptr<redis_backend>> backends;
  for (int i = 0; i < instances; ++i) backends.push_back(connect(cfg));
  for (auto& b : backends) (void)b->post({"warm", "bench", stamped_body(0, -1), std::nullopt});
  std::atomic<int> next{0};
  std::atomic<int> failed{0};
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::vector<std::int64_t>> lat(static_cast<std::size_t>(threads));
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      redis_backend& b = *backends[static_cast<std::size_t>(t % instances)];
      auto& mine = lat[static_cast<std::size_t>(t)];
      mine.reserve(static_cast<std::size_t>(total / threads + 1));
      ++ready;
      while (!go) std::this_thread::yield();
      for (int i = next++; i < total; i = next++) {
        const std::int64_t start = now_ns();
        auto id = b.post({topic, "bench", stamped_body(start, i), std::nullopt});
        mine.push_back(now_ns() - start);
        if (!id) ++failed;
      }
    });
  }
  while (ready < threads) std::this_thread::yield();
  const auto start = clock_type::now();
  go = true;
  for (auto& th : pool) th.join();
  const double secs = std::chrono::duration<double>(clock_type::now() - start).count();
  std::vector<std::int64_t> all;
  for (const auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  return {static_cast<double>(total) / secs, percentile(all, 0.5), percentile(all, 0.99),
          failed.load()};
}

int post_rate(const redis_config& cfg) {
  constexpr int total = 10000;
  std::printf("W1 post rate, Redis: %d x %zu B posts, each acknowledged by the server\n", total,
              body_bytes);
  const struct {
    const char* label;
    const char* topic;
    int threads;
    int instances;
  } runs[] = {
      {"32 threads, one backend instance", "rate-32", 32, 1},
      {"32 threads, 32 backend instances", "rate-32i", 32, 32},
      {"1 thread (sequential)", "rate-1", 1, 1},
  };
  for (const auto& r : runs) {
    const auto res = post_rate_run(cfg, r.topic, r.threads, r.instances, total);
    std::printf("  %-34s %8.0f posts/s   post() p50 %.3f ms   p99 %.3f ms   failed %d\n", r.label,
                res.posts_per_s, ms(res.p50), ms(res.p99), res.failed);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s push-latency|post-rate|all [redis://host:port]\n", argv[0]);
    return 2;
  }
  const std::string mode = argv[1];
  const char* env = std::getenv("PARLEY_REDIS_URL");
  const std::string url = argc >= 3 ? argv[2] : env ? env : "redis://127.0.0.1:6379";
  redis_config cfg;
  std::string why;
  auto ep = parley::redis::endpoint::parse(url, why);
  if (!ep) {
    std::fprintf(stderr, "%s\n", why.c_str());
    return 2;
  }
  cfg.server = *ep;
  cfg.key_prefix = random_prefix();
  std::printf("server %s, key prefix %s\n", cfg.server.describe().c_str(), cfg.key_prefix.c_str());
  int rc = 0;
  if (mode == "push-latency") {
    rc = push_latency(cfg);
  } else if (mode == "post-rate") {
    rc = post_rate(cfg);
  } else if (mode == "all") {
    rc = push_latency(cfg);
    std::printf("\n");
    if (rc == 0) rc = post_rate(cfg);
  } else {
    std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
    return 2;
  }
  cleanup(cfg);
  return rc;
}

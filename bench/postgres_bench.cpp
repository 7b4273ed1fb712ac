// Figures for the Postgres backend against a live server ($PARLEY_PG_URL;
// the throwaway cluster of scripts/test-services.sh has fsync on):
//
//   postgres_bench [posters|latency|fanout|all]
//
// posters  32 threads post 200 B messages to one topic through one backend
//          instance for 5 s (group commit); posts/s, post latency, and how
//          many transactions carried them.
// latency  push latency: a subscriber in a forked process (its own backend
//          instance), 2,000 posts at 200/s open loop from this one; receive
//          time minus the CLOCK_MONOTONIC stamp in the body.
// fanout   50 subscriptions on one topic in one process, 2,000 posts at 200/s
//          from a second instance; delivered / expected and latency.
//
// Figures only, no assertions. Each run uses a fresh table, dropped after.
#include <libpq-fe.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.hpp"
#include "backends/postgres/postgres_backend.hpp"

namespace {

using clock_type = std::chrono::steady_clock;
using parley::postgres::postgres_backend;
using parley::postgres::postgres_config;

using parley::bench::now_ns;
using parley::bench::percentile;

std::string body(const std::string& prefix) {
  std::string b = prefix;
  b.resize(std::max<std::size_t>(200, b.size()), 'x');
  return b;
}

std::string url() {
  const char* u = std::getenv("PARLEY_PG_URL");
  if (!u || !*u) {
    std::fprintf(stderr,
                 "PARLEY_PG_URL is not set (scripts/test-services.sh start DIR; source DIR/env)\n");
    std::exit(2);
  }
  return u;
}

std::string fresh_table() {
  std::mt19937_64 rng{std::random_device{}()};
  char buf[32];
  std::snprintf(buf, sizeof buf, "parley_bench_%08llx",
                static_cast<unsigned long long>(rng() & 0xffffffffULL));
  return buf;
}

/// Runs one statement on a connection of its own; the first field of the
/// first row, or "".
std::string sql_value(const std::string& sql) {
  PGconn* c = PQconnectdb(url().c_str());
  std::string out;
  if (PQstatus(c) == CONNECTION_OK) {
    PGresult* r = PQexec(c, sql.c_str());
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0) out = PQgetvalue(r, 0, 0);
    PQclear(r);
  }
  PQfinish(c);
  return out;
}

void drop(const std::string& table) {
  (void)sql_value("SET client_min_messages = warning; DROP TABLE IF EXISTS " + table +
                  " CASCADE; DROP TABLE IF EXISTS " + table + "_senders; DROP FUNCTION IF EXISTS " +
                  table + "_notify() CASCADE");
}

std::unique_ptr<postgres_backend> open(const std::string& table) {
  postgres_config cfg;
  cfg.url = url();
  cfg.url_given = true;
  cfg.table_name = table;
  auto b = std::make_unique<postgres_backend>();
  if (auto r = b->connect(cfg); !r) {
    std::fprintf(stderr, "connect: %s\n", r.error().message.c_str());
    std::exit(2);
  }
  return b;
}

void posters() {
  const std::string table = fresh_table();
  auto b = open(table);
  constexpr int threads = 32;
  constexpr auto duration = std::chrono::seconds(5);
  std::atomic<bool> go{false};
  std::atomic<bool> stop{false};
  std::atomic<long> posted{0};
  std::atomic<long> failed{0};
  std::mutex mu;
  std::vector<double> latencies_us;
  std::vector<std::thread> workers;
  for (int w = 0; w < threads; ++w) {
    workers.emplace_back([&, w] {
      std::vector<double> mine;
      while (!go) std::this_thread::yield();
      for (int i = 0; !stop; ++i) {
        const auto t0 = clock_type::now();
        auto id = b->post({"w1", "w" + std::to_string(w),
                           body("w" + std::to_string(w) + "-" + std::to_string(i)), std::nullopt});
        mine.push_back(std::chrono::duration<double, std::micro>(clock_type::now() - t0).count());
        if (id)
          ++posted;
        else
          ++failed;
      }
      std::lock_guard lock(mu);
      latencies_us.insert(latencies_us.end(), mine.begin(), mine.end());
    });
  }
  const auto start = clock_type::now();
  go = true;
  std::this_thread::sleep_for(duration);
  stop = true;
  for (auto& t : workers) t.join();
  const double secs = std::chrono::duration<double>(clock_type::now() - start).count();
  const std::string txns = sql_value("SELECT count(DISTINCT xmin::text) FROM " + table);
  std::printf("posters: 32 threads, one instance, one topic, fsync %s\n",
              sql_value("SHOW fsync").c_str());
  std::printf("  %ld posts in %.2f s = %.0f posts/s (%ld failed)\n", posted.load(), secs,
              static_cast<double>(posted.load()) / secs, failed.load());
  std::printf("  %s transactions, %.1f posts per commit\n", txns.c_str(),
              txns.empty() ? 0.0 : static_cast<double>(posted.load()) / std::stod(txns));
  std::printf("  post latency p50 %.2f ms, p99 %.2f ms\n", percentile(latencies_us, 0.50) / 1000,
              percentile(latencies_us, 0.99) / 1000);
  b.reset();
  drop(table);
}

/// Stores the latency of each stamped message it receives.
class stamp_sink final : public parley::subscription_sink {
 public:
  void on_message(parley::message m) override {
    const std::int64_t now = now_ns();
    if (m.content.size() < 2 || m.content[0] != 'T') return;
    const std::int64_t sent = std::strtoll(m.content.c_str() + 1, nullptr, 10);
    std::lock_guard lock(mu_);
    latencies_us_.push_back(static_cast<double>(now - sent) / 1000.0);
  }
  std::vector<double> latencies() {
    std::lock_guard lock(mu_);
    return latencies_us_;
  }
  std::size_t count() {
    std::lock_guard lock(mu_);
    return latencies_us_.size();
  }

 private:
  std::mutex mu_;
  std::vector<double> latencies_us_;
};

/// Posts `n` stamped messages at `rate`/s, open loop: message i is due at
/// t0 + i/rate and stamped when actually sent. Returns each post's round
/// trip (the commit latency the push latency contains), in µs.
std::vector<double> paced_posts(parley::backend& b, const std::string& topic, int n, int rate,
                                int& late) {
  const auto t0 = clock_type::now();
  const auto step = std::chrono::nanoseconds(1'000'000'000 / rate);
  std::vector<double> round_trips;
  late = 0;
  for (int i = 0; i < n; ++i) {
    const auto due = t0 + i * step;
    if (clock_type::now() < due)
      std::this_thread::sleep_until(due);
    else if (clock_type::now() - due > std::chrono::milliseconds(1))
      ++late;
    const std::int64_t sent = now_ns();
    (void)b.post({topic, "bench", body("T" + std::to_string(sent) + "|" + std::to_string(i) + "|"),
                  std::nullopt});
    round_trips.push_back(static_cast<double>(now_ns() - sent) / 1000.0);
  }
  return round_trips;
}

void latency() {
  const std::string table = fresh_table();
  constexpr int n = 2000;
  {
    auto creator = open(table);  // the schema exists before the child subscribes
  }
  int ready[2];
  int results[2];
  if (::pipe(ready) != 0 || ::pipe(results) != 0) std::exit(2);
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Subscriber process: its own backend instance.
    ::close(ready[0]);
    ::close(results[0]);
    auto b = open(table);
    stamp_sink sink;
    auto sub = b->subscribe("w3", sink);
    if (!sub) ::_exit(3);
    const char r = 'r';
    (void)!::write(ready[1], &r, 1);
    const auto end = clock_type::now() + std::chrono::seconds(60);
    while (sink.count() < static_cast<std::size_t>(n) && clock_type::now() < end)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    auto l = sink.latencies();
    const std::size_t count = l.size();
    (void)!::write(results[1], &count, sizeof count);
    (void)!::write(results[1], l.data(), count * sizeof(double));
    sub->reset();
    b.reset();
    ::_exit(0);
  }
  ::close(ready[1]);
  ::close(results[1]);
  char r = 0;
  if (::read(ready[0], &r, 1) != 1) {
    std::fprintf(stderr, "subscriber failed to start\n");
    std::exit(2);
  }
  auto b = open(table);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  int late = 0;
  const auto commits = paced_posts(*b, "w3", n, 200, late);
  std::size_t count = 0;
  std::vector<double> l;
  if (::read(results[0], &count, sizeof count) == sizeof count) {
    l.resize(count);
    std::size_t got = 0;
    auto* p = reinterpret_cast<char*>(l.data());
    while (got < count * sizeof(double)) {
      const ssize_t k = ::read(results[0], p + got, count * sizeof(double) - got);
      if (k <= 0) break;
      got += static_cast<std::size_t>(k);
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::printf("latency: subscriber in another process, %d posts at 200/s (%d sent >1 ms late)\n", n,
              late);
  std::printf("  delivered %zu/%d, p50 %.3f ms, p99 %.3f ms, max %.3f ms\n", l.size(), n,
              percentile(l, 0.50) / 1000, percentile(l, 0.99) / 1000, percentile(l, 1.0) / 1000);
  std::printf("  (the post's own round trip, commit included: p50 %.3f ms, p99 %.3f ms)\n",
              percentile(commits, 0.50) / 1000, percentile(commits, 0.99) / 1000);
  b.reset();
  drop(table);
}

void fanout() {
  const std::string table = fresh_table();
  constexpr int n = 2000;
  constexpr int subs = 50;
  auto listener = open(table);
  auto writer = open(table);
  std::vector<std::unique_ptr<stamp_sink>> sinks;
  std::vector<std::unique_ptr<parley::subscription>> handles;
  for (int i = 0; i < subs; ++i) {
    sinks.push_back(std::make_unique<stamp_sink>());
    auto s = listener->subscribe("w4", *sinks.back());
    if (!s) {
      std::fprintf(stderr, "subscribe: %s\n", s.error().message.c_str());
      std::exit(2);
    }
    handles.push_back(std::move(s).value());
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  int late = 0;
  const auto start = clock_type::now();
  const auto commits = paced_posts(*writer, "w4", n, 200, late);
  const double post_secs = std::chrono::duration<double>(clock_type::now() - start).count();
  // Kept pace if everything is in within a second of the last post.
  const auto end = clock_type::now() + std::chrono::seconds(1);
  auto delivered = [&] {
    std::size_t total = 0;
    for (auto& s : sinks) total += s->count();
    return total;
  };
  while (delivered() < static_cast<std::size_t>(n) * subs && clock_type::now() < end)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::vector<double> all;
  for (auto& s : sinks) {
    auto l = s->latencies();
    all.insert(all.end(), l.begin(), l.end());
  }
  std::printf(
      "fanout: %d subscriptions in one process, %d posts at 200/s in %.1f s (%d sent >1 ms late)\n",
      subs, n, post_secs, late);
  std::printf(
      "  delivered %zu/%d within 1 s of the last post; p50 %.3f ms, p99 %.3f ms, max %.3f ms\n",
      all.size(), n * subs, percentile(all, 0.50) / 1000, percentile(all, 0.99) / 1000,
      percentile(all, 1.0) / 1000);
  std::printf("  (the post's own round trip, commit included: p50 %.3f ms, p99 %.3f ms)\n",
              percentile(commits, 0.50) / 1000, percentile(commits, 0.99) / 1000);
  handles.clear();
  listener.reset();
  writer.reset();
  drop(table);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string what = argc > 1 ? argv[1] : "all";
  if (what == "posters" || what == "all") posters();
  if (what == "latency" || what == "all") latency();
  if (what == "fanout" || what == "all") fanout();
  if (what != "posters" && what != "latency" && what != "fanout" && what != "all") {
    std::fprintf(stderr, "usage: postgres_bench [posters|latency|fanout|all]\n");
    return 2;
  }
  return 0;
}

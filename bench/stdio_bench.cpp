// Figures for the stdio channel, comparable with the original's peer
// baseline (docs/benchmarks.md, "The peer's figures"):
//
//   stdio_bench post-rate    PARLEY_BIN   W5: sequential parley_post and
//                                          parley_fetch_recent calls over stdio
//   stdio_bench push-latency PARLEY_BIN   W3: post in this process (SQLite),
//                                          channel event out of a parley stdio
//                                          process, 2,000 posts at 200/s
//   stdio_bench idle-rss     PARLEY_BIN   W6: RSS and CPU of one idle session
//
// The client side is plain C++ on a pipe, so it is not the bottleneck.
#include <signal.h>
#include <simdjson.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.hpp"
#include "src/seam/registry.hpp"

namespace {

using clock_type = std::chrono::steady_clock;
using parley::bench::now_ns;
using parley::bench::percentile;


/// A parley stdio process with pipes to its stdin and stdout.
class child {
 public:
  child(const std::string& bin, const std::string& config, const std::string& state_dir) {
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) std::abort();
    pid_ = fork();
    if (pid_ == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      close(in[1]);
      close(out[0]);
      setenv("XDG_STATE_HOME", state_dir.c_str(), 1);
      execl(bin.c_str(), bin.c_str(), "stdio", "--config", config.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    to_ = in[1];
    from_ = out[0];
  }
  ~child() {
    if (to_ >= 0) close(to_);
    int status = 0;
    waitpid(pid_, &status, 0);
    close(from_);
  }

  void send(const std::string& line) {
    std::string l = line + "\n";
    const char* p = l.data();
    std::size_t n = l.size();
    while (n > 0) {
      ssize_t w = write(to_, p, n);
      if (w <= 0) std::abort();
      p += w;
      n -= static_cast<std::size_t>(w);
    }
  }

  /// The next line from stdout (blocking); empty at end of file.
  std::string read_line() {
    for (;;) {
      auto nl = buf_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        return line;
      }
      char tmp[65536];
      ssize_t n = read(from_, tmp, sizeof tmp);
      if (n <= 0) return {};
      buf_.append(tmp, static_cast<std::size_t>(n));
    }
  }

  /// Reads lines until one has this id; returns it.
  std::string response(int id) {
    const std::string key = "\"id\":" + std::to_string(id) + ",";
    for (;;) {
      auto line = read_line();
      if (line.empty() || line.find(key) != std::string::npos) return line;
    }
  }

  void initialize() {
    send(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}})");
    response(0);
    send(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  }

  void close_input() {
    close(to_);
    to_ = -1;
  }
  [[nodiscard]] pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int to_ = -1;
  int from_ = -1;
  std::string buf_;
};

struct scratch {
  std::filesystem::path dir;
  scratch() {
    std::string t = (std::filesystem::temp_directory_path() / "parley-bench-XXXXXX").string();
    dir = mkdtemp(t.data());
  }
  ~scratch() { std::filesystem::remove_all(dir); }
  std::string config(bool live_push) const {
    auto path = dir / (live_push ? "live.yaml" : "quiet.yaml");
    std::ofstream(path) << "identity: {handle: bench-" << (live_push ? "live" : "quiet") << "}\n"
                        << "topics: [t]\nlive_push: {enabled: " << (live_push ? "true" : "false") << "}\n"
                        << "backend_config: {db_path: " << (dir / "bench.db").string() << "}\n";
    return path.string();
  }
};


std::string body(std::size_t size, const std::string& prefix = {}) {
  std::string b = prefix;
  while (b.size() < size) b.push_back('x');
  return b;
}

void report(const char* what, std::size_t n, double seconds, const std::vector<double>& lat_ms) {
  std::printf("%-44s %8.0f calls/s   p50 %.3f ms   p99 %.3f ms   (%zu calls)\n", what,
              static_cast<double>(n) / seconds, percentile(lat_ms, 0.5), percentile(lat_ms, 0.99), n);
}

template <class Make>
void run_calls(child& c, const char* what, int n, int& next_id, Make make) {
  std::vector<double> lat;
  lat.reserve(static_cast<std::size_t>(n));
  const auto t0 = clock_type::now();
  for (int i = 0; i < n; ++i) {
    const int id = next_id++;
    const auto s = clock_type::now();
    c.send(make(id));
    c.response(id);
    lat.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - s).count());
  }
  report(what, static_cast<std::size_t>(n), std::chrono::duration<double>(clock_type::now() - t0).count(), lat);
}

int post_rate(const std::string& bin) {
  scratch s;
  child c(bin, s.config(false), (s.dir / "state").string());
  c.initialize();
  int id = 1;
  const std::string content = body(200);
  auto post = [&](int rid) {
    return R"({"jsonrpc":"2.0","id":)" + std::to_string(rid) +
           R"(,"method":"tools/call","params":{"name":"parley_post","arguments":{"topic":"t","content":")" + content + R"("}}})";
  };
  run_calls(c, "warm-up parley_post", 200, id, post);
  run_calls(c, "W5 parley_post (sequential, 200 B)", 10000, id, post);
  auto fetch = [](const std::string& since) {
    return [since](int rid) {
      return R"({"jsonrpc":"2.0","id":)" + std::to_string(rid) +
             R"(,"method":"tools/call","params":{"name":"parley_fetch_recent","arguments":{"topic":"t","since":")" + since +
             R"(","limit":100}}})";
    };
  };
  run_calls(c, "W5 parley_fetch_recent, empty page", 2000, id, fetch("10200"));
  run_calls(c, "W5 parley_fetch_recent, 100-message page", 1000, id, fetch("0"));
  c.close_input();
  return 0;
}

int push_latency(const std::string& bin) {
  scratch s;
  child c(bin, s.config(true), (s.dir / "state").string());
  c.initialize();
  auto writer = parley::backend_registry::instance().create("sqlite");
  parley::config::value cfg = parley::config::value::map();
  cfg.set("db_path", parley::config::value::scalar((s.dir / "bench.db").string()));
  if (!(*writer)->connect(cfg)) return 1;

  constexpr int total = 2000;
  std::vector<double> lat;
  std::mutex mu;
  std::atomic<int> received{0};
  std::atomic<bool> ready{false};
  std::thread reader([&] {
    simdjson::dom::parser parser;
    for (;;) {
      auto line = c.read_line();
      const std::int64_t t = now_ns();
      if (line.empty()) return;
      if (line.find("notifications/claude/channel") == std::string::npos) continue;
      simdjson::dom::element el;
      if (parser.parse(line).get(el)) continue;
      std::string_view content;
      if (el["params"]["content"].get_string().get(content)) continue;
      if (content.rfind("probe", 0) == 0) {
        ready = true;
        continue;
      }
      if (content.front() != 'T') continue;
      const std::int64_t sent = std::atoll(std::string(content.substr(1, content.find('|') - 1)).c_str());
      std::lock_guard lock(mu);
      lat.push_back(static_cast<double>(t - sent) / 1e6);
      if (++received == total) return;
    }
  });
  // Probe until the session is subscribed, then 300 ms of quiet.
  while (!ready) {
    (void)(*writer)->post({"t", "poster", "probe", std::nullopt});
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto t0 = clock_type::now();
  for (int i = 0; i < total; ++i) {
    std::this_thread::sleep_until(t0 + std::chrono::microseconds(5000) * i);
    (void)(*writer)->post({"t", "poster", body(200, "T" + std::to_string(now_ns()) + "|" + std::to_string(i) + "|"),
                           std::nullopt});
  }
  const auto deadline = clock_type::now() + std::chrono::seconds(10);
  while (received < total && clock_type::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  c.close_input();
  reader.join();
  (*writer)->disconnect();
  std::printf("W3 push latency, SQLite, post in another process -> channel event on stdout, 200/s\n");
  std::printf("  received %d of %d   p50 %.3f ms   p90 %.3f ms   p99 %.3f ms   max %.3f ms\n", received.load(), total,
              percentile(lat, 0.5), percentile(lat, 0.9), percentile(lat, 0.99), percentile(lat, 1.0));
  return received == total ? 0 : 1;
}

long status_kb(pid_t pid, const char* key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return std::atol(line.c_str() + std::strlen(key));
  return -1;
}

double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close_paren = s.rfind(')');
  std::vector<std::string> fields;
  std::string f;
  for (char ch : s.substr(close_paren + 2)) {
    if (ch == ' ') {
      fields.push_back(f);
      f.clear();
    } else {
      f.push_back(ch);
    }
  }
  // utime and stime are fields 14 and 15 of the whole line (11 and 12 here).
  return (std::atof(fields[11].c_str()) + std::atof(fields[12].c_str())) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

int idle_rss(const std::string& bin) {
  scratch s;
  child c(bin, s.config(true), (s.dir / "state").string());
  c.initialize();
  c.send(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})");
  c.response(1);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const double cpu0 = cpu_seconds(c.pid());
  std::this_thread::sleep_for(std::chrono::seconds(10));
  const double cpu1 = cpu_seconds(c.pid());
  std::printf("W6 idle stdio session (live push on, 1 topic, SQLite), after 12 s\n");
  std::printf("  VmRSS %ld KiB   VmHWM %ld KiB   CPU over 10 s idle: %.3f s   threads: %ld\n",
              status_kb(c.pid(), "VmRSS:"), status_kb(c.pid(), "VmHWM:"), cpu1 - cpu0,
              status_kb(c.pid(), "Threads:"));
  c.close_input();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s post-rate|push-latency|idle-rss PARLEY_BIN\n", argv[0]);
    return 2;
  }
  const std::string mode = argv[1];
  const std::string bin = argv[2];
  if (mode == "post-rate") return post_rate(bin);
  if (mode == "push-latency") return push_latency(bin);
  if (mode == "idle-rss") return idle_rss(bin);
  std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
  return 2;
}

// Figures for the gateway (`parley serve`), from a plain-socket client so the
// client is not the bottleneck:
//
//   gateway_bench PARLEY_BIN [SESSIONS=1000] [IDLE=10000]
//
// post-rate   sequential parley_post over one keep-alive HTTP connection
// idle        RSS growth of the gateway per idle session (initialize only)
// fan-out     SESSIONS sessions with GET streams on one topic; 1,000 posts at
//             200/s from another session; every delivery's latency (receive
//             time minus the CLOCK_MONOTONIC stamp in the body)
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.hpp"

namespace {

using clock_type = std::chrono::steady_clock;
using parley::bench::now_ns;
using parley::bench::percentile;
const char* token = "bench-token-0123456789abcdef";



int connect_to(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) std::abort();
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

void send_all(int fd, const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    ssize_t n = write(fd, s.data() + off, s.size() - off);
    if (n <= 0) std::abort();
    off += static_cast<std::size_t>(n);
  }
}

struct http_reply {
  int status = 0;
  std::string session;
  std::string body;
};

/// One request/response on a keep-alive connection (Content-Length bodies).
http_reply roundtrip(int fd, const std::string& body, const std::string& session, std::string& buf) {
  std::string req = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    "Accept: application/json, text/event-stream\r\nAuthorization: Bearer " +
                    std::string(token) + "\r\n";
  if (!session.empty()) req += "Mcp-Session-Id: " + session + "\r\n";
  req += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  send_all(fd, req);
  http_reply r;
  for (;;) {
    auto end = buf.find("\r\n\r\n");
    if (end != std::string::npos) {
      std::string head = buf.substr(0, end);
      r.status = std::atoi(head.c_str() + 9);
      std::size_t len = 0;
      for (std::size_t p = 0; p < head.size();) {
        auto eol = head.find("\r\n", p);
        std::string line = head.substr(p, eol == std::string::npos ? std::string::npos : eol - p);
        std::string lower = line;
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower.rfind("content-length:", 0) == 0) len = std::strtoul(line.c_str() + 15, nullptr, 10);
        if (lower.rfind("mcp-session-id:", 0) == 0) r.session = line.substr(line.find(':') + 2);
        if (eol == std::string::npos) break;
        p = eol + 2;
      }
      if (buf.size() >= end + 4 + len) {
        r.body = buf.substr(end + 4, len);
        buf.erase(0, end + 4 + len);
        return r;
      }
    }
    char tmp[65536];
    ssize_t n = read(fd, tmp, sizeof tmp);
    if (n <= 0) std::abort();
    buf.append(tmp, static_cast<std::size_t>(n));
  }
}

std::string open_session(int fd, std::string& buf) {
  auto r = roundtrip(fd, R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}})", "", buf);
  roundtrip(fd, R"({"jsonrpc":"2.0","method":"notifications/initialized"})", r.session, buf);
  return r.session;
}

std::string post_body(int id, const std::string& content) {
  return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) +
         R"(,"method":"tools/call","params":{"name":"parley_post","arguments":{"topic":"bench","content":")" + content + R"("}}})";
}

long rss_kb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

struct gateway_process {
  pid_t pid = -1;
  int port = 0;
  std::filesystem::path dir;

  explicit gateway_process(const std::string& bin) {
    std::string t = (std::filesystem::temp_directory_path() / "parley-gwbench-XXXXXX").string();
    dir = mkdtemp(t.data());
    std::ofstream(dir / "gw.yaml") << "identity: {handle: bench}\ntopics: [bench]\n"
                                   << "gateway: {listen: 127.0.0.1:0, max_sessions: 100000}\n"
                                   << "presence: {enabled: false}\n"
                                   << "backend_config: {db_path: " << (dir / "b.db").string() << "}\n";
    int err[2];
    if (pipe(err) != 0) std::abort();
    pid = fork();
    if (pid == 0) {
      dup2(err[1], 2);
      setenv("PARLEY_DEV_TOKEN", token, 1);
      const std::string cfg = (dir / "gw.yaml").string();
      execl(bin.c_str(), bin.c_str(), "serve", "--config", cfg.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(err[1]);
    std::string text;
    char buf[4096];
    while (port == 0) {
      ssize_t n = read(err[0], buf, sizeof buf);
      if (n <= 0) std::abort();
      text.append(buf, static_cast<std::size_t>(n));
      auto at = text.find("listening on http://127.0.0.1:");
      if (at != std::string::npos) port = std::atoi(text.c_str() + at + 30);
    }
    // Keep draining stderr so the gateway never blocks on it.
    std::thread([fd = err[0]] {
      char b[4096];
      while (read(fd, b, sizeof b) > 0) {
      }
    }).detach();
  }
  ~gateway_process() {
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    std::filesystem::remove_all(dir);
  }
};

void post_rate(const std::string& bin) {
  gateway_process gw(bin);
  int fd = connect_to(gw.port);
  std::string buf;
  const std::string session = open_session(fd, buf);
  const std::string content(200, 'x');
  for (int i = 0; i < 200; ++i) roundtrip(fd, post_body(i + 1, content), session, buf);
  std::vector<double> lat;
  const int n = 5000;
  const auto t0 = clock_type::now();
  for (int i = 0; i < n; ++i) {
    const auto s = clock_type::now();
    auto r = roundtrip(fd, post_body(1000 + i, content), session, buf);
    if (r.status != 200) std::abort();
    lat.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - s).count());
  }
  const double secs = std::chrono::duration<double>(clock_type::now() - t0).count();
  std::printf("post-rate  sequential parley_post over HTTP keep-alive: %.0f calls/s   p50 %.3f ms   p99 %.3f ms\n",
              n / secs, percentile(lat, 0.5), percentile(lat, 0.99));
  close(fd);
}

void idle(const std::string& bin, int sessions) {
  gateway_process gw(bin);
  int fd = connect_to(gw.port);
  std::string buf;
  (void)open_session(fd, buf);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const long before = rss_kb(gw.pid);
  for (int i = 0; i < sessions; ++i) (void)open_session(fd, buf);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const long after = rss_kb(gw.pid);
  std::printf("idle       %d idle sessions: RSS %ld -> %ld KiB, %.1f KiB per session\n", sessions, before, after,
              static_cast<double>(after - before) / sessions);
  close(fd);
}

/// Opens `sessions` sessions, each with its GET event stream; returns the streams.
std::vector<int> open_streams(int port, int sessions) {
  std::vector<int> streams;
  int fd = connect_to(port);
  std::string buf;
  for (int i = 0; i < sessions; ++i) {
    const std::string sid = open_session(fd, buf);
    int s = connect_to(port);
    send_all(s, "GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nAuthorization: Bearer " +
                    std::string(token) + "\r\nMcp-Session-Id: " + sid + "\r\n\r\n");
    streams.push_back(s);
  }
  close(fd);
  return streams;
}

/// Who got what, when some deliveries are missing.
void report_missing(const std::vector<int>& per_session, const std::vector<int>& per_message,
                    const std::vector<pollfd>& fds, const std::vector<std::string>& bufs, int total,
                    int sessions) {
  int silent = 0;
  for (std::size_t i = 0; i < per_session.size(); ++i)
    if (per_session[i] < total) {
      if (silent++ == 0)
        std::printf("           session %zu got %d: fd %d, buffered '%.160s'\n", i, per_session[i], fds[i].fd,
                    bufs[i].c_str());
    }
  if (silent) std::printf("           %d sessions got fewer than all\n", silent);
  int short_messages = 0;
  for (int c : per_message) short_messages += c < sessions;
  if (short_messages > 0) std::printf("           %d messages did not reach every session\n", short_messages);
}

void fan_out(const std::string& bin, int sessions) {
  gateway_process gw(bin);
  std::vector<int> streams = open_streams(gw.port, sessions);
  std::vector<std::string> bufs(static_cast<std::size_t>(sessions));
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const int total = 1000;
  std::thread poster([&] {
    int fd = connect_to(gw.port);
    std::string buf;
    const std::string sid = open_session(fd, buf);
    const auto t0 = clock_type::now();
    for (int i = 0; i < total; ++i) {
      std::this_thread::sleep_until(t0 + std::chrono::microseconds(5000) * i);
      std::string content = "T" + std::to_string(now_ns()) + "|" + std::to_string(i) + "|";
      content.resize(200, 'x');
      roundtrip(fd, post_body(i + 1, content), sid, buf);
    }
    close(fd);
  });
  std::vector<pollfd> fds;
  for (int s : streams) fds.push_back({s, POLLIN, 0});
  std::vector<double> lat;
  std::vector<int> per_message(static_cast<std::size_t>(total), 0);
  std::vector<int> per_session(static_cast<std::size_t>(sessions), 0);
  lat.reserve(static_cast<std::size_t>(total) * static_cast<std::size_t>(sessions));
  const std::size_t expected = static_cast<std::size_t>(total) * static_cast<std::size_t>(sessions);
  const auto deadline = clock_type::now() + std::chrono::seconds(60);
  char tmp[65536];
  while (lat.size() < expected && clock_type::now() < deadline) {
    if (poll(fds.data(), fds.size(), 200) <= 0) continue;
    const std::int64_t t = now_ns();
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (!(fds[i].revents & POLLIN)) continue;
      ssize_t n = read(fds[i].fd, tmp, sizeof tmp);
      if (n <= 0) {
        fds[i].fd = -1;
        continue;
      }
      auto& b = bufs[i];
      b.append(tmp, static_cast<std::size_t>(n));
      std::size_t at;
      while ((at = b.find("\"content\":\"T")) != std::string::npos) {
        const auto bar = b.find('|', at + 12);
        const auto bar2 = bar == std::string::npos ? bar : b.find('|', bar + 1);
        if (bar2 == std::string::npos) break;  // the stamp is split across reads
        const std::int64_t sent = std::atoll(b.c_str() + at + 12);
        const int index = std::atoi(b.c_str() + bar + 1);
        if (index >= 0 && index < total) ++per_message[static_cast<std::size_t>(index)];
        ++per_session[i];
        lat.push_back(static_cast<double>(t - sent) / 1e6);
        b.erase(0, bar2);
      }
      if (b.size() > 65536) b.erase(0, b.size() - 4096);
    }
  }
  poster.join();
  std::printf("fan-out    %d sessions x %d posts at 200/s: delivered %zu of %zu   p50 %.2f ms   p99 %.2f ms   max %.2f ms\n",
              sessions, total, lat.size(), expected, percentile(lat, 0.5), percentile(lat, 0.99), percentile(lat, 1.0));
  report_missing(per_session, per_message, fds, bufs, total, sessions);
  for (int s : streams) close(s);
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PARLEY_BIN [SESSIONS=1000] [IDLE=10000]\n", argv[0]);
    return 2;
  }
  const std::string bin = argv[1];
  const int sessions = argc > 2 ? std::atoi(argv[2]) : 1000;
  const int idle_sessions = argc > 3 ? std::atoi(argv[3]) : 10000;
  post_rate(bin);
  idle(bin, idle_sessions);
  fan_out(bin, sessions);
  return 0;
}

#include "backends/discord/testing/fake_discord.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

#include "backends/discord/discord_json.hpp"

namespace parley::discord::testing {

namespace {

/// Reads the child's first line (`PORT <n>`) within a few seconds.
int read_port(int fd) {
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (line.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw std::runtime_error("the fake Discord did not print its port");
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[256];
    const auto n = ::read(fd, buf, sizeof buf);
    if (n <= 0) throw std::runtime_error("the fake Discord exited before printing its port");
    line.append(buf, static_cast<std::size_t>(n));
  }
  if (line.rfind("PORT ", 0) != 0) throw std::runtime_error("unexpected first line from the fake: " + line);
  return std::stoi(line.substr(5));
}

std::string field(const std::string& body, const char* key) {
  auto doc = json_doc::parse(body, "fake answer");
  if (!doc) throw std::runtime_error(doc.error().message);
  return text_of(doc->root(), key).value_or("");
}

}  // namespace

fake_discord::fake_discord(std::vector<std::string> extra_args) {
  std::vector<std::string> args{"/usr/bin/python3", PARLEY_DISCORD_FAKE, "--port", "0", "--token", token()};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ == 0) {
    // The fake dies with the test, and keeps no copy of the test's stdout.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    ::dup2(fds[1], 1);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  if (pid_ < 0) {
    ::close(fds[0]);
    throw std::runtime_error("could not start /usr/bin/python3 for the fake Discord");
  }
  try {
    url_ = "http://127.0.0.1:" + std::to_string(read_port(fds[0]));
  } catch (...) {
    ::close(fds[0]);
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    throw;
  }
  ::close(fds[0]);
}

fake_discord::~fake_discord() {
  client_.stop();
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
}

std::string fake_discord::control(const std::string& method, const std::string& path, const std::string& body) {
  http::http_request req;
  req.method = method;
  req.url = url_ + path;
  req.body = body;
  if (!body.empty()) req.content_type = "application/json";
  req.label = "fake " + method + " " + path;
  auto r = client_.send(req);
  if (!r) throw std::runtime_error(r.error().message);
  if (!r->ok()) throw std::runtime_error(req.label + " → " + std::to_string(r->status) + ": " + r->body);
  return r->body;
}

std::string fake_discord::add_channel(const std::string& name) {
  return field(control("POST", "/_fake/channels", R"({"name":")" + name + R"("})"), "id");
}

std::string fake_discord::human_post(const std::string& channel_id, const std::string& username,
                                     const std::string& content) {
  return field(control("POST", "/_fake/channels/" + channel_id + "/messages",
                       R"({"username":")" + username + R"(","content":")" + content + R"("})"),
               "id");
}

std::string fake_discord::add_webhook(const std::string& channel_id) {
  return field(control("POST", "/_fake/channels/" + channel_id + "/webhooks"), "url");
}

long fake_discord::stat(const std::string& name) {
  auto doc = json_doc::parse(control("GET", "/_fake/stats"), "stats");
  if (!doc) throw std::runtime_error(doc.error().message);
  return static_cast<long>(member<std::int64_t>(doc->root(), name).value_or(-1));
}

fake_discord& shared_fake() {
  static fake_discord fake({"--heartbeat-ms", "1000"});
  static const bool budget = (fake.post("gateway/budget", R"({"max_concurrency":16})"), true);
  (void)budget;
  return fake;
}

}  // namespace parley::discord::testing

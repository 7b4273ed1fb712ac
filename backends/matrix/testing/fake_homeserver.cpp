#include "backends/matrix/testing/fake_homeserver.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

#include "backends/matrix/json_doc.hpp"
#include "src/util/url.hpp"

namespace parley::matrix::testing {

namespace {

/// Reads the child's first line (`PORT <n>`) within a few seconds.
int read_port(int fd) {
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (line.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw std::runtime_error("the fake homeserver did not print its port");
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[256];
    const auto n = ::read(fd, buf, sizeof buf);
    if (n <= 0) throw std::runtime_error("the fake homeserver exited before printing its port");
    line.append(buf, static_cast<std::size_t>(n));
  }
  if (line.rfind("PORT ", 0) != 0) throw std::runtime_error("unexpected first line from the fake: " + line);
  return std::stoi(line.substr(5));
}

}  // namespace

fake_homeserver::fake_homeserver(std::vector<std::string> extra_args) {
  std::vector<std::string> args{"/usr/bin/python3", PARLEY_MATRIX_FAKE, "--port", "0"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ == 0) {
    // The fake dies with the test, even one that crashes, and keeps no copy
    // of the test's stdout open (a pipe reading it would never end).
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    ::dup2(fds[1], 1);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  if (pid_ < 0) {
    ::close(fds[0]);
    throw std::runtime_error("could not start /usr/bin/python3 for the fake homeserver");
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

fake_homeserver::~fake_homeserver() {
  client_.stop();
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
}

std::string fake_homeserver::control(const std::string& method, const std::string& path, const std::string& body) {
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

std::string fake_homeserver::inject(const std::string& room, const std::string& sender, const std::string& content_json,
                                   const std::string& extra_members) {
  auto body = control("POST", "/_fake/rooms/" + url::encode_path_segment(room) + "/inject",
                      R"({"sender":")" + sender + R"(","content":)" + content_json + extra_members + "}");
  auto doc = json_doc::parse(body, "inject");
  if (!doc) throw std::runtime_error(doc.error().message);
  return string_at(doc->root(), "event_id").value_or("");
}

fake_homeserver::token fake_homeserver::mint_token(const std::string& user) {
  auto body = control("POST", "/_fake/tokens", R"({"user":")" + user + R"("})");
  auto doc = json_doc::parse(body, "tokens");
  if (!doc) throw std::runtime_error(doc.error().message);
  return {string_at(doc->root(), "access_token").value_or(""), string_at(doc->root(), "user_id").value_or("")};
}

fake_homeserver& shared_fake() {
  static fake_homeserver fake({"--user", "parley:test-password", "--user", "alice:alice-password"});
  return fake;
}

}  // namespace parley::matrix::testing

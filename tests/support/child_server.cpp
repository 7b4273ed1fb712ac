#include "tests/support/child_server.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <stdexcept>

namespace parley::testing {

namespace {

/// The child's first line, within 20 s.
std::string read_first_line(int fd) {
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (line.find('\n') == std::string::npos) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw std::runtime_error("the test server did not print its port in 20 s");
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[256];
    const auto n = ::read(fd, buf, sizeof buf);
    if (n <= 0) throw std::runtime_error("the test server exited before printing its port");
    line.append(buf, static_cast<std::size_t>(n));
  }
  return line.substr(0, line.find('\n'));
}

}  // namespace

child_server::child_server(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    ::dup2(fds[1], 1);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  if (pid_ < 0) {
    ::close(fds[0]);
    throw std::runtime_error("could not start " + args.at(0));
  }
  try {
    std::istringstream words(read_first_line(fds[0]));
    std::string tag;
    words >> tag >> port_;
    if (tag != "PORT" || port_ <= 0) throw std::runtime_error("the test server's first line is not `PORT <n>`");
    for (std::string w; words >> w;) extra_.push_back(w);
  } catch (...) {
    ::close(fds[0]);
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    throw;
  }
  ::close(fds[0]);
}

child_server::~child_server() {
  if (pid_ > 0) {
    ::kill(pid_, SIGCONT);  // a test may have paused it
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
}

}  // namespace parley::testing

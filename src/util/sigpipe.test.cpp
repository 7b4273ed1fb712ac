#include <catch2/catch.hpp>

#include <unistd.h>

#include <cerrno>
#include <csignal>

#include "src/util/sigpipe.hpp"

TEST_CASE("a network backend leaves SIGPIPE ignored, not fatal", "[util]") {
  std::signal(SIGPIPE, SIG_DFL);
  parley::ignore_sigpipe_once();
  struct sigaction current {};
  REQUIRE(::sigaction(SIGPIPE, nullptr, &current) == 0);
  CHECK(current.sa_handler == SIG_IGN);
  // A write to a closed pipe now fails with EPIPE instead of killing us.
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  ::close(fds[0]);
  CHECK(::write(fds[1], "x", 1) == -1);
  CHECK(errno == EPIPE);
  ::close(fds[1]);
}

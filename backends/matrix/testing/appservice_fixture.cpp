#include "backends/matrix/testing/appservice_fixture.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "backends/matrix/matrix_harness.hpp"

namespace parley::matrix::testing {

namespace {

/// A free loopback port (bound, read, released).
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0;
  ::close(fd);
  if (!ok) throw std::runtime_error("no free loopback port");
  return ntohs(a.sin_port);
}

}  // namespace

appservice_fixture::appservice_fixture()
    : port(free_port()),
      registration_path("/tmp/parley-matrix-as-" + std::to_string(::getpid()) + "-" + std::to_string(port) + ".json") {
  std::ofstream(registration_path)
      << R"({"id":"parley","url":"http://127.0.0.1:)" << port
      << R"(","as_token":"as-secret","hs_token":"hs-secret","sender_localpart":"parley_bridge",)"
      << R"("rate_limited":false,"namespaces":{"users":[{"exclusive":true,"regex":"@parley_.*:parley.local"}]}})";
  fake = std::make_unique<fake_homeserver>(std::vector<std::string>{"--appservice-registration", registration_path});
}

appservice_fixture::~appservice_fixture() { std::remove(registration_path.c_str()); }

matrix_config appservice_fixture::config(bool listen) const {
  auto cfg = fake_config();
  cfg.homeserver_url = fake->url();
  cfg.appservice = appservice_config{"as-secret", "hs-secret", listen ? "127.0.0.1" : "", listen ? port : 0,
                                     "parley_bridge"};
  return cfg;
}

}  // namespace parley::matrix::testing

#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace parley::testing {

/// A test server in a child process (a Python fake of a hosted service, a
/// scripted WebSocket peer) that prints `PORT <n>` as its first line once it
/// listens. Started by the constructor, which waits for that line (20 s at
/// most); stopped with SIGTERM by the destructor. The child also gets SIGTERM
/// when the test process dies, even by a crash, and keeps no copy of the
/// test's stdout.
class child_server {
 public:
  /// `argv[0]` is an absolute path to the program.
  explicit child_server(std::vector<std::string> argv);
  child_server(const child_server&) = delete;
  child_server& operator=(const child_server&) = delete;
  ~child_server();

  [[nodiscard]] int port() const noexcept { return port_; }
  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  /// Any further words of the first line after the port (e.g. a second port).
  [[nodiscard]] const std::vector<std::string>& extra() const noexcept { return extra_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::vector<std::string> extra_;
};

}  // namespace parley::testing

#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/temp_dir.hpp"

namespace parley::testing {

/// Captures what this process writes to stderr (the log) while alive: for
/// tests that a failure is reported, and that a secret never is.
class stderr_capture {
 public:
  stderr_capture() : path_(dir_.file("stderr")) {
    saved_ = ::dup(2);
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, 2);
    ::close(fd);
  }
  ~stderr_capture() { restore(); }
  stderr_capture(const stderr_capture&) = delete;
  stderr_capture& operator=(const stderr_capture&) = delete;

  /// What was written so far (capture goes on).
  [[nodiscard]] std::string text() const {
    std::ifstream in(path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    ::dup2(saved_, 2);
    ::close(saved_);
    saved_ = -1;
  }
  temp_dir dir_;
  std::string path_;
  int saved_ = -1;
};

}  // namespace parley::testing

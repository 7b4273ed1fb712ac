#include "sqlite_harness.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <vector>

namespace parley::sqlite::testing {

std::unique_ptr<backend> sqlite_harness::connect_backend() {
  auto b = std::make_unique<sqlite_backend>();
  sqlite_config cfg;
  cfg.db_path = db_path();
  if (auto r = b->connect(cfg); !r) throw std::runtime_error(r.error().message);
  return b;
}

bool sqlite_harness::concurrent_post(const std::string& topic, int writers, int per_writer) {
  std::vector<pid_t> children;
  for (int w = 0; w < writers; ++w) {
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      // Child: its own connection, its own posts, then out without running
      // the parent's atexit handlers or destructors.
      int failures = 0;
      {
        sqlite_backend b;
        sqlite_config cfg;
        cfg.db_path = db_path();
        if (!b.connect(cfg)) ::_exit(2);
        const std::string handle = "w" + std::to_string(w);
        for (int i = 0; i < per_writer; ++i)
          if (!b.post({topic, handle, handle + "-" + std::to_string(i), std::nullopt})) ++failures;
        b.disconnect();
      }
      ::_exit(failures == 0 ? 0 : 1);
    }
    children.push_back(pid);
  }
  bool all_ok = true;
  for (pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    all_ok = all_ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  if (!all_ok) throw std::runtime_error("a concurrent writer process failed");
  return true;
}

}  // namespace parley::sqlite::testing

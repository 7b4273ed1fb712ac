#include "backends/sqlite/writer_process.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "backends/sqlite/sqlite_backend.hpp"

extern char** environ;

namespace parley::sqlite::testing {

namespace {

constexpr const char* writer_env = "PARLEY_SQLITE_TEST_WRITER";

// In a child started by spawn_writer, this runs before Catch2's main: it does
// the posting and exits, so the test runner never starts there.
const int writer_hook = [] {
  const char* spec = std::getenv(writer_env);
  if (!spec) return 0;
  // db_path \x1f topic \x1f handle \x1f count
  std::vector<std::string> parts;
  std::string cur;
  for (const char* p = spec; *p; ++p) {
    if (*p == '\x1f') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(*p);
    }
  }
  parts.push_back(cur);
  if (parts.size() != 4) std::_Exit(3);
  int failures = 0;
  {
    sqlite_backend b;
    sqlite_config cfg;
    cfg.db_path = parts[0];
    if (!b.connect(cfg)) std::_Exit(2);
    const int count = std::atoi(parts[3].c_str());
    for (int i = 0; i < count; ++i)
      if (!b.post({parts[1], parts[2], parts[2] + "-" + std::to_string(i), std::nullopt})) ++failures;
    b.disconnect();
  }
  std::_Exit(failures == 0 ? 0 : 1);
}();

}  // namespace

int spawn_writer(const std::string& db_path, const std::string& topic, const std::string& handle,
                 int count) {
  const std::string spec = std::string(writer_env) + "=" + db_path + '\x1f' + topic + '\x1f' + handle +
                           '\x1f' + std::to_string(count);
  std::vector<char*> env;
  for (char** e = environ; *e; ++e)
    if (std::string_view(*e).rfind(writer_env, 0) != 0) env.push_back(*e);
  env.push_back(const_cast<char*>(spec.c_str()));
  env.push_back(nullptr);
  char self[] = "/proc/self/exe";
  char* argv[] = {self, nullptr};
  pid_t pid = 0;
  if (posix_spawn(&pid, self, nullptr, nullptr, argv, env.data()) != 0)
    throw std::runtime_error("cannot start a writer process");
  (void)writer_hook;
  return pid;
}

bool wait_writer(int pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return false;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace parley::sqlite::testing

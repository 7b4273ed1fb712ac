#include "src/state/state_dir.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <optional>
#include <string>

namespace {

/// Sets (or with nullptr unsets) a variable for one scope.
class scoped_env {
 public:
  scoped_env(const char* name, const char* v) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (v) ::setenv(name, v, 1); else ::unsetenv(name);
  }
  ~scoped_env() {
    if (old_) ::setenv(name_, old_->c_str(), 1); else ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("state dir: XDG_STATE_HOME, else HOME/.local/state") {
  scoped_env home("HOME", "/home/u");
  {
    scoped_env xdg("XDG_STATE_HOME", "/xdg");
    CHECK(parley::parley_state_dir() == "/xdg/parley");
  }
  scoped_env xdg("XDG_STATE_HOME", "");
  CHECK(parley::parley_state_dir() == "/home/u/.local/state/parley");
  CHECK(parley::home_directory() == "/home/u");
}

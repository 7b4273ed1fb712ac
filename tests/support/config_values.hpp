#pragma once

#include <cstdlib>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "src/config/value.hpp"

namespace parley::testing {

/// A `backend_config` map of scalars, as the YAML loader would hand it over.
inline config::value config_map(std::initializer_list<std::pair<const char*, const char*>> kv) {
  auto v = config::value::map();
  for (const auto& [k, s] : kv) v.set(k, config::value::scalar(s));
  return v;
}

/// Every problem's path and text, one per line: for checks that a message
/// names a key, and that a secret never shows.
inline std::string problems_text(const std::vector<config::problem>& problems) {
  std::string out;
  for (const auto& p : problems) out += p.path + ": " + p.message + "\n";
  return out;
}

/// Environment variables unset for a test and again after it: a secret's
/// `*_env` fallback must not see the developer's real token.
class unset_env {
 public:
  explicit unset_env(std::vector<std::string> names) : names_(std::move(names)) { clear(); }
  ~unset_env() { clear(); }
  unset_env(const unset_env&) = delete;
  unset_env& operator=(const unset_env&) = delete;

  /// Unsets them again (after a test step set them).
  void clear() const {
    for (const auto& n : names_) ::unsetenv(n.c_str());
  }

 private:
  std::vector<std::string> names_;
};

}  // namespace parley::testing

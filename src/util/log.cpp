#include "src/util/log.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>

namespace parley::log {

namespace {

level initial_threshold() noexcept {
  const char* env = std::getenv("PARLEY_DEBUG");
  return (env && *env && std::string_view(env) != "0") ? level::debug : level::info;
}

std::atomic<level>& threshold() {
  static std::atomic<level> lvl{initial_threshold()};
  return lvl;
}

std::string_view name(level lvl) noexcept {
  switch (lvl) {
    case level::debug: return "debug";
    case level::info: return "info";
    case level::warn: return "warn";
    case level::error: return "error";
  }
  return "?";
}

}  // namespace

void set_threshold(level lvl) noexcept { threshold().store(lvl); }

void write(level lvl, std::string_view component, std::string_view text) {
  if (lvl < threshold().load(std::memory_order_relaxed)) return;
  std::string line;
  line.reserve(component.size() + text.size() + 24);
  line.append("parley[").append(component).append("] ").append(name(lvl)).append(": ");
  line.append(text);
  line.push_back('\n');
  // One write(2) per line keeps concurrent lines whole.
  const char* p = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) return;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace parley::log

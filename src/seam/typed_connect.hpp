#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "src/config/value.hpp"
#include "src/error/result.hpp"

namespace parley {

/// The usual `backend::connect(const config::value&)`: type the
/// backend_config with `Config::parse`, report every problem at once, then
/// call the backend's typed `connect(const Config&)`.
template <class Config, class Backend>
[[nodiscard]] result<void> connect_typed(Backend& backend, const config::value& backend_config,
                                         std::string_view backend_name) {
  std::vector<config::problem> problems;
  auto cfg = Config::parse(backend_config, problems);
  if (!problems.empty())
    return config::to_error("invalid " + std::string(backend_name) + " backend_config:", problems);
  return backend.connect(cfg);
}

}  // namespace parley

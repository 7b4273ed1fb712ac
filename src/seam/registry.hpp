#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "src/seam/backend.hpp"
#include "src/error/result.hpp"

namespace parley {

/// Names the backends compiled into this binary. Each backend registers itself
/// from its own translation unit (see `backend_registrar`), so core code never
/// includes a backend header or spells a backend's name.
class backend_registry {
 public:
  using factory = std::function<std::unique_ptr<backend>()>;

  /// The process-wide registry.
  static backend_registry& instance();

  /// Registers `make` under `name` and any `aliases` (the value of `backend:`).
  void add(std::string name, std::vector<std::string> aliases, factory make);

  /// A new, unconnected backend for the name or alias, or errc::unknown_name
  /// listing what is available.
  [[nodiscard]] result<std::unique_ptr<backend>> create(std::string_view name) const;

  /// The canonical names, sorted.
  [[nodiscard]] std::vector<std::string> names() const;

 private:
  struct entry {
    std::string name;
    std::vector<std::string> aliases;
    factory make;
  };
  std::vector<entry> entries_;
};

/// Define one at namespace scope in a backend's .cpp to register it at startup:
/// `const backend_registrar reg{"sqlite", {"local-sqlite"}, [] { return ...; }};`
struct backend_registrar {
  backend_registrar(std::string name, std::vector<std::string> aliases,
                    backend_registry::factory make) {
    backend_registry::instance().add(std::move(name), std::move(aliases), std::move(make));
  }
};

}  // namespace parley

#include "src/seam/registry.hpp"

#include <algorithm>

namespace parley {

backend_registry& backend_registry::instance() {
  static backend_registry registry;
  return registry;
}

void backend_registry::add(std::string name, std::vector<std::string> aliases, factory make) {
  entries_.push_back({std::move(name), std::move(aliases), std::move(make)});
}

result<std::unique_ptr<backend>> backend_registry::create(std::string_view name) const {
  for (const auto& e : entries_) {
    if (e.name == name || std::find(e.aliases.begin(), e.aliases.end(), name) != e.aliases.end())
      return e.make();
  }
  std::string known;
  for (const auto& n : names()) known += (known.empty() ? "" : ", ") + n;
  return fail(errc::unknown_name,
              "unknown backend '" + std::string(name) + "' (compiled in: " + known + ")");
}

std::vector<std::string> backend_registry::names() const {
  std::vector<std::string> out;
  for (const auto& e : entries_) out.push_back(e.name);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace parley

#pragma once

#include <string>
#include <string_view>

namespace parley {

/// The original's `safeName`, which makes a backend's lossy fold of a topic
/// name injective (docs/parley-behavior.md, "Backend name fold"): `folded`
/// itself when the fold changed nothing, else `folded + "-" +` the first 10
/// hex digits of sha1(topic).
[[nodiscard]] std::string safe_name(std::string_view topic, std::string folded);

}  // namespace parley

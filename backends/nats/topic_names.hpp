#pragma once

#include <string>
#include <string_view>

namespace parley::nats {

/// The original's injective fold (docs/parley-behavior.md, "Backend name fold"): a topic that the
/// fold leaves unchanged maps to itself; any other gets `-<first 10 hex of
/// sha1(topic)>` after the folded text, so `a.b` and `a_b` never share a
/// stream. Changing this changes where history lives.
[[nodiscard]] std::string safe_name(std::string_view topic, std::string (*fold)(std::string_view));

/// Subject token fold: `.`, `*`, `>` and whitespace become `_`.
[[nodiscard]] std::string fold_subject(std::string_view topic);
/// Stream name fold: as the subject fold, plus `/` and `\`.
[[nodiscard]] std::string fold_stream(std::string_view topic);

/// `<subject_prefix><safe subject token>`, e.g. `parley.ctx`.
[[nodiscard]] std::string subject_for(std::string_view subject_prefix, std::string_view topic);
/// `<stream_prefix><safe stream token>`, e.g. `PARLEY_ctx`.
[[nodiscard]] std::string stream_for(std::string_view stream_prefix, std::string_view topic);

}  // namespace parley::nats

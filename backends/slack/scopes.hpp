#pragma once

#include <string>
#include <string_view>

namespace parley::slack {

/// Whether `scopes` (Slack's `x-oauth-scopes` header: comma-separated)
/// names `want`.
[[nodiscard]] bool has_scope(const std::string& scopes, std::string_view want);

/// The scopes every Parley bot needs that `scopes` lacks, as a phrase for a
/// log line; "" when none is missing, or when Slack named no scopes at all
/// (then nothing can be said).
[[nodiscard]] std::string missing_scopes(const std::string& scopes);

}  // namespace parley::slack

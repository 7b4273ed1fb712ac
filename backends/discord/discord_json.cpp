#include "backends/discord/discord_json.hpp"

namespace parley::discord {

result<json_doc> json_doc::parse(std::string_view text, std::string_view what) {
  json_doc d;
  d.parser_ = std::make_unique<simdjson::dom::parser>();
  if (auto err = d.parser_->parse(text.data(), text.size()).get(d.root_); err != simdjson::SUCCESS)
    return fail(errc::backend_unavailable, std::string(what) + " is not JSON (" + simdjson::error_message(err) + ")");
  return d;
}

}  // namespace parley::discord

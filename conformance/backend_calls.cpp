#include "conformance/backend_calls.hpp"

#include <catch2/catch.hpp>

namespace parley::conformance {

std::string post_ok(backend& b, const std::string& topic, const std::string& content, const std::string& handle) {
  auto id = b.post({topic, handle, content, std::nullopt});
  INFO((id ? "" : id.error().message));
  REQUIRE(id.has_value());
  return id->msg.backend_msg_id;
}

result<page> fetch(backend& b, const std::string& topic, std::optional<std::string> since,
                   std::chrono::milliseconds block) {
  fetch_request req;
  req.topic = topic;
  if (since) req.since = cursor{*since};
  req.block = block;
  return b.fetch_recent(req);
}

std::unique_ptr<subscription> subscribe_ok(backend& b, const std::string& topic, subscription_sink& sink) {
  auto s = b.subscribe(topic, sink);
  INFO((s ? "" : s.error().message));
  REQUIRE(s.has_value());
  return std::move(s).value();
}

}  // namespace parley::conformance

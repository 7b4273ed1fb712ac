#include "conformance/backend_calls.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

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

void post_from_each(const std::vector<std::unique_ptr<backend>>& writers, const std::string& topic,
                    int per_writer) {
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < writers.size(); ++w) {
    threads.emplace_back([&, w] {
      const std::string handle = "w" + std::to_string(w);
      for (int i = 0; i < per_writer; ++i)
        if (!writers[w]->post({topic, handle, handle + "-" + std::to_string(i), std::nullopt})) ++failures;
    });
  }
  for (auto& t : threads) t.join();
  // Outside the threads: Catch2's assertions are not thread-safe.
  REQUIRE(failures.load() == 0);
}

}  // namespace parley::conformance

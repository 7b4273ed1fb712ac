#include "backends/discord/testing/fake_discord.hpp"

#include <stdexcept>

#include "src/json/document.hpp"

namespace parley::discord::testing {

namespace {

std::string field(const std::string& body, const char* key) {
  auto doc = json::document::parse(body, "fake answer");
  if (!doc) throw std::runtime_error(doc.error().message);
  return json::text_of(doc->root(), key).value_or("");
}

std::vector<std::string> command(std::vector<std::string> extra_args) {
  std::vector<std::string> args{"/usr/bin/python3", PARLEY_DISCORD_FAKE, "--port", "0", "--token",
                                fake_discord::token()};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  return args;
}

}  // namespace

fake_discord::fake_discord(std::vector<std::string> extra_args) : fake_service(command(std::move(extra_args))) {}

std::string fake_discord::add_channel(const std::string& name) {
  return field(control("POST", "/_fake/channels", R"({"name":")" + name + R"("})"), "id");
}

std::string fake_discord::human_post(const std::string& channel_id, const std::string& username,
                                     const std::string& content) {
  return field(control("POST", "/_fake/channels/" + channel_id + "/messages",
                       R"({"username":")" + username + R"(","content":")" + content + R"("})"),
               "id");
}

std::string fake_discord::add_webhook(const std::string& channel_id) {
  return field(control("POST", "/_fake/channels/" + channel_id + "/webhooks"), "url");
}

long fake_discord::stat(const std::string& name) {
  auto doc = json::document::parse(control("GET", "/_fake/stats"), "stats");
  if (!doc) throw std::runtime_error(doc.error().message);
  return static_cast<long>(json::member<std::int64_t>(doc->root(), name).value_or(-1));
}

fake_discord& shared_fake() {
  static fake_discord fake({"--heartbeat-ms", "1000"});
  static const bool budget = (fake.post("gateway/budget", R"({"max_concurrency":16})"), true);
  (void)budget;
  return fake;
}

}  // namespace parley::discord::testing

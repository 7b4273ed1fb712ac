#include "backends/discord/testing/fake_discord.hpp"

#include <stdexcept>

#include "backends/discord/discord_json.hpp"

namespace parley::discord::testing {

namespace {

std::string field(const std::string& body, const char* key) {
  auto doc = json_doc::parse(body, "fake answer");
  if (!doc) throw std::runtime_error(doc.error().message);
  return text_of(doc->root(), key).value_or("");
}

std::vector<std::string> command(std::vector<std::string> extra_args) {
  std::vector<std::string> args{"/usr/bin/python3", PARLEY_DISCORD_FAKE, "--port", "0", "--token",
                                fake_discord::token()};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  return args;
}

}  // namespace

fake_discord::fake_discord(std::vector<std::string> extra_args)
    : server_(command(std::move(extra_args))), url_("http://127.0.0.1:" + std::to_string(server_.port())) {}

// Requests in flight end before the child goes (server_ is destroyed after).
fake_discord::~fake_discord() { client_.stop(); }

std::string fake_discord::control(const std::string& method, const std::string& path, const std::string& body) {
  http::http_request req;
  req.method = method;
  req.url = url_ + path;
  req.body = body;
  if (!body.empty()) req.content_type = "application/json";
  req.label = "fake " + method + " " + path;
  auto r = client_.send(req);
  if (!r) throw std::runtime_error(r.error().message);
  if (!r->ok()) throw std::runtime_error(req.label + " → " + std::to_string(r->status) + ": " + r->body);
  return r->body;
}

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
  auto doc = json_doc::parse(control("GET", "/_fake/stats"), "stats");
  if (!doc) throw std::runtime_error(doc.error().message);
  return static_cast<long>(member<std::int64_t>(doc->root(), name).value_or(-1));
}

fake_discord& shared_fake() {
  static fake_discord fake({"--heartbeat-ms", "1000"});
  static const bool budget = (fake.post("gateway/budget", R"({"max_concurrency":16})"), true);
  (void)budget;
  return fake;
}

}  // namespace parley::discord::testing

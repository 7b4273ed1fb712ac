#include "backends/slack/testing/fake_slack.hpp"

#include <simdjson.h>

#include <stdexcept>
#include <vector>

#include "src/json/writer.hpp"

namespace parley::slack::testing {

fake_slack::fake_slack()
    : process_(std::make_unique<parley::testing::child_server>(
          std::vector<std::string>{"/usr/bin/python3", PARLEY_SLACK_FAKE, "--port", "0"})),
      url_("http://127.0.0.1:" + std::to_string(process_->port())) {}

fake_slack::~fake_slack() {
  client_.stop();
}

std::string fake_slack::control(const std::string& method, const std::string& path,
                                const std::string& json_body) {
  http::http_request req;
  req.method = method;
  req.url = url_ + "/_fake/" + path;
  req.body = json_body;
  if (!json_body.empty()) req.content_type = "application/json";
  req.label = "fake Slack " + method + " /_fake/" + path;
  auto r = client_.send(req);
  if (!r) throw std::runtime_error(r.error().message);
  if (!r->ok())
    throw std::runtime_error(req.label + " → " + std::to_string(r->status) + ": " + r->body);
  return r->body;
}

std::string fake_slack::post_as_human(const std::string& channel, const std::string& text) {
  json::writer w;
  w.begin_object().key("channel").value(channel).key("text").value(text).end_object();
  return member(control("POST", "post", std::move(w).take()), "ts");
}

std::string fake_slack::member(const std::string& json, const std::string& key) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json).get(root) != simdjson::SUCCESS) return {};
  simdjson::dom::element v;
  if (root[key].get(v) != simdjson::SUCCESS) return {};
  std::string_view s;
  if (v.get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  return simdjson::to_string(v);
}

fake_slack& shared_fake() {
  static fake_slack fake;
  return fake;
}

}  // namespace parley::slack::testing

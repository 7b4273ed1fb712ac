#include "backends/slack/testing/fake_slack.hpp"

#include <simdjson.h>

#include <stdexcept>
#include <vector>

#include "src/json/writer.hpp"

namespace parley::slack::testing {

fake_slack::fake_slack()
    : fake_service(std::vector<std::string>{"/usr/bin/python3", PARLEY_SLACK_FAKE, "--port", "0"}) {}

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

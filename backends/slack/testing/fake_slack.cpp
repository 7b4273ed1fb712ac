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

fake_slack& shared_fake() {
  static fake_slack fake;
  return fake;
}

}  // namespace parley::slack::testing

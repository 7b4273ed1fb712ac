#include "backends/zulip/testing/fake_zulip.hpp"

#include <simdjson.h>

#include "src/json/writer.hpp"

namespace parley::zulip::testing {

namespace {

std::vector<std::string> argv_with(std::vector<std::string> extra) {
  std::vector<std::string> argv{"/usr/bin/python3", PARLEY_ZULIP_FAKE, "--port", "0"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

}  // namespace

fake_zulip::fake_zulip(std::vector<std::string> extra) : fake_service(argv_with(std::move(extra))) {}

std::string fake_zulip::post_as_human(const std::string& topic, const std::string& content,
                                      const std::string& stream) {
  json::writer w;
  w.begin_object().key("stream").value(stream).key("topic").value(topic).key("content").value(content).end_object();
  return member(control("POST", "post", std::move(w).take()), "id");
}

fake_zulip& shared_fake() {
  static fake_zulip fake;
  return fake;
}

}  // namespace parley::zulip::testing

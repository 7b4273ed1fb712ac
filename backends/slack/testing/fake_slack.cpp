#include "backends/slack/testing/fake_slack.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <simdjson.h>

#include <cstdio>
#include <stdexcept>

#include "src/json/writer.hpp"

namespace parley::slack::testing {

fake_slack::fake_slack() {
  int out[2];
  if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlives a crashed test
    ::dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    ::execl("/usr/bin/python3", "python3", PARLEY_SLACK_FAKE, "--port", "0", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(out[1]);
  if (pid_ < 0) {
    ::close(out[0]);
    throw std::runtime_error("fork failed");
  }
  // The first line is `PORT <n>`; the pipe then closes on our side only.
  FILE* in = ::fdopen(out[0], "r");
  char line[64] = {};
  const bool got = in != nullptr && std::fgets(line, sizeof line, in) != nullptr;
  if (in != nullptr) std::fclose(in);
  int port = 0;
  if (!got || std::sscanf(line, "PORT %d", &port) != 1) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    throw std::runtime_error("the fake Slack did not start (is python3-aiohttp installed?)");
  }
  url_ = "http://127.0.0.1:" + std::to_string(port);
}

fake_slack::~fake_slack() {
  client_.stop();
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
}

std::string fake_slack::control(const std::string& method, const std::string& path, const std::string& json_body) {
  http::http_request req;
  req.method = method;
  req.url = url_ + "/_fake/" + path;
  req.body = json_body;
  if (!json_body.empty()) req.content_type = "application/json";
  req.label = "fake Slack " + method + " /_fake/" + path;
  auto r = client_.send(req);
  if (!r) throw std::runtime_error(r.error().message);
  if (!r->ok()) throw std::runtime_error(req.label + " → " + std::to_string(r->status) + ": " + r->body);
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

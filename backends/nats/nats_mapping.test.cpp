// The parley-nats mapping, checked on the server itself: stream and subject
// names, the payload bytes, max_age, and messages the original published.
#include <nats/nats.h>

#include <catch2/catch.hpp>

#include "backends/nats/nats_harness.hpp"
#include "backends/nats/nats_payload.hpp"

using namespace parley::nats;

namespace {

struct raw_js {
  natsConnection* nc = nullptr;
  jsCtx* js = nullptr;
  raw_js() {
    REQUIRE(natsConnection_ConnectTo(&nc, testing::server_url().c_str()) == NATS_OK);
    REQUIRE(natsConnection_JetStream(&js, nc, nullptr) == NATS_OK);
  }
  ~raw_js() {
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
  }
};

}  // namespace

TEST_CASE("nats mapping: one stream per topic with its single subject, max_age from retention_days") {
  auto cfg = testing::isolated_config();
  cfg.retention_days = 3;
  nats_backend b;
  REQUIRE(b.connect(cfg).has_value());
  auto id = b.post({"ctx", "claude-a", "hello", std::nullopt});
  REQUIRE(id.has_value());
  CHECK(id->msg.backend_msg_id == "1");
  raw_js raw;
  jsStreamInfo* si = nullptr;
  const std::string stream = cfg.stream_prefix + "ctx";
  REQUIRE(js_GetStreamInfo(&si, raw.js, stream.c_str(), nullptr, nullptr) == NATS_OK);
  REQUIRE(si->Config->SubjectsLen == 1);
  CHECK(std::string(si->Config->Subjects[0]) == cfg.subject_prefix + "ctx");
  CHECK(si->Config->MaxAge == 3LL * 86400 * 1'000'000'000LL);
  CHECK(si->Config->Storage == js_FileStorage);
  CHECK(si->State.Msgs == 1);
  jsStreamInfo_Destroy(si);
  b.disconnect();
  testing::delete_streams(cfg.stream_prefix);
}

TEST_CASE("nats mapping: the payload is the original's JSON, in its key order, without headers") {
  auto cfg = testing::isolated_config();
  nats_backend b;
  REQUIRE(b.connect(cfg).has_value());
  REQUIRE(b.post({"ctx", "claude-a", "line \"one\"\nline two ✓", std::nullopt}).has_value());
  REQUIRE(b.post({"ctx", "claude-b", "reply", std::string("1")}).has_value());
  raw_js raw;
  const std::string stream = cfg.stream_prefix + "ctx";
  for (std::uint64_t seq : {1u, 2u}) {
    natsMsg* m = nullptr;
    REQUIRE(js_GetMsg(&m, raw.js, stream.c_str(), seq, nullptr, nullptr) == NATS_OK);
    std::string data(natsMsg_GetData(m), static_cast<std::size_t>(natsMsg_GetDataLength(m)));
    const std::string ts = data.substr(data.find("\"ts\":\"") + 6, 24);
    if (seq == 1)
      CHECK(data == R"({"sender":"claude-a","content":"line \"one\"\nline two ✓","ts":")" + ts + R"(","in_reply_to":""})");
    else
      CHECK(data == R"({"sender":"claude-b","content":"reply","ts":")" + ts + R"(","in_reply_to":"1"})");
    const char** keys = nullptr;
    int nkeys = 0;
    CHECK(natsMsgHeader_Keys(m, &keys, &nkeys) != NATS_OK);
    free(keys);
    natsMsg_Destroy(m);
  }
  b.disconnect();
  testing::delete_streams(cfg.stream_prefix);
}

TEST_CASE("nats mapping: a stream and messages created the original's way read correctly") {
  auto cfg = testing::isolated_config();
  raw_js raw;
  // The original: streams.add({name, subjects:[subject]}), then js.publish of
  // its JSON payload.
  const std::string stream = cfg.stream_prefix + "team_frontend-08edf065f7";
  const std::string subject = cfg.subject_prefix + "team_frontend-08edf065f7";
  const char* subjects[] = {subject.c_str()};
  jsStreamConfig sc;
  jsStreamConfig_Init(&sc);
  sc.Name = stream.c_str();
  sc.Subjects = subjects;
  sc.SubjectsLen = 1;
  jsStreamInfo* si = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  natsStatus st = NATS_ERR;
  // A JetStream API call can time out on a loaded CI machine; retry, and
  // say why if it keeps failing.
  for (int attempt = 0; attempt < 3 && st != NATS_OK; ++attempt)
    st = js_AddStream(&si, raw.js, &sc, nullptr, &jerr);
  INFO(natsStatus_GetText(st) << " (JetStream error " << static_cast<int>(jerr) << "): " << nats_GetLastError(nullptr));
  REQUIRE(st == NATS_OK);
  jsStreamInfo_Destroy(si);
  const std::string a = R"({"sender":"claude-a","content":"hi @bob","ts":"2026-07-12T18:03:11.204Z","in_reply_to":""})";
  const std::string c = R"({"sender":"bob","content":"yo","ts":"2026-07-12T18:03:12.000Z","in_reply_to":"1"})";
  for (const auto& p : {a, c}) REQUIRE(js_Publish(nullptr, raw.js, subject.c_str(), p.data(), static_cast<int>(p.size()), nullptr, nullptr) == NATS_OK);

  nats_backend b;
  REQUIRE(b.connect(cfg).has_value());
  parley::fetch_request req;
  req.topic = "team.frontend";
  auto p = b.fetch_recent(req);
  REQUIRE(p.has_value());
  REQUIRE(p->messages.size() == 2);
  CHECK(p->messages[0].sender_handle == "claude-a");
  CHECK(p->messages[0].content == "hi @bob");
  CHECK(p->messages[0].mentions == std::vector<std::string>{"bob"});
  CHECK(p->messages[0].timestamp == "2026-07-12T18:03:11.204Z");
  CHECK_FALSE(p->messages[0].in_reply_to.has_value());
  CHECK(p->messages[1].backend_msg_id == "2");
  CHECK(p->messages[1].in_reply_to == std::optional<std::string>("1"));
  // And ours lands in the same stream.
  auto id = b.post({"team.frontend", "claude-c", "me too", std::nullopt});
  REQUIRE(id.has_value());
  CHECK(id->msg.backend_msg_id == "3");
  b.disconnect();
  testing::delete_streams(cfg.stream_prefix);
}

TEST_CASE("nats mapping: a payload that is not JSON reads as empty fields") {
  auto m = decode_payload("not json at all");
  CHECK(m.sender_handle.empty());
  CHECK(m.content.empty());
  CHECK_FALSE(m.in_reply_to.has_value());
}

TEST_CASE("nats mapping: catch-up pages forward through a long topic without a consumer per page") {
  auto cfg = testing::isolated_config();
  nats_backend b;
  REQUIRE(b.connect(cfg).has_value());
  for (int i = 0; i < 250; ++i) REQUIRE(b.post({"ctx", "w", std::to_string(i), std::nullopt}).has_value());
  parley::fetch_request req;
  req.topic = "ctx";
  req.since = parley::cursor{"0"};
  req.limit = 100;
  std::vector<std::string> all;
  for (;;) {
    auto p = b.fetch_recent(req);
    REQUIRE(p.has_value());
    if (p->messages.empty()) break;
    for (auto& m : p->messages) all.push_back(m.content);
    req.since = p->next_cursor;
  }
  REQUIRE(all.size() == 250);
  for (int i = 0; i < 250; ++i) CHECK(all[static_cast<std::size_t>(i)] == std::to_string(i));
  b.disconnect();
  testing::delete_streams(cfg.stream_prefix);
}

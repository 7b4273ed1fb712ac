#include "src/nats_client/client_options.hpp"

#include <catch2/catch.hpp>
#include <nats/nats.h>

using parley::nats::client_policy;
using parley::nats::connection_settings;
using parley::nats::make_client_options;

TEST_CASE("nats client: options carry the servers, and a connect honours the reconnect policy") {
  connection_settings s;
  // Nothing listens on port 1: the connect fails, and fails at once since
  // the policy allows no reconnect.
  s.servers = {"nats://127.0.0.1:1"};
  s.user = "alice";
  s.password = "pw";
  client_policy p;
  p.client_name = "test";
  p.max_reconnect_attempts = 0;
  p.reconnect_jitter_ms = 10;
  natsOptions* opts = make_client_options(s, p);
  REQUIRE(opts != nullptr);
  natsConnection* nc = nullptr;
  CHECK(natsConnection_Connect(&nc, opts) == NATS_NO_SERVER);
  CHECK(nc == nullptr);
  natsOptions_Destroy(opts);
}

TEST_CASE("nats client: empty credentials are not handed to cnats") {
  connection_settings s;
  s.servers = {"nats://127.0.0.1:1"};
  s.user = "";
  s.token = "";
  s.creds = "";  // a creds file "" would fail at connect with a file error
  natsOptions* opts = make_client_options(s, client_policy{});
  REQUIRE(opts != nullptr);
  natsOptions_SetMaxReconnect(opts, 0);
  natsConnection* nc = nullptr;
  CHECK(natsConnection_Connect(&nc, opts) == NATS_NO_SERVER);
  natsOptions_Destroy(opts);
}

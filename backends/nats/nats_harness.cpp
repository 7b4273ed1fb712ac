#include "backends/nats/nats_harness.hpp"

#include <nats/nats.h>

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

namespace parley::nats::testing {

std::string server_url() {
  const char* url = std::getenv("PARLEY_NATS_SERVERS");
  if (!url || !*url) FAIL("PARLEY_NATS_SERVERS is not set: run the tests with scripts/test.sh, which starts nats-server");
  return url;
}

nats_config isolated_config() {
  // ctest runs every case in its own process: the pid keeps concurrent
  // processes apart, the random part keeps a reused pid apart.
  static std::atomic<int> counter{0};
  std::random_device rd;
  const std::string tag = std::to_string(::getpid()) + "x" + std::to_string(rd() % 1000000) + "x" +
                          std::to_string(++counter);
  nats_config cfg;
  cfg.connection.servers = {server_url()};
  cfg.subject_prefix = "pt." + tag + ".";
  cfg.stream_prefix = "PT_" + tag + "_";
  cfg.reconnect_wait_ms = 100;
  return cfg;
}

void delete_streams(const std::string& stream_prefix) {
  const char* url = std::getenv("PARLEY_NATS_SERVERS");
  if (!url) return;
  natsConnection* nc = nullptr;
  if (natsConnection_ConnectTo(&nc, url) != NATS_OK) return;
  jsCtx* js = nullptr;
  if (natsConnection_JetStream(&js, nc, nullptr) == NATS_OK) {
    jsStreamNamesList* names = nullptr;
    if (js_StreamNames(&names, js, nullptr, nullptr) == NATS_OK && names) {
      for (int i = 0; i < names->Count; ++i)
        if (std::string_view(names->List[i]).rfind(stream_prefix, 0) == 0)
          js_DeleteStream(js, names->List[i], nullptr, nullptr);
      jsStreamNamesList_Destroy(names);
    }
    jsCtx_Destroy(js);
  }
  natsConnection_Destroy(nc);
}

std::unique_ptr<backend> nats_harness::connect_backend() {
  auto b = std::make_unique<nats_backend>();
  if (auto r = b->connect(cfg_); !r) throw std::runtime_error(r.error().message);
  return b;
}

bool nats_harness::concurrent_post(const std::string& topic, int writers, int per_writer) {
  std::vector<std::unique_ptr<backend>> conns;
  for (int w = 0; w < writers; ++w) conns.push_back(connect_backend());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w)
    threads.emplace_back([&, w] {
      const std::string handle = "w" + std::to_string(w);
      for (int i = 0; i < per_writer; ++i)
        if (!conns[w]->post({topic, handle, handle + "-" + std::to_string(i), std::nullopt})) ++failures;
    });
  for (auto& t : threads) t.join();
  if (failures > 0) throw std::runtime_error("concurrent posts failed");
  return true;
}

}  // namespace parley::nats::testing

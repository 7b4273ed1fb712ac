// The conformance suite against the in-memory backend: the harness a new
// backend's test writes, in its smallest form.
#include "examples/03_in_memory_backend/in_memory_backend.hpp"

#include <catch2/catch.hpp>

#include <thread>

#include "conformance/cases.hpp"
#include "src/seam/registry.hpp"

namespace {

using parley::backend;
using parley::config::value;

/// One fresh store per test case; every backend it connects shares it.
class in_memory_harness final : public parley::conformance::harness {
 public:
  in_memory_harness() : store_("conformance-" + std::to_string(++stores_)) {}

  std::unique_ptr<backend> connect_backend() override {
    auto b = parley::in_memory::make_in_memory_backend();
    value cfg = value::map();
    cfg.set("store", value::scalar(store_));
    auto r = b->connect(cfg);
    REQUIRE(r.has_value());
    return b;
  }

  std::string fresh_topic() override { return "t-" + std::to_string(++topics_); }

  /// Independent writers: threads, each with its own backend on the store.
  bool concurrent_post(const std::string& topic, int writers, int per_writer) override {
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w)
      threads.emplace_back([this, &topic, w, per_writer] {
        auto b = connect_backend();
        const std::string handle = "w" + std::to_string(w);
        for (int i = 0; i < per_writer; ++i)
          (void)b->post({topic, handle, handle + "-" + std::to_string(i), std::nullopt});
      });
    for (auto& t : threads) t.join();
    return true;
  }

 private:
  static inline int stores_ = 0;
  std::string store_;
  int topics_ = 0;
};

}  // namespace

PARLEY_CONFORMANCE_SUITE("in-memory", in_memory_harness)

TEST_CASE("in-memory: registers itself and refuses unknown config keys") {
  auto b = parley::backend_registry::instance().create("in-memory");
  REQUIRE(b.has_value());
  value cfg = value::map();
  cfg.set("stor", value::scalar("typo"));
  auto r = (*b)->connect(cfg);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == parley::errc::invalid_config);
  CHECK_THAT(r.error().message, Catch::Contains("backend_config.stor"));
}

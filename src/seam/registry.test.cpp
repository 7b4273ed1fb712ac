#include "src/seam/registry.hpp"

#include <catch2/catch.hpp>

namespace {

class null_backend final : public parley::backend {
 public:
  const parley::capabilities& capabilities() const noexcept override { return caps_; }
  parley::result<void> connect(const parley::config::value&) override { return {}; }
  void disconnect() override {}
  parley::result<std::unique_ptr<parley::subscription>> subscribe(const std::string&,
                                                                  parley::subscription_sink&) override {
    return parley::fail(parley::errc::internal, "no");
  }
  parley::result<parley::stored_post> post(const parley::post_request& req) override {
    return parley::stored_post{parley::stored_message(req, "1", parley::cursor{"1"}, ""),
                               std::nullopt};
  }
  parley::result<parley::page> fetch_recent(const parley::fetch_request&) override {
    return parley::page{};
  }
  parley::result<parley::identity_ref> resolve_identity(const std::string& h) override {
    return parley::identity_ref{h, h};
  }

 private:
  parley::capabilities caps_;
};

}  // namespace

TEST_CASE("registry: a backend is found by name and by alias") {
  parley::backend_registry reg;
  reg.add("null", {"local-null"}, [] { return std::make_unique<null_backend>(); });
  CHECK(reg.create("null").has_value());
  CHECK(reg.create("local-null").has_value());
  CHECK(reg.names() == std::vector<std::string>{"null"});
}

TEST_CASE("registry: an unknown name lists what is compiled in") {
  parley::backend_registry reg;
  reg.add("b", {}, [] { return std::make_unique<null_backend>(); });
  reg.add("a", {}, [] { return std::make_unique<null_backend>(); });
  auto r = reg.create("redis");
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == parley::errc::unknown_name);
  CHECK(r.error().message == "unknown backend 'redis' (compiled in: a, b)");
}

// Follow a topic live: every message posted after subscribe() returns, from
// this process or any other, arrives in the sink in cursor order. Post from
// another terminal with `parley post` (or 01_post_and_fetch) on the same file.
//
//   build/debug/examples/02_follow_a_topic /tmp/example.db hello
#include <chrono>
#include <cstdio>
#include <thread>

#include "src/seam/registry.hpp"

namespace {

class printing_sink final : public parley::subscription_sink {
 public:
  void on_message(parley::message m) override {
    std::printf("[%s] %s: %s\n", m.cursor.text.c_str(), m.sender_handle.c_str(), m.content.c_str());
    std::fflush(stdout);
  }
};

}  // namespace

int main(int argc, char** argv) {
  using namespace parley;
  auto backend = backend_registry::instance().create("sqlite");
  config::value cfg = config::value::map();
  cfg.set("db_path", config::value::scalar(argc > 1 ? argv[1] : "example.db"));
  if (auto r = (*backend)->connect(cfg); !r) {
    std::fprintf(stderr, "%s\n", r.error().message.c_str());
    return 1;
  }
  printing_sink sink;
  auto sub = (*backend)->subscribe(argc > 2 ? argv[2] : "hello", sink);
  if (!sub) {
    std::fprintf(stderr, "%s\n", sub.error().message.c_str());
    return 1;
  }
  std::this_thread::sleep_for(std::chrono::seconds(argc > 3 ? std::atoi(argv[3]) : 60));
  (*sub)->cancel();
  (*backend)->disconnect();
}

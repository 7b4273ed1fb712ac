// Post to a topic and read it back through the seam, on the embedded SQLite
// backend: the smallest useful Parley program.
//
//   build/debug/examples/01_post_and_fetch /tmp/example.db
#include <cstdio>

#include "src/seam/registry.hpp"

int main(int argc, char** argv) {
  using namespace parley;
  auto backend = backend_registry::instance().create("sqlite");
  config::value cfg = config::value::map();
  cfg.set("db_path", config::value::scalar(argc > 1 ? argv[1] : "example.db"));
  if (auto r = (*backend)->connect(cfg); !r) {
    std::fprintf(stderr, "%s\n", r.error().message.c_str());
    return 1;
  }
  auto id = (*backend)->post({"hello", "example", "first post @everyone", std::nullopt});
  std::printf("posted %s\n", id ? id->msg.backend_msg_id.c_str() : id.error().message.c_str());

  fetch_request req;
  req.topic = "hello";
  req.limit = 5;
  if (auto page = (*backend)->fetch_recent(req))
    for (const auto& m : page->messages)
      std::printf("[%s] %s: %s\n", m.cursor.text.c_str(), m.sender_handle.c_str(), m.content.c_str());
  (*backend)->disconnect();
}

// Behavior of the SQLite backend beyond the shared conformance suite: the
// original's cursor rules, retention, file modes, configuration errors, and
// live delivery across processes.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <chrono>
#include <set>
#include <thread>

#include "conformance/backend_calls.hpp"
#include "conformance/collecting_sink.hpp"
#include "src/seam/registry.hpp"
#include "backends/sqlite/sqlite_backend.hpp"
#include "backends/sqlite/sqlite_harness.hpp"
#include "tests/support/temp_dir.hpp"
#include "backends/sqlite/writer_process.hpp"

using namespace std::chrono_literals;
using parley::conformance::fetch;
using parley::conformance::post_ok;
using parley::config::value;
using parley::conformance::collecting_sink;
using parley::sqlite::sqlite_backend;
using parley::sqlite::sqlite_config;
using parley::sqlite::testing::open_sqlite;

TEST_CASE("sqlite: ids are decimal rowids from 1 and double as cursors") {
  parley::testing::temp_dir dir;
  auto b = open_sqlite(dir.file("p.db"));
  CHECK(post_ok(*b, "ctx", "hello @bob") == "1");
  CHECK(post_ok(*b, "other", "x") == "2");
  CHECK(post_ok(*b, "ctx", "again") == "3");
  auto p = fetch(*b, "ctx");
  REQUIRE(p.has_value());
  REQUIRE(p->messages.size() == 2);
  CHECK(p->messages[0].backend_msg_id == "1");
  CHECK(p->messages[0].cursor.text == "1");
  CHECK(p->messages[0].mentions == std::vector<std::string>{"bob"});
  CHECK(p->messages[0].sender_handle == "me");
  CHECK(p->messages[0].timestamp.size() == 24);
  CHECK(p->next_cursor.text == "3");
}

TEST_CASE("sqlite: foreign and malformed cursors are rejected with the original's message") {
  parley::testing::temp_dir dir;
  auto b = open_sqlite(dir.file("p.db"));
  post_ok(*b, "ctx", "a");
  for (const std::string bad : {"s123_456", "m123abc", "", "-1", "1.5", " 1"}) {
    auto p = fetch(*b, "ctx", bad);
    REQUIRE_FALSE(p.has_value());
    CHECK(p.error().code == parley::errc::malformed_cursor);
    CHECK(p.error().message == "parley-sqlite: malformed cursor '" + bad +
                                   "' for topic ctx — expected a numeric rowid cursor minted by "
                                   "this backend");
  }
}

TEST_CASE("sqlite: a cursor beyond the database (a reset file) reads the recent window") {
  auto b = std::make_unique<sqlite_backend>();
  sqlite_config cfg;
  cfg.db_path = ":memory:";
  REQUIRE(b->connect(cfg).has_value());
  for (int i = 1; i <= 3; ++i) post_ok(*b, "ctx", "post-reset-" + std::to_string(i));
  for (const std::string stale : {"5", "99999999999999999999999"}) {
    auto p = fetch(*b, "ctx", stale);
    REQUIRE(p.has_value());
    REQUIRE(p->messages.size() == 3);
    CHECK(p->messages[0].content == "post-reset-1");
    CHECK(p->next_cursor.text == "3");
  }
}

TEST_CASE("sqlite: an in-memory database delivers live to its own subscribers") {
  sqlite_backend b;
  sqlite_config cfg;
  cfg.db_path = ":memory:";
  REQUIRE(b.connect(cfg).has_value());
  collecting_sink sink;
  auto sub = b.subscribe("ctx", sink);
  REQUIRE(sub.has_value());
  post_ok(b, "ctx", "live");
  auto got = sink.wait_for(1, 5s);
  REQUIRE(got.size() == 1);
  CHECK(got[0].content == "live");
}

TEST_CASE("sqlite: retention_days 0 prunes everything on connect and ids keep growing") {
  parley::testing::temp_dir dir;
  const auto path = dir.file("p.db");
  {
    auto b = open_sqlite(path);
    post_ok(*b, "ctx", "old-1");
    post_ok(*b, "other", "old-2");
  }
  sqlite_backend b;
  sqlite_config cfg;
  cfg.db_path = path;
  cfg.retention_days = 0;
  REQUIRE(b.connect(cfg).has_value());
  auto p = fetch(b, "ctx");
  REQUIRE(p.has_value());
  CHECK(p->messages.empty());
  CHECK(post_ok(b, "ctx", "new") == "3");
}

TEST_CASE("sqlite: the database and its WAL sidecars are private to the owner") {
  parley::testing::temp_dir dir;
  const auto path = dir.file("p.db");
  auto b = open_sqlite(path);
  post_ok(*b, "ctx", "x");
  for (const char* suffix : {"", "-wal", "-shm"}) {
    struct stat st {};
    if (::stat((path + suffix).c_str(), &st) != 0) continue;
    INFO(path + suffix);
    CHECK((st.st_mode & 0777) == 0600);
  }
}

TEST_CASE("sqlite: configuration errors name the key") {
  sqlite_backend b;
  value cfg = value::map();
  cfg.set("db_path", value::scalar(""));
  cfg.set("poll_interval_ms", value::scalar("soon"));
  cfg.set("retention", value::scalar("3"));
  auto r = b.connect(cfg);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == parley::errc::invalid_config);
  CHECK_THAT(r.error().message, Catch::Contains("backend_config.db_path: must not be empty"));
  CHECK_THAT(r.error().message, Catch::Contains("backend_config.poll_interval_ms: expected an integer"));
  CHECK_THAT(r.error().message, Catch::Contains("backend_config.retention: unknown key"));
}

TEST_CASE("sqlite: a database in a missing directory fails with SQLite's reason") {
  sqlite_backend b;
  sqlite_config cfg;
  cfg.db_path = "/nonexistent-parley-dir/sub/p.db";
  auto r = b.connect(cfg);
  REQUIRE_FALSE(r.has_value());
  CHECK_THAT(r.error().message, Catch::Contains("directory"));
}

TEST_CASE("sqlite: registered as 'sqlite' and the original's 'local-sqlite'") {
  auto& reg = parley::backend_registry::instance();
  CHECK(reg.create("sqlite").has_value());
  CHECK(reg.create("local-sqlite").has_value());
}

TEST_CASE("sqlite: a post from another process arrives live without waiting for the poll") {
  parley::testing::temp_dir dir;
  const auto path = dir.file("p.db");
  auto b = std::make_unique<sqlite_backend>();
  sqlite_config cfg;
  cfg.db_path = path;
  // A poll interval far beyond the wait below: only the file watch can deliver.
  cfg.poll_interval_ms = 3'600'000;
  REQUIRE(b->connect(cfg).has_value());
  collecting_sink sink;
  auto sub = b->subscribe("ctx", sink);
  REQUIRE(sub.has_value());

  const int pid = parley::sqlite::testing::spawn_writer(path, "ctx", "other-process", 1);
  REQUIRE(parley::sqlite::testing::wait_writer(pid));
  auto got = sink.wait_for(1, 10s);
  REQUIRE(got.size() == 1);
  CHECK(got[0].sender_handle == "other-process");
  CHECK(got[0].content == "other-process-0");
}

TEST_CASE("sqlite: cancelling a subscription stops its delivery only") {
  parley::testing::temp_dir dir;
  auto b = open_sqlite(dir.file("p.db"));
  collecting_sink kept;
  collecting_sink dropped;
  auto keep = b->subscribe("ctx", kept);
  auto drop = b->subscribe("ctx", dropped);
  REQUIRE(keep.has_value());
  REQUIRE(drop.has_value());
  post_ok(*b, "ctx", "one");
  REQUIRE(dropped.wait_for(1, 5s).size() == 1);
  (*drop)->cancel();
  post_ok(*b, "ctx", "two");
  REQUIRE(kept.wait_for(2, 5s).size() == 2);
  CHECK(dropped.snapshot().size() == 1);
}

TEST_CASE("sqlite: concurrent posts from many threads are all acknowledged, ids unique") {
  parley::testing::temp_dir dir;
  auto b = open_sqlite(dir.file("p.db"));
  constexpr int threads = 8;
  constexpr int per_thread = 50;
  std::vector<std::vector<std::string>> ids(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        auto id = b->post({"ctx", "t" + std::to_string(t), std::to_string(i), std::nullopt});
        if (id) ids[t].push_back(id->msg.backend_msg_id);
      }
    });
  for (auto& w : workers) w.join();
  std::set<std::string> all;
  for (const auto& v : ids) {
    CHECK(v.size() == per_thread);
    all.insert(v.begin(), v.end());
  }
  CHECK(all.size() == threads * per_thread);
  parley::fetch_request req;
  req.topic = "ctx";
  req.limit = 1000;
  auto p = b->fetch_recent(req);
  REQUIRE(p.has_value());
  CHECK(p->messages.size() == threads * per_thread);
}

TEST_CASE("sqlite: the fast paths write and read without waiting and step aside when they would") {
  parley::testing::temp_dir dir;
  const std::string path = dir.file("p.db");
  auto b = open_sqlite(path);
  const parley::post_request req{"ctx", "me", "fast", std::nullopt};

  auto done = b->try_post(req);
  REQUIRE(done.has_value());
  REQUIRE(done->has_value());
  CHECK((*done)->msg.backend_msg_id == "1");
  parley::fetch_request read;
  read.topic = "ctx";
  auto page = b->try_fetch_recent(read);
  REQUIRE(page.has_value());
  REQUIRE(page->has_value());
  CHECK((*page)->messages.size() == 1);

  // Another connection (another process, for SQLite) holds the write lock:
  // the fast path does not wait for it; reads still go through (WAL).
  sqlite3* other = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &other) == SQLITE_OK);
  REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
  const auto t0 = std::chrono::steady_clock::now();
  CHECK_FALSE(b->try_post(req).has_value());
  CHECK(std::chrono::steady_clock::now() - t0 < 100ms);
  auto during = b->try_fetch_recent(read);
  REQUIRE(during.has_value());
  CHECK(during->has_value());
  // The slow path waits for the lock and then writes.
  std::thread release([other] {
    std::this_thread::sleep_for(50ms);
    sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr);
  });
  CHECK(post_ok(*b, "ctx", "slow") == "2");
  release.join();
  sqlite3_close(other);
  CHECK(b->try_post(req).has_value());
}

TEST_CASE("sqlite: with synchronous=full every post takes the slow path") {
  parley::testing::temp_dir dir;
  auto b = std::make_unique<sqlite_backend>();
  sqlite_config cfg;
  cfg.db_path = dir.file("p.db");
  cfg.synchronous = "full";
  REQUIRE(b->connect(cfg).has_value());
  CHECK_FALSE(b->try_post({"ctx", "me", "x", std::nullopt}).has_value());
  CHECK(post_ok(*b, "ctx", "x") == "1");
}

TEST_CASE("sqlite: the WAL is checkpointed off the post path and stays bounded") {
  parley::testing::temp_dir dir;
  const std::string path = dir.file("p.db");
  auto b = open_sqlite(path);
  const std::string body(200, 'x');
  // Each post adds three WAL pages (table, index, sqlite_sequence): 20,000
  // posts would be 240 MB of WAL without checkpoints. A writer this fast (a
  // tight loop in the process) outruns the watcher's checkpoint by a few
  // thousand pages; measured peaks were 18-26 MB.
  for (int i = 0; i < 20000; ++i) {
    auto fast = b->try_post({"ctx", "me", body, std::nullopt});
    if (!fast) post_ok(*b, "ctx", body);
    else REQUIRE(fast->has_value());
  }
  struct stat st {};
  REQUIRE(::stat((path + "-wal").c_str(), &st) == 0);
  CHECK(st.st_size < 64 * 1024 * 1024);
  auto p = fetch(*b, "ctx");
  REQUIRE(p.has_value());
  CHECK(p->next_cursor.text == "20000");
}

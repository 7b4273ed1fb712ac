// Behavior of the Postgres backend beyond the shared conformance suite: the
// original's configuration rules and messages, group commit, the sender
// registry, the LISTEN path's fan-out and cancellation, and bootstrap races.
// Live server only ($PARLEY_PG_URL), never a mock.
#include <libpq-fe.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "tests/support/stderr_capture.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <set>
#include <thread>

#include "conformance/backend_calls.hpp"
#include "conformance/collecting_sink.hpp"
#include "backends/postgres/postgres_harness.hpp"
#include "src/seam/registry.hpp"
#include "tests/support/temp_dir.hpp"

using namespace std::chrono_literals;
using parley::conformance::fetch;
using parley::conformance::post_ok;
using parley::conformance::subscribe_ok;
using parley::config::value;
using parley::conformance::collecting_sink;
using parley::postgres::postgres_backend;
using parley::postgres::postgres_config;
using namespace parley::postgres::testing;

namespace {

/// A table for one test, dropped at the end.
struct scratch_table {
  std::string url = pg_url();
  std::string name = random_table_name();
  ~scratch_table() { drop_schema(url, name); }

  [[nodiscard]] std::unique_ptr<postgres_backend> connect() const {
    auto b = std::make_unique<postgres_backend>();
    auto r = b->connect(test_config(name));
    INFO((r ? "" : r.error().message));
    REQUIRE(r.has_value());
    return b;
  }

  /// Runs one query on a fresh connection; rows as "a|b|c".
  [[nodiscard]] std::vector<std::string> query(const std::string& sql,
                                               const std::vector<std::string>& params = {}) const {
    PGconn* c = PQconnectdb(url.c_str());
    REQUIRE(PQstatus(c) == CONNECTION_OK);
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p.c_str());
    PGresult* r = PQexecParams(c, sql.c_str(), static_cast<int>(values.size()), nullptr,
                               values.data(), nullptr, nullptr, 0);
    const auto status = PQresultStatus(r);
    INFO(PQresultErrorMessage(r));
    CHECK((status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK));
    std::vector<std::string> rows;
    for (int i = 0; i < PQntuples(r); ++i) {
      std::string row;
      for (int j = 0; j < PQnfields(r); ++j) {
        if (j) row += "|";
        row += PQgetisnull(r, i, j) ? "NULL" : PQgetvalue(r, i, j);
      }
      rows.push_back(row);
    }
    PQclear(r);
    PQfinish(c);
    return rows;
  }
};

const std::string closed_port_url = "postgres://parley:parley@127.0.0.1:1/parley";

}  // namespace

TEST_CASE("postgres: config takes the original's keys and defaults") {
  std::vector<parley::config::problem> problems;
  auto d = postgres_config::parse(value{}, problems);
  CHECK(problems.empty());
  CHECK(d.url == "postgres://parley:parley@127.0.0.1:5432/parley");
  CHECK_FALSE(d.url_given);
  CHECK(d.table_name == "parley_messages");
  CHECK(d.pool_size == 5);
  CHECK(d.uses_default_credentials());

  auto v = value::map({{"url", value::scalar("postgres://u:secret@db:6543/x")},
                       {"table_name", value::scalar("Team_Chat_2")},
                       {"pool_size", value::scalar("12")}});
  auto c = postgres_config::parse(v, problems);
  CHECK(problems.empty());
  CHECK(c.url == "postgres://u:secret@db:6543/x");
  CHECK(c.table_name == "Team_Chat_2");
  CHECK(c.pool_size == 12);
  CHECK_FALSE(c.uses_default_credentials());

  // Set explicitly to the well-known DSN: still the public credentials.
  auto same = postgres_config::parse(
      value::map({{"url", value::scalar("postgres://parley:parley@127.0.0.1:5432/parley")}}),
      problems);
  CHECK(same.url_given);
  CHECK(same.uses_default_credentials());

  problems.clear();
  (void)postgres_config::parse(
      value::map({{"pool_size", value::scalar("0")}, {"poll_interval_ms", value::scalar("5")}}),
      problems);
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].path == "backend_config.pool_size");
  CHECK(problems[1].path == "backend_config.poll_interval_ms");
  CHECK(problems[1].message == "unknown key");
}

TEST_CASE("postgres: table_name is an identifier, with the original's error text") {
  for (const char* good : {"parley_messages", "_x", "A1_b2", "t"})
    CHECK_FALSE(parley::postgres::check_table_name(good).has_value());
  CHECK(parley::postgres::check_table_name("1abc").value() ==
        "invalid table_name \"1abc\" — use only [A-Za-z0-9_], not starting with a digit");
  CHECK(
      parley::postgres::check_table_name("x; DROP TABLE y").value() ==
      "invalid table_name \"x; DROP TABLE y\" — use only [A-Za-z0-9_], not starting with a digit");
  CHECK(parley::postgres::check_table_name("a\"b").value() ==
        "invalid table_name \"a\\\"b\" — use only [A-Za-z0-9_], not starting with a digit");
  for (const char* bad : {"", "a-b", "ümlaut", "a b", "a.b"})
    CHECK(parley::postgres::check_table_name(bad).has_value());

  postgres_backend b;
  auto r = b.connect(
      value::map({{"url", value::scalar(pg_url())}, {"table_name", value::scalar("9lives")}}));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == parley::errc::invalid_config);
  CHECK_THAT(r.error().message,
             Catch::Contains("backend_config.table_name: invalid table_name \"9lives\" — use only "
                             "[A-Za-z0-9_], not starting with a digit"));
}

TEST_CASE("postgres: the default-DSN SECURITY warning, as the original words it") {
  CHECK(parley::postgres::default_credentials_warning() ==
        "[parley-postgres] SECURITY: connecting with the built-in default DSN "
        "('postgres://parley:parley@…'). Set backend_config.url to a real connection string; a "
        "network-reachable database provisioned with these credentials is "
        "world-readable/injectable.");

  SECTION("url unset: warned before connecting") {
    // Unset url, pointed at a closed port so that no server is touched.
    postgres_config cfg;
    cfg.url = closed_port_url;
    cfg.url_given = false;
    parley::testing::stderr_capture err;
    postgres_backend b;
    auto r = b.connect(cfg);
    const std::string text = err.text();
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == parley::errc::backend_unavailable);
    CHECK_THAT(text, Catch::Contains(parley::postgres::default_credentials_warning()));
    // The message names the server without its password.
    CHECK_THAT(r.error().message, Catch::Contains("postgres://parley:***@127.0.0.1:1/parley"));
  }
  SECTION("a real url: no warning") {
    scratch_table t;
    parley::testing::stderr_capture err;
    auto b = t.connect();
    CHECK_THAT(err.text(), !Catch::Contains("SECURITY"));
  }
}

TEST_CASE("postgres: registered as postgres and local-postgres, with truthful capabilities") {
  auto& reg = parley::backend_registry::instance();
  for (const char* name : {"postgres", "local-postgres"}) {
    auto b = reg.create(name);
    REQUIRE(b.has_value());
    REQUIRE(dynamic_cast<postgres_backend*>(b->get()) != nullptr);
  }
  postgres_backend b;
  const auto& caps = b.capabilities();
  CHECK(caps.native_long_poll);
  CHECK(caps.cross_process_live);
  CHECK(caps.sender_is_identity);
  CHECK(caps.stores_in_reply_to);
  CHECK(caps.zero_cursor == "0");
  CHECK(caps.max_page == 10000);
}

TEST_CASE("postgres: unreachable server and calls before connect") {
  postgres_backend b;
  CHECK(b.post({"t", "me", "x", std::nullopt}).error().code == parley::errc::not_connected);
  CHECK(fetch(b, "t").error().code == parley::errc::not_connected);
  postgres_config cfg;
  cfg.url = closed_port_url;
  cfg.url_given = true;
  const auto start = std::chrono::steady_clock::now();
  auto r = b.connect(cfg);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == parley::errc::backend_unavailable);
  CHECK(std::chrono::steady_clock::now() - start < 5s);
}

TEST_CASE("postgres: ids are decimal seqs that order numerically past 9 → 10") {
  scratch_table t;
  auto b = t.connect();
  std::vector<std::string> ids;
  for (int i = 0; i < 12; ++i) ids.push_back(post_ok(*b, "ctx", "m" + std::to_string(i)));
  for (std::size_t i = 1; i < ids.size(); ++i) CHECK(std::stoll(ids[i]) > std::stoll(ids[i - 1]));
  auto all = fetch(*b, "ctx");
  REQUIRE(all.has_value());
  REQUIRE(all->messages.size() == 12);
  for (std::size_t i = 0; i < 12; ++i) {
    CHECK(all->messages[i].backend_msg_id == ids[i]);
    CHECK(all->messages[i].cursor.text == ids[i]);
    CHECK(all->messages[i].sender_handle == "me");
    CHECK(all->messages[i].timestamp.size() == 24);
    CHECK(all->messages[i].timestamp.back() == 'Z');
  }
  auto after = fetch(*b, "ctx", ids[8]);
  REQUIRE(after.has_value());
  REQUIRE(after->messages.size() == 3);
  CHECK(after->messages[0].backend_msg_id == ids[9]);
}

TEST_CASE("postgres: a since that is not a seq is malformed_cursor naming it and the topic") {
  scratch_table t;
  auto b = t.connect();
  post_ok(*b, "ctx", "a");
  for (const char* bad : {"abc", "", "-1", "1.5", " 7", "1-0", "99999999999999999999"}) {
    auto p = fetch(*b, "ctx", std::string(bad));
    REQUIRE_FALSE(p.has_value());
    CHECK(p.error().code == parley::errc::malformed_cursor);
    CHECK(p.error().message ==
          "parley-postgres: malformed cursor '" + std::string(bad) +
              "' for topic ctx — expected a numeric seq cursor minted by this backend");
  }
  // A cursor with leading zeros is still a seq; the empty page keeps it as given.
  auto z = fetch(*b, "ctx", std::string("000999999"));
  REQUIRE(z.has_value());
  CHECK(z->messages.empty());
  CHECK(z->next_cursor.text == "000999999");
}

TEST_CASE("postgres: NUL bytes cannot be stored and are refused up front") {
  scratch_table t;
  auto b = t.connect();
  auto r = b->post({"ctx", "me", std::string("a\0b", 3), std::nullopt});
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == parley::errc::invalid_argument);
  const auto id = post_ok(*b, "ctx", "fine");
  auto p = fetch(*b, "ctx");
  REQUIRE(p.has_value());
  REQUIRE(p->messages.size() == 1);
  CHECK(p->messages[0].backend_msg_id == id);
}

TEST_CASE("postgres: concurrent posts to one topic share transactions (group commit)") {
  scratch_table t;
  auto b = t.connect();
  constexpr int threads = 16;
  constexpr int each = 25;
  std::vector<std::vector<std::string>> ids(threads);
  std::vector<std::thread> posters;
  std::atomic<int> failures{0};
  for (int w = 0; w < threads; ++w) {
    posters.emplace_back([&, w] {
      for (int i = 0; i < each; ++i) {
        auto id = b->post({"busy", "w" + std::to_string(w),
                           "w" + std::to_string(w) + "-" + std::to_string(i), std::nullopt});
        if (id)
          ids[static_cast<std::size_t>(w)].push_back(id->msg.backend_msg_id);
        else
          ++failures;
      }
    });
  }
  for (auto& p : posters) p.join();
  REQUIRE(failures == 0);
  // Each poster's own posts got increasing ids, in its order.
  std::set<std::string> all;
  for (const auto& mine : ids) {
    for (std::size_t i = 1; i < mine.size(); ++i)
      CHECK(std::stoll(mine[i]) > std::stoll(mine[i - 1]));
    all.insert(mine.begin(), mine.end());
  }
  CHECK(all.size() == threads * each);
  // Rows committed by one transaction share its xmin: fewer transactions
  // than rows means posts were grouped.
  auto counts = t.query("SELECT count(*), count(DISTINCT xmin::text) FROM " + t.name +
                        " WHERE topic = 'busy'");
  REQUIRE(counts.size() == 1);
  const auto bar = counts[0].find('|');
  const int rows = std::stoi(counts[0].substr(0, bar));
  const int txns = std::stoi(counts[0].substr(bar + 1));
  CHECK(rows == threads * each);
  CHECK(txns < rows);
  INFO("rows " << rows << " in " << txns << " transactions");
  // Every sender was registered in the same transactions.
  CHECK(t.query("SELECT count(*) FROM " + t.name + "_senders")[0] == std::to_string(threads));
  // Fetch order is id order.
  auto page = b->fetch_recent({"busy", std::nullopt, 10000, 0ms});
  REQUIRE(page.has_value());
  REQUIRE(page->messages.size() == static_cast<std::size_t>(threads * each));
  for (std::size_t i = 1; i < page->messages.size(); ++i)
    CHECK(std::stoll(page->messages[i].backend_msg_id) >
          std::stoll(page->messages[i - 1].backend_msg_id));
}

TEST_CASE("postgres: a batch spanning topics keeps each topic's order and isolation") {
  scratch_table t;
  auto b = t.connect();
  collecting_sink sinks[4];
  std::vector<std::unique_ptr<parley::subscription>> subs;
  for (int i = 0; i < 4; ++i)
    subs.push_back(subscribe_ok(*b, "topic-" + std::to_string(i), sinks[i]));
  std::vector<std::thread> posters;
  std::vector<std::vector<std::string>> ids(8);
  for (int w = 0; w < 8; ++w) {
    posters.emplace_back([&, w] {
      for (int i = 0; i < 20; ++i) {
        auto id =
            b->post({"topic-" + std::to_string(w % 4), "w", "m" + std::to_string(i), std::nullopt});
        if (id) ids[static_cast<std::size_t>(w)].push_back(id->msg.backend_msg_id);
      }
    });
  }
  for (auto& p : posters) p.join();
  for (int i = 0; i < 4; ++i) {
    auto live = sinks[i].wait_for(40, 10s);
    REQUIRE(live.size() == 40);
    auto fetched = b->fetch_recent({"topic-" + std::to_string(i), std::nullopt, 1000, 0ms});
    REQUIRE(fetched.has_value());
    REQUIRE(fetched->messages.size() == 40);
    for (std::size_t k = 0; k < 40; ++k) {
      CHECK(live[k].backend_msg_id == fetched->messages[k].backend_msg_id);
      CHECK(live[k].topic == "topic-" + std::to_string(i));
    }
  }
}

TEST_CASE("postgres: resolve_identity registers handles in the senders table") {
  scratch_table t;
  auto b = t.connect();
  post_ok(*b, "ctx", "hi", "alice");
  CHECK(t.query("SELECT handle, backend_ref FROM " + t.name + "_senders") ==
        std::vector<std::string>{"alice|alice"});
  auto bob = b->resolve_identity("bob");
  REQUIRE(bob.has_value());
  CHECK(bob->handle == "bob");
  CHECK(bob->backend_ref == "bob");
  CHECK(t.query("SELECT backend_ref FROM " + t.name + "_senders WHERE handle = 'bob'") ==
        std::vector<std::string>{"bob"});
  // A row someone else registered keeps its own reference.
  (void)t.query("INSERT INTO " + t.name + "_senders VALUES ('carol', 'U-42')");
  auto carol = b->resolve_identity("carol");
  REQUIRE(carol.has_value());
  CHECK(carol->backend_ref == "U-42");
}

TEST_CASE("postgres: blockMs returns on the NOTIFY, not at the deadline") {
  scratch_table t;
  auto b = t.connect();
  auto other = t.connect();
  const auto tail = post_ok(*b, "lp", "old");
  std::thread late([&] {
    std::this_thread::sleep_for(100ms);
    (void)other->post({"lp", "me", "fresh", std::nullopt});
  });
  const auto start = std::chrono::steady_clock::now();
  auto p = fetch(*b, "lp", tail, 10s);
  const auto took = std::chrono::steady_clock::now() - start;
  late.join();
  REQUIRE(p.has_value());
  REQUIRE(p->messages.size() == 1);
  CHECK(p->messages[0].content == "fresh");
  CHECK(took < 3s);
  // A post to another topic does not end the wait early with a wrong page.
  const auto start2 = std::chrono::steady_clock::now();
  std::thread noise([&] {
    std::this_thread::sleep_for(50ms);
    (void)other->post({"lp-other", "me", "noise", std::nullopt});
  });
  auto q = fetch(*b, "lp", p->next_cursor.text, 400ms);
  noise.join();
  REQUIRE(q.has_value());
  CHECK(q->messages.empty());
  CHECK(q->next_cursor == p->next_cursor);
  CHECK(std::chrono::steady_clock::now() - start2 >= 350ms);
}

TEST_CASE("postgres: fifty subscriptions on one topic each get every message once, in order") {
  scratch_table t;
  auto b = t.connect();
  auto writer = t.connect();
  std::vector<std::unique_ptr<collecting_sink>> sinks;
  std::vector<std::unique_ptr<parley::subscription>> subs;
  for (int i = 0; i < 50; ++i) {
    sinks.push_back(std::make_unique<collecting_sink>());
    auto s = b->subscribe("fan", *sinks.back());
    REQUIRE(s.has_value());
    subs.push_back(std::move(*s));
  }
  std::vector<std::string> ids;
  for (int i = 0; i < 30; ++i) ids.push_back(post_ok(*writer, "fan", "n" + std::to_string(i)));
  for (auto& s : sinks) {
    auto got = s->wait_for(30, 10s);
    REQUIRE(got.size() == 30);
    for (std::size_t i = 0; i < 30; ++i) CHECK(got[i].backend_msg_id == ids[i]);
  }
}

namespace {
/// Cancels its own subscription from inside on_message after `limit` calls.
struct self_cancelling_sink final : parley::subscription_sink {
  std::unique_ptr<parley::subscription> sub;
  std::atomic<int> calls{0};
  void on_message(parley::message) override {
    if (++calls == 2) sub->cancel();
  }
};
}  // namespace

TEST_CASE("postgres: cancel stops delivery, also from inside the sink") {
  scratch_table t;
  auto b = t.connect();
  self_cancelling_sink self;
  collecting_sink cancelled;
  collecting_sink marker;
  self.sub = subscribe_ok(*b, "c", self);
  auto gone = subscribe_ok(*b, "c", cancelled);
  auto probe = subscribe_ok(*b, "c", marker);
  post_ok(*b, "c", "1");
  REQUIRE(cancelled.wait_for(1, 5s).size() == 1);
  gone->cancel();
  post_ok(*b, "c", "2");
  post_ok(*b, "c", "3");
  REQUIRE(marker.wait_for(3, 5s).size() == 3);
  CHECK(self.calls == 2);
  CHECK(cancelled.snapshot().size() == 1);
  // A throwing sink does not starve the others (the original's rule).
  struct throwing_sink final : parley::subscription_sink {
    void on_message(parley::message) override { throw std::runtime_error("sink failure"); }
  } thrower;
  auto bad = subscribe_ok(*b, "c", thrower);
  post_ok(*b, "c", "4");
  CHECK(marker.wait_for(4, 5s).size() == 4);
}

TEST_CASE("postgres: processes connecting at once bootstrap the schema once, without errors") {
  scratch_table t;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  std::vector<std::unique_ptr<postgres_backend>> backends(6);
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      auto b = std::make_unique<postgres_backend>();
      if (!b->connect(test_config(t.name)))
        ++failures;
      else
        backends[static_cast<std::size_t>(i)] = std::move(b);
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  CHECK(t.query("SELECT count(*) FROM pg_trigger WHERE tgname = '" + t.name + "_notify_trg'") ==
        std::vector<std::string>{"1"});
}

TEST_CASE("postgres: health is reported as connected once connect succeeds") {
  scratch_table t;
  postgres_backend b;
  std::vector<parley::health> seen;
  std::mutex mu;
  b.set_health_listener([&](parley::health h, const std::string&) {
    std::lock_guard lock(mu);
    seen.push_back(h);
  });
  REQUIRE(b.connect(test_config(t.name)).has_value());
  CHECK(b.current_health() == parley::health::connected);
  std::lock_guard lock(mu);
  CHECK(seen == std::vector<parley::health>{parley::health::connected});
}

TEST_CASE("postgres: a post the server rejects fails alone, not its batch") {
  scratch_table t;
  auto b = t.connect();
  std::atomic<int> good_failures{0};
  std::atomic<int> bad_accepted{0};
  std::set<parley::errc> bad_codes;
  std::mutex mu;
  std::vector<std::thread> threads;
  for (int w = 0; w < 8; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < 20; ++i) {
        if (w == 0) {
          // Not UTF-8: the server refuses it inside the batch's INSERT.
          auto r = b->post({"mixed", "bad", "\xff\xfe broken", std::nullopt});
          if (r) {
            ++bad_accepted;
          } else {
            std::lock_guard lock(mu);
            bad_codes.insert(r.error().code);
          }
        } else if (!b->post({"mixed", "good", "fine " + std::to_string(i), std::nullopt})) {
          ++good_failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(good_failures == 0);
  CHECK(bad_accepted == 0);
  CHECK(bad_codes == std::set<parley::errc>{parley::errc::invalid_argument});
  auto page = b->fetch_recent({"mixed", std::nullopt, 1000, 0ms});
  REQUIRE(page.has_value());
  CHECK(page->messages.size() == 140);
}

#include "backends/postgres/postgres_backend.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <unordered_set>

#include "src/seam/registry.hpp"
#include "src/seam/typed_connect.hpp"
#include "src/util/iso_time.hpp"
#include "src/util/log.hpp"

namespace parley::postgres {

namespace {

using clock_type = std::chrono::steady_clock;

/// A batch is cut at this many posts or this many bytes of content.
constexpr std::size_t max_batch_posts = 512;
constexpr std::size_t max_batch_bytes = std::size_t{16} << 20;
/// A batch's pipeline: BEGIN, lock, INSERT, senders upsert, COMMIT.
constexpr std::size_t pipelined_statements = 5;

const parley::capabilities postgres_capabilities = [] {
  parley::capabilities c;
  c.native_long_poll = true;    // blockMs waits on the topic's NOTIFY
  c.cross_process_live = true;  // the trigger notifies every listener
  c.sender_is_identity = true;
  c.stores_in_reply_to = true;
  c.max_content_bytes = 0;  // none of our own; the server's field limit is 1 GB
  c.max_page = 10000;
  c.zero_cursor = "0";
  return c;
}();

// `^\d+$` within a bigint, or nullopt: anything else is not a seq we minted.
std::optional<std::int64_t> parse_seq_cursor(const std::string& text) {
  if (text.empty() ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

bool has_nul(const std::string& s) {
  return s.find('\0') != std::string::npos;
}

/// The statements every pooled connection prepares.
result<void> prepare_pool_statements(const connection& c, const pg_schema& schema) {
  if (auto r = c.prepare("fetch_newest", schema.fetch_newest, 2); !r) return r;
  if (auto r = c.prepare("fetch_since", schema.fetch_since, 3); !r) return r;
  return c.prepare("resolve_identity", schema.resolve_identity, 1);
}

/// Sends one statement of a pipeline.
bool send(PGconn* c, const char* sql, const param_list& params) {
  return PQsendQueryParams(c, sql, params.size(), nullptr, params.data(), nullptr, nullptr, 0) == 1;
}

/// Reads the results of `n` pipelined statements and the sync point. A slot
/// stays empty if the connection failed before its result arrived.
std::vector<pg_result> read_pipeline(PGconn* c, std::size_t n) {
  std::vector<pg_result> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    pg_result r(PQgetResult(c));
    if (!r) break;  // connection failure: nothing more will come
    out[i] = std::move(r);
    // Each statement's results end with a null.
    while (pg_result extra{PQgetResult(c)}) {
      if (PQresultStatus(extra.get()) == PGRES_PIPELINE_SYNC) return out;
    }
  }
  while (pg_result r{PQgetResult(c)}) {
    if (PQresultStatus(r.get()) == PGRES_PIPELINE_SYNC) break;
  }
  return out;
}

}  // namespace

struct postgres_backend::pending_post {
  const post_request* req = nullptr;
  std::string ts;
  /// Written by the batch leader without the queue lock.
  std::optional<result<std::string>> outcome;
  /// Set under the queue lock once the leader is done with this post: only
  /// then may its owner read `outcome` and return (destroying the post).
  bool done = false;
};

postgres_backend::postgres_backend() : health_(std::make_shared<health_board>()) {}

postgres_backend::~postgres_backend() {
  disconnect();
}

const parley::capabilities& postgres_backend::capabilities() const noexcept {
  return postgres_capabilities;
}

void postgres_backend::set_health_listener(health_listener listener) {
  health_->set_listener(std::move(listener));
}

result<void> postgres_backend::connect(const config::value& backend_config) {
  return connect_typed<postgres_config>(*this, backend_config, "Postgres");
}

result<void> postgres_backend::connect(const postgres_config& cfg) {
  if (connected_) return fail(errc::internal, "parley-postgres: connect() called twice");
  if (auto err = check_table_name(cfg.table_name)) return fail(errc::invalid_config, *err);
  if (cfg.pool_size < 1)
    return fail(errc::invalid_config, "parley-postgres: pool_size must be at least 1");
  cfg_ = cfg;
  // Before the bootstrap, as the original: whoever reads the log first
  // should see this before anything is written.
  if (cfg_.uses_default_credentials()) log::warn("postgres", default_credentials_warning());

  schema_ = std::make_shared<const pg_schema>(cfg_.table_name);
  auto first = connection::open(cfg_.url);
  if (!first) return first.error();
  if (auto r = bootstrap(*first); !r) return r;
  if (auto r = prepare_pool_statements(*first, *schema_); !r) return r;

  auto schema = schema_;
  pool_ = std::make_shared<connection_pool>(
      cfg_.url, static_cast<std::size_t>(cfg_.pool_size),
      [schema](connection& c) { return prepare_pool_statements(c, *schema); }, health_);
  pool_->adopt(std::move(*first));

  auto live = connection::open(cfg_.url);
  if (!live) {
    pool_->close();
    return live.error();
  }
  listener_ = std::make_shared<notify_listener>(cfg_.url, *schema_, health_, pool_);
  if (auto r = listener_->start(std::move(*live)); !r) {
    pool_->close();
    return r;
  }
  connected_ = true;
  health_->enable("connected to " + redact_url(cfg_.url) + ", table " + cfg_.table_name);
  return {};
}

result<void> postgres_backend::bootstrap(const connection& c) const {
  // One transaction under the table's advisory lock: processes connecting
  // at once would otherwise race the CREATE and DROP statements.
  auto step = [&](pg_result r, ExecStatusType want) -> result<void> {
    if (succeeded(r, want)) return {};
    auto err = failure(c, r, "schema bootstrap of table " + cfg_.table_name);
    (void)c.exec("ROLLBACK");
    return err;
  };
  if (auto r = step(c.exec("BEGIN"), PGRES_COMMAND_OK); !r) return r;
  const param_list lock_params{&cfg_.table_name};
  if (auto r = step(c.exec(lock_table_sql, lock_params), PGRES_TUPLES_OK); !r) return r;
  if (auto r = step(c.exec(schema_->ddl.c_str()), PGRES_COMMAND_OK); !r) return r;
  return step(c.exec("COMMIT"), PGRES_COMMAND_OK);
}

void postgres_backend::disconnect() {
  if (!connected_.exchange(false)) return;
  health_->disable();
  listener_->stop();
  // Let a batch in flight finish with its connection.
  commits_.wait_idle();
  pool_->close();
}

result<std::unique_ptr<subscription>> postgres_backend::subscribe(const std::string& topic,
                                                                  subscription_sink& sink) {
  if (!connected_) return fail(errc::not_connected, "parley-postgres: not connected");
  if (has_nul(topic))
    return fail(errc::invalid_argument, "parley-postgres: a topic cannot hold NUL bytes");
  return listener_->subscribe(topic, sink);
}

// ---- post: group commit ---------------------------------------------------

result<stored_post> postgres_backend::post(const post_request& req) {
  if (!connected_) return fail(errc::not_connected, "parley-postgres: not connected");
  if (has_nul(req.topic) || has_nul(req.identity) || has_nul(req.content) ||
      (req.in_reply_to && has_nul(*req.in_reply_to)))
    return fail(errc::invalid_argument,
                "parley-postgres: PostgreSQL text cannot hold NUL bytes (post to topic \"" +
                    req.topic + "\")");
  // While the server is down, fail at once instead of queueing.
  if (auto down = pool_->fast_fail()) return *down;

  pending_post me;
  me.req = &req;
  me.ts = iso8601_now();
  // A batch is what is queued, in arrival order, up to the post and byte
  // limits.
  auto take = [](const std::vector<pending_post*>& queue) {
    std::size_t n = 0;
    std::size_t bytes = 0;
    while (n < queue.size() && n < max_batch_posts &&
           (n == 0 || bytes + queue[n]->req->content.size() <= max_batch_bytes)) {
      bytes += queue[n]->req->content.size();
      ++n;
    }
    return n;
  };
  commits_.submit(me, take, [this](std::vector<pending_post*>& batch) { commit_batch(batch); });
  if (!*me.outcome) return me.outcome->error();
  // The topic's previous seq is not known here (seqs are shared by all
  // topics): left empty, core reads the gap when it needs to.
  std::string id = std::move(**me.outcome);
  parley::cursor at{id};
  return stored_post{stored_message(req, std::move(id), std::move(at), std::move(me.ts)),
                     std::nullopt};
}

void postgres_backend::commit_batch(std::vector<pending_post*>& batch) {
  auto lease = pool_->acquire();
  if (!lease) {
    for (auto* p : batch) p->outcome = lease.error();
    return;
  }
  bool retry_alone = false;
  if (run_transaction(**lease, batch, retry_alone) || !retry_alone || batch.size() == 1) return;
  // The batch failed on something one post may have caused (bad encoding):
  // give each post its own transaction and its own answer.
  log::debug("postgres", "a batch of " + std::to_string(batch.size()) +
                             " posts was refused; committing them one by one");
  for (auto* p : batch) {
    p->outcome.reset();
    bool unused = false;
    (void)run_transaction(**lease, {p}, unused);
  }
}

bool postgres_backend::run_transaction(connection& c, const std::vector<pending_post*>& posts,
                                       bool& retry_alone) {
  retry_alone = false;
  std::vector<pg_result> results;
  if (auto e = send_batch(c, posts, results)) return fail_posts(posts, *e);
  if (auto e = first_failure(c, results)) {
    if (c.ok() && PQtransactionStatus(c.get()) != PQTRANS_IDLE) (void)c.exec("ROLLBACK");
    retry_alone = c.ok() && (e->code == errc::invalid_argument || e->code == errc::payload_too_large);
    return fail_posts(posts, *e);
  }

  // Sequence values follow the VALUES order; sort what RETURNING gave so the
  // pairing does not depend on the order rows come back in.
  const PGresult* ins = results[2].get();
  if (static_cast<std::size_t>(PQntuples(ins)) != posts.size())
    return fail_posts(posts, error{errc::internal, "parley-postgres: INSERT returned " +
                                                       std::to_string(PQntuples(ins)) + " rows for " +
                                                       std::to_string(posts.size()) + " posts"});
  std::vector<std::int64_t> seqs;
  seqs.reserve(posts.size());
  for (int i = 0; i < PQntuples(ins); ++i)
    seqs.push_back(parse_seq_cursor(field(ins, i, 0)).value_or(0));
  std::sort(seqs.begin(), seqs.end());
  for (std::size_t i = 0; i < posts.size(); ++i) posts[i]->outcome = std::to_string(seqs[i]);
  return true;
}

std::optional<error> postgres_backend::send_batch(connection& c, const std::vector<pending_post*>& posts,
                                                  std::vector<pg_result>& results) const {
  PGconn* pc = c.get();
  // Distinct topics and senders of the batch.
  std::vector<std::string> topics;
  std::vector<const std::string*> senders;
  {
    std::unordered_set<std::string_view> seen_topics;
    std::unordered_set<std::string_view> seen_senders;
    for (auto* p : posts) {
      if (seen_topics.insert(p->req->topic).second) topics.push_back(p->req->topic);
      if (seen_senders.insert(p->req->identity).second) senders.push_back(&p->req->identity);
    }
  }

  // BEGIN; the topics' advisory locks; one multi-row INSERT; the senders
  // upsert; COMMIT — pipelined, so the whole batch is one round trip plus
  // the commit's fsync.
  const std::string topic_array = topics.size() > 1 ? text_array_literal(topics) : std::string();
  param_list lock_params;
  lock_params.add(topics.size() > 1 ? topic_array : topics.front());
  param_list insert_params;
  for (auto* p : posts) {
    insert_params.add(p->req->topic);
    insert_params.add(p->req->identity);
    insert_params.add(p->req->content);
    insert_params.add(p->ts);
    insert_params.add(p->req->in_reply_to);
  }
  param_list sender_params;
  for (const auto* s : senders) sender_params.add(*s);
  const std::string insert_sql = schema_->insert_messages(posts.size());
  const std::string senders_sql = schema_->upsert_senders(senders.size());

  if (PQenterPipelineMode(pc) != 1) return failure(c, nullptr, "entering pipeline mode");
  const param_list none;
  const bool sent = send(pc, "BEGIN", none) &&
                    send(pc, topics.size() > 1 ? lock_topics_sql : lock_topic_sql, lock_params) &&
                    send(pc, insert_sql.c_str(), insert_params) &&
                    send(pc, senders_sql.c_str(), sender_params) && send(pc, "COMMIT", none) &&
                    PQpipelineSync(pc) == 1;
  if (sent) results = read_pipeline(pc, pipelined_statements);
  const bool left_pipeline = PQexitPipelineMode(pc) == 1;
  if (sent && left_pipeline) return std::nullopt;
  // The connection broke mid-batch (or is stuck with results unread): the
  // pool drops it when the lease ends, as it is not idle.
  return error{errc::backend_unavailable, failure(c, nullptr, "sending the batch").message};
}

std::optional<error> postgres_backend::first_failure(const connection& c, const std::vector<pg_result>& results) {
  const ExecStatusType want[pipelined_statements] = {PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_TUPLES_OK,
                                                     PGRES_COMMAND_OK, PGRES_COMMAND_OK};
  for (std::size_t i = 0; i < pipelined_statements; ++i) {
    if (succeeded(results[i], want[i]) &&
        !(i == 4 && std::string_view(PQcmdStatus(results[i].get())) != "COMMIT"))
      continue;
    // The first statement that failed says why; the rest were skipped.
    return failure(c, results[i], "commit");
  }
  return std::nullopt;
}

bool postgres_backend::fail_posts(const std::vector<pending_post*>& posts, const error& e) {
  for (auto* p : posts) {
    const std::string prefix = "parley-postgres: ";
    std::string msg = e.message;
    if (msg.rfind(prefix, 0) == 0) msg.erase(0, prefix.size());
    p->outcome = error{e.code, "parley-postgres: post to topic \"" + p->req->topic + "\": " + msg};
  }
  return false;
}

// ---- reads ----------------------------------------------------------------

result<page> postgres_backend::query_page(const fetch_request& req,
                                          const std::optional<std::int64_t>& since,
                                          std::int64_t limit) {
  page out;
  out.next_cursor = req.since ? *req.since : parley::cursor{postgres_capabilities.zero_cursor};
  auto lease = pool_->acquire();
  if (!lease) return lease.error();
  const std::string limit_text = std::to_string(limit);
  const std::string since_text = since ? std::to_string(*since) : std::string();
  pg_result r =
      since
          ? (*lease)->exec_prepared("fetch_since", param_list{&req.topic, &since_text, &limit_text})
          : (*lease)->exec_prepared("fetch_newest", param_list{&req.topic, &limit_text});
  if (!succeeded(r, PGRES_TUPLES_OK))
    return failure(**lease, r, "read of topic \"" + req.topic + "\"");
  const int rows = PQntuples(r.get());
  out.messages.reserve(static_cast<std::size_t>(rows));
  for (int i = 0; i < rows; ++i) out.messages.push_back(row_to_message(r.get(), i));
  if (!since) std::reverse(out.messages.begin(), out.messages.end());
  if (!out.messages.empty()) out.next_cursor = out.messages.back().cursor;
  return out;
}

result<page> postgres_backend::fetch_recent(const fetch_request& req) {
  if (!connected_) return fail(errc::not_connected, "parley-postgres: not connected");
  std::optional<std::int64_t> since;
  if (req.since) {
    since = parse_seq_cursor(req.since->text);
    if (!since)
      return fail(errc::malformed_cursor,
                  "parley-postgres: malformed cursor '" + req.since->text + "' for topic " +
                      req.topic + " — expected a numeric seq cursor minted by this backend");
  }
  if (has_nul(req.topic))
    return fail(errc::invalid_argument, "parley-postgres: a topic cannot hold NUL bytes");
  const auto limit = static_cast<std::int64_t>(std::min(req.limit, postgres_capabilities.max_page));
  if (limit == 0) {
    page out;
    out.next_cursor = req.since ? *req.since : parley::cursor{postgres_capabilities.zero_cursor};
    return out;
  }

  auto p = query_page(req, since, limit);
  if (!p || !p->messages.empty() || !since || req.block.count() <= 0) return p;

  // Native long-poll: wait on the topic's NOTIFY, never past the budget.
  const auto deadline = clock_type::now() + req.block;
  auto seen = listener_->watch(req.topic, deadline);
  if (!seen) return p;  // no LISTEN now: answer at once, which is legal
  std::uint64_t rings = *seen;
  // A row committed before the LISTEN took effect rang no bell: look again.
  p = query_page(req, since, limit);
  while (p && p->messages.empty() && clock_type::now() < deadline) {
    if (!listener_->wait_ring(req.topic, rings, deadline)) break;
    p = query_page(req, since, limit);
  }
  listener_->unwatch(req.topic);
  return p;
}

result<identity_ref> postgres_backend::resolve_identity(const std::string& handle) {
  if (!connected_) return fail(errc::not_connected, "parley-postgres: not connected");
  if (has_nul(handle))
    return fail(errc::invalid_argument, "parley-postgres: a handle cannot hold NUL bytes");
  auto lease = pool_->acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->exec_prepared("resolve_identity", param_list{&handle});
  if (!succeeded(r, PGRES_TUPLES_OK) || PQntuples(r.get()) != 1)
    return failure(**lease, r, "resolve_identity of \"" + handle + "\"");
  return identity_ref{handle, field(r.get(), 0, 0)};
}

namespace {
const backend_registrar registration{
    "postgres", {"local-postgres"}, [] { return std::make_unique<postgres_backend>(); }};
}  // namespace

}  // namespace parley::postgres

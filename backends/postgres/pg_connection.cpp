#include "backends/postgres/pg_connection.hpp"

#include <poll.h>

#include <array>

#include "backends/postgres/postgres_config.hpp"
#include "src/util/log.hpp"

namespace parley::postgres {

namespace {

// Keys before `dbname` are defaults the URL may override; keys after it are
// ours. libpq processes the arrays in order and keeps the last value.
constexpr std::array<const char*, 9> connect_keys{"connect_timeout",
                                                  "keepalives",
                                                  "keepalives_idle",
                                                  "keepalives_interval",
                                                  "keepalives_count",
                                                  "application_name",
                                                  "dbname",
                                                  "client_encoding",
                                                  nullptr};

std::array<const char*, 9> connect_values(const std::string& url) {
  return {"10", "1", "30", "10", "3", "parley", url.c_str(), "UTF8", nullptr};
}

void route_notice(void* /*arg*/, const char* message) {
  // DDL notices ("relation already exists, skipping") are expected on every
  // connect; the default processor would print them to stderr.
  std::string_view text(message);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  log::debug("postgres", text);
}

std::string one_line(const char* text) {
  // libpq's messages span lines ("...\n\tThis probably means ..."): one
  // line, single spaces.
  std::string out;
  for (const char* p = text ? text : ""; *p; ++p) {
    const bool space = *p == '\n' || *p == '\t' || *p == '\r' || *p == ' ';
    if (space) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(*p);
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

connection::~connection() {
  if (c_) PQfinish(c_);
}

connection& connection::operator=(connection&& o) noexcept {
  if (this != &o) {
    if (c_) PQfinish(c_);
    c_ = o.c_;
    o.c_ = nullptr;
  }
  return *this;
}

result<connection> connection::open(const std::string& url) {
  auto values = connect_values(url);
  connection c(PQconnectdbParams(connect_keys.data(), values.data(), 1));
  if (!c.valid())
    return fail(errc::backend_unavailable, "parley-postgres: out of memory connecting");
  if (!c.ok()) {
    const std::string msg = c.last_error();
    return fail(is_credentials_error(msg) ? errc::bad_credentials : errc::backend_unavailable,
                "parley-postgres: cannot connect to " + redact_url(url) + ": " + msg);
  }
  c.finish_setup();
  return c;
}

connection connection::start(const std::string& url) {
  auto values = connect_values(url);
  connection c(PQconnectStartParams(connect_keys.data(), values.data(), 1));
  if (c.valid()) PQsetNoticeProcessor(c.c_, route_notice, nullptr);
  return c;
}

void connection::finish_setup() {
  if (c_) PQsetNoticeProcessor(c_, route_notice, nullptr);
}

std::string connection::last_error() const {
  return one_line(c_ ? PQerrorMessage(c_) : "no connection");
}

bool connection::idle_but_dead() const {
  if (!ok()) return true;
  pollfd pfd{PQsocket(c_), POLLIN, 0};
  const int n = ::poll(&pfd, 1, 0);
  // An idle connection has nothing to say: input means the server closed it
  // (EOF, or a FATAL message before EOF after a shutdown or a restart).
  return n != 0;
}

pg_result connection::exec(const char* sql) const {
  return pg_result(PQexec(c_, sql));
}

pg_result connection::exec(const std::string& sql, const param_list& params) const {
  return pg_result(
      PQexecParams(c_, sql.c_str(), params.size(), nullptr, params.data(), nullptr, nullptr, 0));
}

pg_result connection::exec_prepared(const char* name, const param_list& params) const {
  return pg_result(PQexecPrepared(c_, name, params.size(), params.data(), nullptr, nullptr, 0));
}

result<void> connection::prepare(const char* name, const std::string& sql, int n_params) const {
  pg_result r(PQprepare(c_, name, sql.c_str(), n_params, nullptr));
  if (!succeeded(r, PGRES_COMMAND_OK)) return failure(*this, r, "prepare " + std::string(name));
  return {};
}

bool succeeded(const pg_result& r, ExecStatusType want) {
  return r && PQresultStatus(r.get()) == want;
}

std::string sqlstate(const pg_result& r) {
  if (!r) return "";
  const char* s = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
  return s ? s : "";
}

error failure(const connection& c, const pg_result& r, const std::string& what) {
  std::string msg;
  if (r) msg = one_line(PQresultErrorMessage(r.get()));
  if (msg.empty()) msg = c.last_error();
  const std::string state = sqlstate(r);
  errc code = errc::backend_unavailable;
  if (c.ok() && state.size() == 5) {
    const std::string cls = state.substr(0, 2);
    if (cls == "22" || cls == "23") code = errc::invalid_argument;  // data exception, constraint
    if (state == "54000") code = errc::payload_too_large;           // program_limit_exceeded
    if (cls == "28") code = errc::bad_credentials;
  }
  return error{code, "parley-postgres: " + what + " failed: " + msg};
}

bool is_credentials_error(std::string_view message) {
  return message.find("authentication failed") != std::string_view::npos ||
         message.find("no password supplied") != std::string_view::npos ||
         message.find("pg_hba.conf") != std::string_view::npos;
}

std::string text_array_literal(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out.push_back(',');
    out.push_back('"');
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

}  // namespace parley::postgres

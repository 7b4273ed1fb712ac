#include "backends/redis/redis_connection.hpp"

#include <hiredis/hiredis.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace parley::redis {

namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>(ms.count() % 1000 * 1000);
  return tv;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

struct argv_view {
  std::vector<const char*> ptrs;
  std::vector<std::size_t> lens;
  explicit argv_view(const command_args& args) {
    ptrs.reserve(args.size());
    lens.reserve(args.size());
    for (const auto& a : args) {
      ptrs.push_back(a.data());
      lens.push_back(a.size());
    }
  }
};

}  // namespace

void reply_deleter::operator()(redisReply* r) const noexcept {
  if (r) freeReplyObject(r);
}

bool is_error(const redisReply& r) noexcept {
  return r.type == REDIS_REPLY_ERROR;
}
bool is_nil(const redisReply& r) noexcept {
  return r.type == REDIS_REPLY_NIL;
}
bool is_array(const redisReply& r) noexcept {
  return r.type == REDIS_REPLY_ARRAY;
}

std::string_view text_of(const redisReply& r) noexcept {
  if (r.type == REDIS_REPLY_STRING || r.type == REDIS_REPLY_STATUS || r.type == REDIS_REPLY_ERROR)
    return r.str ? std::string_view(r.str, r.len) : std::string_view{};
  return {};
}

parley::error error_from_reply(const redisReply& r, std::string_view what) {
  const std::string_view text = text_of(r);
  errc code = errc::io_error;
  for (std::string_view transient :
       {"LOADING", "BUSY", "READONLY", "OOM", "MISCONF", "TRYAGAIN", "MASTERDOWN", "CLUSTERDOWN"})
    if (starts_with(text, transient)) code = errc::backend_unavailable;
  for (std::string_view denied : {"NOAUTH", "WRONGPASS", "NOPERM"})
    if (starts_with(text, denied)) code = errc::bad_credentials;
  return fail(code, "redis: " + std::string(what) + ": " + std::string(text));
}

connection::~connection() {
  if (ctx_) redisFree(ctx_);
}

connection::connection(connection&& other) noexcept : ctx_(std::exchange(other.ctx_, nullptr)) {}

connection& connection::operator=(connection&& other) noexcept {
  if (this != &other) {
    if (ctx_) redisFree(ctx_);
    ctx_ = std::exchange(other.ctx_, nullptr);
  }
  return *this;
}

result<connection> connection::open(const endpoint& ep, std::chrono::milliseconds timeout) {
  redisContext* raw = redisConnectWithTimeout(ep.host.c_str(), ep.port, to_timeval(timeout));
  if (!raw) return fail(errc::backend_unavailable, "redis: cannot allocate a connection");
  connection c(raw);
  if (raw->err)
    return fail(errc::backend_unavailable,
                "redis: cannot connect to " + ep.describe() + ": " + c.last_error());
  c.set_timeout(timeout);
  // Detects a peer that vanished without a FIN (a dead host, not a dead process).
  (void)redisEnableKeepAlive(raw);

  if (!ep.password.empty()) {
    command_args auth{"AUTH"};
    if (!ep.user.empty()) auth.push_back(ep.user);
    auth.push_back(ep.password);
    auto r = c.command(auth);
    if (!r) return r.error();
    if (is_error(**r)) {
      auto e = error_from_reply(**r, "AUTH at " + ep.describe() + " refused");
      if (e.code == errc::io_error) e.code = errc::bad_credentials;
      return e;
    }
  }
  if (ep.db != 0) {
    auto r = c.command({"SELECT", std::to_string(ep.db)});
    if (!r) return r.error();
    if (is_error(**r)) {
      auto e = error_from_reply(**r, "SELECT " + std::to_string(ep.db) + " at " + ep.describe());
      if (e.code == errc::io_error) e.code = errc::invalid_config;
      return e;
    }
  }
  // PING is refused while the server loads its data set: "connected" then
  // means ready to serve, not only accepting sockets.
  auto r = c.command({"PING"});
  if (!r) return r.error();
  if (is_error(**r)) return error_from_reply(**r, "PING at " + ep.describe());
  return c;
}

result<reply_ptr> connection::command(const command_args& args) {
  if (!append(args)) return io_failure(args.empty() ? "command" : args.front());
  return next_reply();
}

bool connection::append(const command_args& args) {
  if (!ctx_ || ctx_->err) return false;
  argv_view v(args);
  return redisAppendCommandArgv(ctx_, static_cast<int>(args.size()), v.ptrs.data(),
                                v.lens.data()) == REDIS_OK;
}

result<reply_ptr> connection::next_reply() {
  if (!ctx_) return fail(errc::not_connected, "redis: no connection");
  void* raw = nullptr;
  if (redisGetReply(ctx_, &raw) != REDIS_OK || !raw) {
    if (raw) freeReplyObject(raw);
    return io_failure("reply");
  }
  return reply_ptr(static_cast<redisReply*>(raw));
}

void connection::set_timeout(std::chrono::milliseconds timeout) {
  if (ctx_) (void)redisSetTimeout(ctx_, to_timeval(timeout));
}

bool connection::broken() const noexcept {
  return !ctx_ || ctx_->err != 0;
}

int connection::fd() const noexcept {
  return ctx_ ? ctx_->fd : -1;
}

std::string connection::last_error() const {
  if (!ctx_) return "no connection";
  if (!ctx_->err) return "no error";
  std::string text = ctx_->errstr;
  if (ctx_->err == REDIS_ERR_EOF || text.empty()) return "server closed the connection";
  // hiredis reports a socket timeout as the errno text of EAGAIN.
  if (text == std::strerror(EAGAIN)) return "no answer within timeout_ms";
  return text;
}

parley::error connection::io_failure(std::string_view what) const {
  return fail(errc::backend_unavailable,
              "redis: " + std::string(what) + " failed: " + last_error());
}

}  // namespace parley::redis

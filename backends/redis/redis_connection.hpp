#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "backends/redis/redis_config.hpp"
#include "src/error/result.hpp"

struct redisContext;
struct redisReply;

namespace parley::redis {

struct reply_deleter {
  void operator()(redisReply* r) const noexcept;
};
/// One reply of hiredis, freed with its nested elements.
using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

/// A command as its arguments: binary-safe, no format strings.
using command_args = std::vector<std::string>;

/// One blocking hiredis connection (a `redisContext`), used by one thread at
/// a time. Opening it authenticates and selects the database; after an I/O
/// failure it is `broken()` and must be replaced, never reused.
class connection {
 public:
  connection() = default;
  ~connection();
  connection(connection&& other) noexcept;
  connection& operator=(connection&& other) noexcept;
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  /// Connects within `timeout`, then AUTH (when the endpoint has a password),
  /// SELECT (db != 0) and PING. Refused credentials are errc::bad_credentials;
  /// an unreachable or still-loading server is errc::backend_unavailable.
  [[nodiscard]] static result<connection> open(const endpoint& ep,
                                               std::chrono::milliseconds timeout);

  /// Sends one command and reads its reply. An error *reply* is a value
  /// (check `is_error`); only I/O failures are errors here.
  [[nodiscard]] result<reply_ptr> command(const command_args& args);

  /// Pipelining: queue commands in the output buffer, then read one reply per
  /// queued command in order (the first read flushes the buffer).
  [[nodiscard]] bool append(const command_args& args);
  [[nodiscard]] result<reply_ptr> next_reply();

  /// How long a read or write may block before the connection breaks.
  void set_timeout(std::chrono::milliseconds timeout);

  [[nodiscard]] bool valid() const noexcept { return ctx_ != nullptr; }
  [[nodiscard]] bool broken() const noexcept;
  /// The socket, for shutdown(2) from another thread.
  [[nodiscard]] int fd() const noexcept;
  /// What hiredis says went wrong, for messages.
  [[nodiscard]] std::string last_error() const;

 private:
  explicit connection(redisContext* ctx) : ctx_(ctx) {}
  [[nodiscard]] parley::error io_failure(std::string_view what) const;

  redisContext* ctx_ = nullptr;
};

/// Reply inspection, tolerant of the shapes a foreign writer may produce.
[[nodiscard]] bool is_error(const redisReply& r) noexcept;
[[nodiscard]] bool is_nil(const redisReply& r) noexcept;
[[nodiscard]] bool is_array(const redisReply& r) noexcept;
/// The text of a string, status or error reply (empty for other types).
[[nodiscard]] std::string_view text_of(const redisReply& r) noexcept;

/// Maps an error reply to an errc: LOADING, BUSY, READONLY, OOM, MISCONF and
/// TRYAGAIN are transient (backend_unavailable), NOAUTH/WRONGPASS/NOPERM are
/// bad_credentials, everything else (WRONGTYPE, ERR) is io_error. The message
/// is `redis: <what>: <server text>`.
[[nodiscard]] parley::error error_from_reply(const redisReply& r, std::string_view what);

}  // namespace parley::redis

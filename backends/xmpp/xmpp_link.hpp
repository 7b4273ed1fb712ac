#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <strophe.h>

#include "backends/xmpp/room_message.hpp"
#include "backends/xmpp/stanzas.hpp"
#include "backends/xmpp/xmpp_config.hpp"
#include "src/error/result.hpp"
#include "src/seam/backend.hpp"
#include "src/util/backoff.hpp"

namespace parley::xmpp {

/// One page read from a room's archive.
struct archive_result {
  std::vector<room_message> messages;
  /// The server said there is nothing further in the direction asked.
  bool complete = true;
};

/// The one XMPP connection of a backend, on a thread of its own. libstrophe is
/// not thread-safe, so every libstrophe call happens on that thread: other
/// threads hand it work through an inbox and get answers through callbacks
/// (called on the link thread; they must not block). It joins rooms, posts
/// and waits for each post's reflection, queries archives, keeps the rooms
/// someone listens to joined (re-entering them after a reconnect, and
/// self-pinging them to notice a server that forgot us), and reconnects with
/// backoff, resuming the stream (XEP-0198) when the server still has it.
class xmpp_link {
 public:
  struct events {
    std::function<void(health, const std::string&)> health_changed;
    /// Every groupchat message a room reflects to us, our own included.
    std::function<void(const room_message&)> live;
    /// We re-entered `room` after losing it (a reconnect, a failed
    /// self-ping): live messages in between may be missing.
    std::function<void(const std::string& room)> reentered;
  };

  xmpp_link(xmpp_config cfg, events ev);
  ~xmpp_link();
  xmpp_link(const xmpp_link&) = delete;
  xmpp_link& operator=(const xmpp_link&) = delete;

  /// Connects and logs in; returns once online, or with the first failure.
  [[nodiscard]] result<void> start();
  /// Leaves the server and joins the thread; pending work fails. Idempotent.
  void stop();

  /// Enters `room` unless already in it.
  void enter(const std::string& room, std::function<void(result<void>)> done);
  /// Whether someone listens to `room`: such rooms are re-entered after a
  /// loss and self-pinged.
  void keep(const std::string& room, bool wanted);
  /// Posts to a room already entered; `done` gets the reflection.
  void post(outgoing_post p, std::function<void(result<room_message>)> done);
  /// Reads one page of a room's archive.
  void query(const std::string& room, archive_page page, std::function<void(result<archive_result>)> done);

  [[nodiscard]] bool online() const noexcept { return online_.load(); }
  [[nodiscard]] const xmpp_config& config() const noexcept { return cfg_; }

  // Called by libstrophe on the link thread; public only for the C callbacks.
  void on_connection(xmpp_conn_event_t event, int error, xmpp_stream_error_t* stream_error);
  int on_message(xmpp_stanza_t* s);
  int on_presence(xmpp_stanza_t* s);
  int on_iq(xmpp_stanza_t* s);
  void on_socket(int fd) { sock_fd_ = fd; }
  void on_resumed() { resumptions_.fetch_add(1); }

  /// How many reconnects resumed the stream (XEP-0198) instead of starting
  /// a new session.
  [[nodiscard]] int resumptions() const noexcept { return resumptions_.load(); }

 private:
  using clock = std::chrono::steady_clock;
  enum class room_state { out, entering, in };
  struct room_entry {
    room_state state = room_state::out;
    bool wanted = false;
    bool lost_before = false;
    int attempts = 0;
    clock::time_point deadline{};
    std::vector<std::function<void(result<void>)>> waiters;
  };
  struct pending_post {
    std::string room;
    std::function<void(result<room_message>)> done;
    clock::time_point deadline;
  };
  struct pending_query {
    std::string room;
    std::string query_id;
    archive_result page;
    std::function<void(result<archive_result>)> done;
    clock::time_point deadline;
  };
  struct timer {
    clock::time_point at;
    std::function<void()> fn;
  };

  void run();
  void submit(std::function<void()> fn);
  void drain_inbox();
  void wait_for_io();
  void run_timers();
  void expire(clock::time_point now);

  void open_connection();
  void schedule_reconnect(const std::string& reason);
  void came_online();
  void went_offline(const std::string& reason);
  void report(health h, const std::string& reason);

  void send(stanza_ptr s);
  void send_join(const std::string& jid, room_entry& r);
  void finish_join(const std::string& jid, room_entry& r, result<void> outcome);
  void lose_room(const std::string& jid, const std::string& why);
  void joined_presence(const std::string& jid, room_entry& r, xmpp_stanza_t* s);
  void join_error(const std::string& jid, room_entry& r, xmpp_stanza_t* s);
  void self_ping_all();
  void on_archive_fin(const std::string& iq_id, xmpp_stanza_t* s);
  void fail_all(const std::string& why);
  /// Why work cannot be done now: stopped, or the server is unreachable.
  [[nodiscard]] error offline_error() const;
  [[nodiscard]] std::string next_id(const char* prefix);

  xmpp_config cfg_;
  events ev_;

  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> online_{false};
  std::atomic<int> resumptions_{0};
  int wake_fd_ = -1;
  std::mutex inbox_mu_;
  std::deque<std::function<void()>> inbox_;
  /// Set when the link thread ends; later work runs on the caller's thread.
  bool inbox_closed_ = false;

  // Start handshake: start() waits for the first verdict.
  std::mutex start_mu_;
  std::condition_variable start_cv_;
  bool start_done_ = false;
  result<void> start_result_;

  // Link-thread state from here on.
  xmpp_ctx_t* ctx_ = nullptr;
  xmpp_conn_t* conn_ = nullptr;
  xmpp_conn_t* retired_ = nullptr;
  int sock_fd_ = -1;
  bool ever_online_ = false;
  bool reconnect_pending_ = false;
  backoff backoff_;
  std::uint64_t id_counter_ = 0;
  std::string id_salt_;
  std::map<std::string, room_entry> rooms_;
  std::map<std::string, pending_post> posts_;          // by origin-id
  std::map<std::string, pending_query> queries_;       // by iq id
  std::map<std::string, std::string> query_by_qid_;    // queryid -> iq id
  std::map<std::string, std::function<void(xmpp_stanza_t*)>> iq_waiters_;  // other iqs
  std::vector<timer> timers_;
  clock::time_point next_self_ping_{};
};

}  // namespace parley::xmpp

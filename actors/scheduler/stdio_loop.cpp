#include "scheduler/stdio_loop.hpp"

#include <caf/actor_system_config.hpp>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <memory>

namespace parley {

namespace {

/// The one loop of this process and the input handed to it. A stdio process
/// has one stdin and one such loop; the gateway never runs one.
std::atomic<bool> loop_running{false};
std::mutex input_mu;
std::shared_ptr<idle_input> offered;

std::shared_ptr<idle_input> current_input() {
  std::lock_guard guard(input_mu);
  return offered;
}

}  // namespace

bool offer_idle_input(idle_input input) {
  if (!loop_running.load()) return false;
  std::lock_guard guard(input_mu);
  offered = std::make_shared<idle_input>(std::move(input));
  return true;
}

stdio_loop::coordinator_data::coordinator_data(caf::scheduler::abstract_coordinator*)
    : wake_fd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  loop_running.store(true);
}

stdio_loop::coordinator_data::~coordinator_data() {
  loop_running.store(false);
  {
    std::lock_guard guard(input_mu);
    offered.reset();
  }
  if (wake_fd >= 0) ::close(wake_fd);
}

void stdio_loop::signal(coordinator_data& q) {
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(q.wake_fd, &one, sizeof one);
}

void stdio_loop::wait_for_work(coordinator_data& q) {
  auto input = current_input();
  pollfd fds[2] = {{q.wake_fd, POLLIN, 0}, {input ? input->fd : -1, POLLIN, 0}};
  const nfds_t n = input ? 2 : 1;
  const auto give_up = std::chrono::steady_clock::now() + spin_for;
  int rc = 0;
  do {
    rc = ::poll(fds, n, 0);
  } while (rc == 0 && std::chrono::steady_clock::now() < give_up);
  while (rc == 0 || (rc < 0 && errno == EINTR)) rc = ::poll(fds, n, -1);
  if (fds[0].revents & POLLIN) {
    std::uint64_t count = 0;
    [[maybe_unused]] auto r = ::read(q.wake_fd, &count, sizeof count);
  }
  {
    // Whatever woke us, the next look at the queue decides; enqueuers need
    // not signal until the worker waits again.
    std::lock_guard guard(q.lock);
    q.waiting = false;
  }
  if (n == 2 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL))) {
    if (!input->on_readable()) {
      std::lock_guard guard(input_mu);
      if (offered == input) offered.reset();
    }
  }
}

void use_stdio_loop(caf::actor_system_config& cfg) {
  cfg.module_factories.push_back([](caf::actor_system& sys) -> caf::actor_system::module* {
    return new caf::scheduler::coordinator<stdio_loop>(sys);
  });
  cfg.set("scheduler.max-threads", std::size_t{1});
}

}  // namespace parley

#include "actors/transport/stdio/stdio_loop.hpp"

#include <caf/actor_system_config.hpp>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <memory>
#include <vector>

namespace parley {

namespace {

/// The one loop of this process and the inputs handed to it (stdin, the
/// shutdown signals). A stdio process has one such loop; the gateway never
/// runs one.
constexpr std::size_t max_inputs = 4;
std::atomic<bool> loop_running{false};
/// The loop's eventfd: an input offered while the worker sleeps in poll
/// wakes it, so that the next poll includes the new descriptor.
std::atomic<int> loop_wake_fd{-1};
std::mutex inputs_mu;
std::vector<std::shared_ptr<idle_input>> offered;

std::vector<std::shared_ptr<idle_input>> current_inputs() {
  std::lock_guard guard(inputs_mu);
  return offered;
}

void withdraw(const std::shared_ptr<idle_input>& input) {
  std::lock_guard guard(inputs_mu);
  offered.erase(std::remove(offered.begin(), offered.end(), input), offered.end());
}

}  // namespace

bool offer_idle_input(idle_input input) {
  if (!loop_running.load()) return false;
  {
    std::lock_guard guard(inputs_mu);
    if (offered.size() >= max_inputs) return false;
    offered.push_back(std::make_shared<idle_input>(std::move(input)));
  }
  if (const int fd = loop_wake_fd.load(); fd >= 0) {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(fd, &one, sizeof one);
  }
  return true;
}

stdio_loop::coordinator_data::coordinator_data(caf::scheduler::abstract_coordinator*)
    : wake_fd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  loop_wake_fd.store(wake_fd);
  loop_running.store(true);
}

stdio_loop::coordinator_data::~coordinator_data() {
  loop_running.store(false);
  loop_wake_fd.store(-1);
  {
    std::lock_guard guard(inputs_mu);
    offered.clear();
  }
  if (wake_fd >= 0) ::close(wake_fd);
}

void stdio_loop::signal(coordinator_data& q) {
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(q.wake_fd, &one, sizeof one);
}

void stdio_loop::wait_for_work(coordinator_data& q) {
  const auto inputs = current_inputs();
  pollfd fds[1 + max_inputs];
  fds[0] = {q.wake_fd, POLLIN, 0};
  for (std::size_t i = 0; i < inputs.size(); ++i) fds[i + 1] = {inputs[i]->fd, POLLIN, 0};
  const auto n = static_cast<nfds_t>(1 + inputs.size());
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
  for (std::size_t i = 0; i < inputs.size(); ++i)
    if ((fds[i + 1].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) && !inputs[i]->on_readable())
      withdraw(inputs[i]);
}

void use_stdio_loop(caf::actor_system_config& cfg) {
  cfg.module_factories.push_back([](caf::actor_system& sys) -> caf::actor_system::module* {
    return new caf::scheduler::coordinator<stdio_loop>(sys);
  });
  cfg.set("scheduler.max-threads", std::size_t{1});
}

}  // namespace parley

#pragma once

#include <caf/policy/unprofiled.hpp>
#include <caf/resumable.hpp>
#include <caf/scheduler/coordinator.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>

namespace parley {

/// Input the idle scheduler thread of `parley stdio` waits on (stdin, the
/// shutdown signals).
struct idle_input {
  int fd = -1;
  /// Called on the scheduler thread when `fd` is readable; reads what is
  /// there (without blocking) and hands it to actors. Returns false once the
  /// input has ended; the fd is not watched afterwards.
  std::function<bool()> on_readable;
};

/// Hands `input` to the running stdio_loop scheduler. False when this
/// process's actor system does not run one (the caller then reads on a
/// thread of its own), or already watches four inputs.
bool offer_idle_input(idle_input input);

/// The CAF scheduling policy of `parley stdio`: one worker thread that runs
/// the actors and, when it has nothing to run, waits in poll(2) on its idle
/// inputs (stdin, a signalfd) and on an eventfd other threads write when
/// they hand it work.
///
/// Why: a tool call used to arrive on a reader thread that woke the worker;
/// on a two-core machine that hand-off, a futex wake-up and a context switch,
/// cost as much as the call itself (bench/stdio_bench post-rate). Now the
/// thread that reads the request is the one that answers it. Before it
/// sleeps, the worker looks at both for a moment (`spin_for`), since the
/// next request usually follows within microseconds; an idle process sleeps
/// in poll and uses no CPU. Reading only happens once poll reports data, so
/// the worker never blocks on stdin while actors wait.
class stdio_loop : public caf::policy::unprofiled {
 public:
  static constexpr std::chrono::microseconds spin_for{50};

  struct coordinator_data {
    explicit coordinator_data(caf::scheduler::abstract_coordinator*);
    ~coordinator_data();
    std::mutex lock;
    std::deque<caf::resumable*> queue;
    /// The worker is waiting in poll: enqueuers must write `wake_fd`.
    bool waiting = false;
    int wake_fd = -1;
  };

  struct worker_data {
    explicit worker_data(caf::scheduler::abstract_coordinator*) {}
  };

  template <class Coordinator>
  void enqueue(Coordinator* self, caf::resumable* job) {
    auto& q = d(self);
    bool wake = false;
    {
      std::lock_guard guard(q.lock);
      q.queue.push_back(job);
      wake = q.waiting;
      q.waiting = false;
    }
    if (wake) signal(q);
  }

  template <class Coordinator>
  void central_enqueue(Coordinator* self, caf::resumable* job) {
    enqueue(self, job);
  }

  template <class Worker>
  void external_enqueue(Worker* self, caf::resumable* job) {
    enqueue(self->parent(), job);
  }

  template <class Worker>
  void internal_enqueue(Worker* self, caf::resumable* job) {
    enqueue(self->parent(), job);
  }

  template <class Worker>
  void resume_job_later(Worker* self, caf::resumable* job) {
    enqueue(self->parent(), job);
  }

  template <class Worker>
  caf::resumable* dequeue(Worker* self) {
    auto& q = d(self->parent());
    for (;;) {
      {
        std::lock_guard guard(q.lock);
        if (!q.queue.empty()) {
          caf::resumable* job = q.queue.front();
          q.queue.pop_front();
          return job;
        }
        q.waiting = true;
      }
      wait_for_work(q);
    }
  }

  template <class Worker, class UnaryFunction>
  void foreach_resumable(Worker*, UnaryFunction) {}

  template <class Coordinator, class UnaryFunction>
  void foreach_central_resumable(Coordinator* self, UnaryFunction f) {
    auto& q = d(self);
    std::lock_guard guard(q.lock);
    while (!q.queue.empty()) {
      auto* job = q.queue.front();
      q.queue.pop_front();
      f(job);
    }
  }

 private:
  static void signal(coordinator_data& q);
  /// Returns once work may be queued: the eventfd fired, or stdin had data
  /// and was handed to actors.
  static void wait_for_work(coordinator_data& q);
};

/// Makes `cfg`'s actor system schedule with stdio_loop (one worker).
void use_stdio_loop(caf::actor_system_config& cfg);

}  // namespace parley

#include "backends/slack/post_budget.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <thread>

#include "src/util/sha256.hpp"

namespace parley::slack {

namespace {

using clock_type = std::chrono::steady_clock;

/// How often a waiting post looks at `stopped`.
constexpr auto stop_check = std::chrono::milliseconds(50);

}  // namespace

struct post_budget::state {
  std::mutex mu;
  post_rate rate;
  double tokens = 0;
  clock_type::time_point refilled = clock_type::now();

  /// Takes a token when one is there; else how long until one is.
  std::chrono::nanoseconds take() {
    std::lock_guard lock(mu);
    const auto now = clock_type::now();
    const double elapsed = std::chrono::duration<double>(now - refilled).count();
    tokens = std::min<double>(rate.burst, tokens + elapsed * rate.per_second);
    refilled = now;
    if (tokens >= 1.0) {
      tokens -= 1.0;
      return std::chrono::nanoseconds(0);
    }
    return std::chrono::nanoseconds(static_cast<long long>((1.0 - tokens) / rate.per_second * 1e9));
  }
};

post_budget::post_budget(const post_rate& rate) : state_(std::make_shared<state>()) {
  state_->rate = rate;
  state_->rate.burst = std::max(1, rate.burst);
  state_->tokens = state_->rate.burst;
}

std::shared_ptr<post_budget> post_budget::of(const std::string& bot_token,
                                             const std::string& channel, const post_rate& rate) {
  static std::mutex mu;
  // Kept for the process's life: a budget forgotten between two posts would
  // hand out a fresh burst each time. One small entry per channel posted to.
  static std::map<std::string, std::shared_ptr<post_budget>> budgets;
  const std::string key = sha256_hex(bot_token) + "/" + channel;
  std::lock_guard lock(mu);
  auto& budget = budgets[key];
  if (!budget) budget = std::make_shared<post_budget>(rate);
  return budget;
}

result<void> post_budget::acquire(const std::atomic<bool>& stopped) {
  if (state_->rate.per_second <= 0) return {};
  while (!stopped) {
    const auto wait = state_->take();
    if (wait.count() == 0) return {};
    std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(wait, stop_check));
  }
  return fail(errc::not_connected,
              "Slack chat.postMessage → stopped while waiting for the channel's post budget");
}

}  // namespace parley::slack

#pragma once

#include <cassert>
#include <utility>
#include <variant>

namespace parley::nats_agent {

/// Either a value or a protocol-level error of type `E`. parley::result<T>
/// carries a parley::error (a code from our enum); the agent protocol needs
/// errors that carry *wire* data instead (a service error code and
/// description, a control-plane error object), so this is the same shape with
/// the error type as a parameter. Member names follow std::expected.
template <class T, class E>
class [[nodiscard]] outcome {
 public:
  outcome(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
  outcome(E err) : state_(std::in_place_index<1>, std::move(err)) {}      // NOLINT: implicit

  [[nodiscard]] bool has_value() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const E& error() const& {
    assert(!has_value());
    return std::get<1>(state_);
  }

 private:
  std::variant<T, E> state_;
};

}  // namespace parley::nats_agent

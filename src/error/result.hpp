#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "src/error/errc.hpp"

namespace parley {

/// Either a value or an `error`. A small stand-in for C++23 std::expected,
/// which g++ 12 does not ship; the member names follow std::expected so the
/// switch is mechanical later.
template <class T>
class [[nodiscard]] result {
 public:
  result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design
  result(parley::error err) : state_(std::move(err)) {}  // NOLINT: implicit by design

  [[nodiscard]] bool has_value() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { assert(has_value()); return std::get<0>(state_); }
  const T& value() const& { assert(has_value()); return std::get<0>(state_); }
  T&& value() && { assert(has_value()); return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const parley::error& error() const { assert(!has_value()); return std::get<1>(state_); }

 private:
  std::variant<T, parley::error> state_;
};

/// A result with no value: success, or an error.
template <>
class [[nodiscard]] result<void> {
 public:
  result() = default;
  result(parley::error err) : err_(std::move(err)), failed_(true) {}  // NOLINT

  [[nodiscard]] bool has_value() const noexcept { return !failed_; }
  explicit operator bool() const noexcept { return !failed_; }
  const parley::error& error() const { assert(failed_); return err_; }

 private:
  parley::error err_;
  bool failed_ = false;
};

/// Shorthand for building an error result: `return fail(errc::io_error, "...")`.
[[nodiscard]] inline error fail(errc code, std::string message) {
  return error{code, std::move(message)};
}

}  // namespace parley

#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace parley::json {

/// Appends `s` to `out` as a JSON string literal (quotes included), escaping
/// what JSON requires (quotes, backslash, control characters) and nothing
/// else, like JSON.stringify. Bytes that are not UTF-8 become U+FFFD, so the
/// output is always valid JSON whatever a backend returned.
void append_quoted(std::string& out, std::string_view s);

/// A compact or pretty JSON builder. Pretty output matches
/// JSON.stringify(value, null, 2) byte for byte (the original's tool results).
///
///   writer w;
///   w.begin_object().key("a").value(1).key("b").begin_array().value("x").end_array().end_object();
///   std::string s = std::move(w).take();
class writer {
 public:
  /// indent 0: compact (no whitespace at all); 2: JSON.stringify(v, null, 2).
  explicit writer(int indent = 0) : indent_(indent) {}

  writer& begin_object();
  writer& end_object();
  writer& begin_array();
  writer& end_array();
  writer& key(std::string_view k);
  writer& value(std::string_view s);
  writer& value(const char* s) { return value(std::string_view(s)); }
  writer& value(const std::string& s) { return value(std::string_view(s)); }
  writer& value(std::int64_t n);
  writer& value(int n) { return value(static_cast<std::int64_t>(n)); }
  writer& value(std::size_t n) { return value(static_cast<std::int64_t>(n)); }
  writer& value(bool b);
  writer& null();
  /// Inserts already-serialized JSON as one value (trusted, compact).
  writer& raw(std::string_view json);
  /// An array of strings in one call.
  writer& string_array(const std::vector<std::string>& items);

  [[nodiscard]] const std::string& str() const noexcept { return out_; }
  [[nodiscard]] std::string take() && { return std::move(out_); }

 private:
  void before_value();
  void newline();
  void open(char c);
  void close(char c);

  struct level {
    bool first = true;
    bool empty = true;
  };
  std::string out_;
  std::vector<level> stack_;
  int indent_;
  bool after_key_ = false;
};

}  // namespace parley::json

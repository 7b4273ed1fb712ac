#include "src/json/writer.hpp"

#include <simdjson.h>

#include <cstdio>

#include "src/util/utf8.hpp"

namespace parley::json {

void append_quoted(std::string& out, std::string_view s) {
  // A string from a backend may hold bytes that are not UTF-8 (a row another
  // program wrote): emitting them would make the whole JSON-RPC line
  // unparseable, so each malformed byte becomes U+FFFD.
  if (!simdjson::validate_utf8(s.data(), s.size())) {
    const std::string repaired = utf8::repair(s);
    append_quoted(out, repaired);
    return;
  }
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t run = 0;  // start of the current stretch that needs no escape
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default:
        out.append("\\u00");
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 0xf]);
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

void writer::newline() {
  if (indent_ == 0) return;
  out_.push_back('\n');
  out_.append(stack_.size() * static_cast<std::size_t>(indent_), ' ');
}

void writer::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (stack_.empty()) return;
  auto& lvl = stack_.back();
  if (!lvl.first) out_.push_back(',');
  lvl.first = false;
  lvl.empty = false;
  newline();
}

void writer::open(char c) {
  before_value();
  out_.push_back(c);
  stack_.push_back({});
}

void writer::close(char c) {
  const bool empty = stack_.back().empty;
  stack_.pop_back();
  if (!empty) newline();
  out_.push_back(c);
}

writer& writer::begin_object() {
  open('{');
  return *this;
}

writer& writer::end_object() {
  close('}');
  return *this;
}

writer& writer::begin_array() {
  open('[');
  return *this;
}

writer& writer::end_array() {
  close(']');
  return *this;
}

writer& writer::key(std::string_view k) {
  before_value();
  append_quoted(out_, k);
  out_.push_back(':');
  if (indent_ > 0) out_.push_back(' ');
  after_key_ = true;
  return *this;
}

writer& writer::value(std::string_view s) {
  before_value();
  append_quoted(out_, s);
  return *this;
}

writer& writer::value(std::int64_t n) {
  before_value();
  out_.append(std::to_string(n));
  return *this;
}

writer& writer::value(bool b) {
  before_value();
  out_.append(b ? "true" : "false");
  return *this;
}

writer& writer::null() {
  before_value();
  out_.append("null");
  return *this;
}

writer& writer::raw(std::string_view json) {
  before_value();
  out_.append(json);
  return *this;
}

writer& writer::string_array(const std::vector<std::string>& items) {
  begin_array();
  for (const auto& s : items) value(s);
  return end_array();
}

}  // namespace parley::json

#include "src/config/value.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>

namespace parley::config {

value value::scalar(std::string text, bool plain) {
  value v;
  v.kind_ = kind::scalar;
  v.text_ = std::move(text);
  v.plain_ = plain;
  return v;
}

value value::list(std::vector<value> items) {
  value v;
  v.kind_ = kind::list;
  v.items_ = std::move(items);
  return v;
}

value value::map(map_entries entries) {
  value v;
  v.kind_ = kind::map;
  v.entries_ = std::move(entries);
  return v;
}

const value* value::find(std::string_view key) const noexcept {
  if (kind_ != kind::map) return nullptr;
  for (const auto& [k, v] : entries_)
    if (k == key) return &v;
  return nullptr;
}

value& value::set(std::string key, value v) {
  if (kind_ == kind::null) kind_ = kind::map;
  for (auto& [k, old] : entries_)
    if (k == key) return old = std::move(v);
  entries_.emplace_back(std::move(key), std::move(v));
  return entries_.back().second;
}

value& value::push_back(value v) {
  if (kind_ == kind::null) kind_ = kind::list;
  items_.push_back(std::move(v));
  return items_.back();
}

std::optional<bool> value::as_bool() const {
  if (kind_ != kind::scalar || !plain_) return std::nullopt;
  // YAML 1.2 core schema booleans.
  if (text_ == "true" || text_ == "True" || text_ == "TRUE") return true;
  if (text_ == "false" || text_ == "False" || text_ == "FALSE") return false;
  return std::nullopt;
}

std::optional<std::int64_t> value::as_int() const {
  if (kind_ != kind::scalar || !plain_ || text_.empty()) return std::nullopt;
  std::string_view s = text_;
  if (s.front() == '+') s.remove_prefix(1);
  std::int64_t out = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
  return out;
}

std::optional<double> value::as_double() const {
  if (kind_ != kind::scalar || !plain_ || text_.empty()) return std::nullopt;
  char* end = nullptr;
  double d = std::strtod(text_.c_str(), &end);
  if (end != text_.c_str() + text_.size()) return std::nullopt;
  return d;
}

map_reader::map_reader(const value& v, std::string path, std::vector<problem>& problems)
    : v_(v), path_(std::move(path)), problems_(problems) {
  if (!v_.is_null() && !v_.is_map())
    problems_.push_back({path_.empty() ? "(top level)" : path_, "expected a mapping of keys to values"});
}

std::string map_reader::path_of(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

void map_reader::report(std::string_view key, std::string message) {
  problems_.push_back({path_of(key), std::move(message)});
}

const value* map_reader::get(std::string_view key) {
  seen_.emplace_back(key);
  const value* v = v_.find(key);
  // An explicit `key:` with nothing after it means "use the default".
  return (v && !v->is_null()) ? v : nullptr;
}

std::optional<std::string> map_reader::string(std::string_view key, bool allow_empty) {
  const value* v = get(key);
  if (!v) return std::nullopt;
  if (!v->is_scalar()) {
    report(key, "expected a string");
    return std::nullopt;
  }
  if (!allow_empty && v->text().empty()) {
    report(key, "must not be empty");
    return std::nullopt;
  }
  return v->text();
}

std::optional<bool> map_reader::boolean(std::string_view key) {
  const value* v = get(key);
  if (!v) return std::nullopt;
  auto b = v->as_bool();
  if (!b) report(key, "expected true or false, got '" + v->text() + "'");
  return b;
}

std::optional<std::int64_t> map_reader::integer(std::string_view key, std::int64_t min,
                                                std::int64_t max) {
  const value* v = get(key);
  if (!v) return std::nullopt;
  auto i = v->as_int();
  if (!i) {
    report(key, "expected an integer, got '" + v->text() + "'");
    return std::nullopt;
  }
  if (*i < min || *i > max) {
    report(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                    ", got " + std::to_string(*i));
    return std::nullopt;
  }
  return i;
}

std::optional<std::vector<std::string>> map_reader::string_list(std::string_view key,
                                                                bool allow_single) {
  const value* v = get(key);
  if (!v) return std::nullopt;
  if (v->is_scalar() && allow_single) return std::vector<std::string>{v->text()};
  if (!v->is_list()) {
    report(key, allow_single ? "expected a string or a list of strings" : "expected a list of strings");
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (std::size_t i = 0; i < v->items().size(); ++i) {
    const value& item = v->items()[i];
    if (!item.is_scalar()) {
      problems_.push_back({path_of(key) + "[" + std::to_string(i) + "]", "expected a string"});
      ok = false;
      continue;
    }
    out.push_back(item.text());
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::vector<std::pair<std::string, std::string>>> map_reader::string_map(
    std::string_view key) {
  const value* v = get(key);
  if (!v) return std::nullopt;
  if (!v->is_map()) {
    report(key, "expected a mapping of strings to strings");
    return std::nullopt;
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [k, item] : v->entries()) {
    if (!item.is_scalar()) {
      problems_.push_back({path_of(key) + "." + k, "expected a string"});
      continue;
    }
    out.emplace_back(k, item.text());
  }
  return out;
}

void map_reader::finish() {
  if (!v_.is_map()) return;
  for (const auto& [k, v] : v_.entries())
    if (std::find(seen_.begin(), seen_.end(), k) == seen_.end())
      problems_.push_back({path_of(k), "unknown key"});
}

error to_error(std::string_view heading, const std::vector<problem>& problems) {
  std::string msg(heading);
  for (const auto& p : problems) msg += "\n  " + p.path + ": " + p.message;
  return error{errc::invalid_config, std::move(msg)};
}

std::optional<std::string> map_reader::secret(std::string_view key, std::string_view default_env) {
  std::string env_name(default_env);
  if (auto e = string(std::string(key) + "_env", false)) env_name = *e;
  if (auto v = string(key, false)) return v;
  const char* env = std::getenv(env_name.c_str());
  if (env != nullptr && *env != '\0') return std::string(env);
  return std::nullopt;
}

}  // namespace parley::config

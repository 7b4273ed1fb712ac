#include "src/model/mentions.hpp"

#include <algorithm>

namespace parley {

namespace {

bool is_alnum(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_handle_inner(char c) noexcept {
  return is_alnum(c) || c == '.' || c == '_' || c == '-';
}

// Characters that, right before an `@`, make it part of a word or address.
bool blocks_mention(char c) noexcept {
  return is_alnum(c) || c == '_' || c == '.' || c == '@' || c == '-';
}

}  // namespace

std::vector<std::string> parse_mentions(std::string_view content) {
  std::vector<std::string> found;
  const std::size_t n = content.size();
  std::size_t i = 0;
  while (i < n) {
    if (content[i] != '@' || (i > 0 && blocks_mention(content[i - 1]))) {
      ++i;
      continue;
    }
    std::size_t start = i + 1;
    if (start >= n || !is_alnum(content[start])) {
      ++i;
      continue;
    }
    // Greedy over the inner alphabet, then back off to the last alphanumeric:
    // this is what the original's backtracking regex settles on.
    std::size_t end = start + 1;
    while (end < n && is_handle_inner(content[end])) ++end;
    while (end > start + 1 && !is_alnum(content[end - 1])) --end;
    std::string handle(content.substr(start, end - start));
    if (std::find(found.begin(), found.end(), handle) == found.end()) found.push_back(std::move(handle));
    // The regex consumes the guard character and the handle; the next match
    // starts right after the handle.
    i = end;
  }
  return found;
}

}  // namespace parley

#include "actors/transport/stdio/stdin_lines.hpp"

#include <caf/all.hpp>

#include "actors/messages.hpp"

namespace parley {

stdin_lines::stdin_lines(caf::actor session, std::size_t max_line_bytes)
    : session_(std::move(session)), max_line_bytes_(max_line_bytes) {}

void stdin_lines::feed(const char* data, std::size_t size) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] != '\n') continue;
    take(data + start, i - start);
    finish_line();
    start = i + 1;
  }
  take(data + start, size - start);
}

void stdin_lines::finish() {
  if (!line_.empty() || discarding_) finish_line();
}

void stdin_lines::take(const char* p, std::size_t len) {
  if (discarding_ || line_.size() + len > max_line_bytes_) {
    discarding_ = true;
    discarded_ += line_.size() + len;
    line_.clear();
  } else {
    line_.append(p, len);
  }
}

void stdin_lines::finish_line() {
  if (discarding_) {
    caf::anon_send(session_, oversized_input{discarded_});
  } else {
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    const bool blank = line_.find_first_not_of(" \t") == std::string::npos;
    if (!blank) caf::anon_send(session_, rpc_input{std::move(line_)});
  }
  line_.clear();
  discarding_ = false;
  discarded_ = 0;
}

}  // namespace parley

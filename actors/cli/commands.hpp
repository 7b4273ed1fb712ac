#pragma once

#include "cli/command_line.hpp"

namespace parley::cli {

// Each returns the process exit code: 0 on success, 1 on a failure a user
// can act on (the message is on stderr), 2 on a usage error.

/// `parley stdio`: one MCP session on stdin/stdout.
[[nodiscard]] int run_stdio(const command_line& cl);
/// `parley serve`: the gateway (Streamable HTTP).
[[nodiscard]] int run_serve(const command_line& cl);
/// `parley hash-token TOKEN`
[[nodiscard]] int run_hash_token(const command_line& cl);
/// `parley hash-secret [SECRET]` (stdin without SECRET)
[[nodiscard]] int run_hash_secret(const command_line& cl);
/// `parley post`
[[nodiscard]] int run_post(const command_line& cl);
/// `parley tail`
[[nodiscard]] int run_tail(const command_line& cl);
/// `parley doctor`
[[nodiscard]] int run_doctor(const command_line& cl);

}  // namespace parley::cli

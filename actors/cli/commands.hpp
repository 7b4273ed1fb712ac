#pragma once

#include "actors/cli/command_line.hpp"
#include "actors/cli/setup.hpp"
#include "actors/cli/stdio_agent.hpp"

namespace parley::cli {

// Each returns the process exit code: 0 on success, 1 on a failure a user
// can act on (the message is on stderr), 2 on a usage error.

/// `parley stdio`: one MCP session on stdin/stdout, with the config already
/// loaded. `make_agent` is empty where NATS agents are not linked in.
[[nodiscard]] int run_stdio(loaded setup, const stdio_agent_factory& make_agent);
/// Replaces this process with `parley-full` and the same arguments; returns
/// (1, after saying why) only when that fails.
[[nodiscard]] int become_full_program(char** argv);
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

#pragma once

#include <optional>
#include <string>
#include <vector>

namespace parley::cli {

/// The parsed command line: `parley [COMMAND] [OPTIONS] [ARGS]`.
struct command_line {
  /// stdio (default), post, tail, doctor, backends, version, help.
  std::string command = "stdio";
  /// --config/-c PATH, last one wins; else $PARLEY_CONFIG; else parley.config.yaml.
  std::string config_path;
  std::optional<std::string> topic;
  std::optional<std::string> as_handle;
  std::optional<std::string> reply_to;
  std::optional<std::string> since;
  /// `parley serve --listen HOST:PORT`
  std::optional<std::string> listen;
  std::optional<long> limit;
  bool follow = true;
  std::vector<std::string> args;
  /// Set when the line could not be parsed; the text says why.
  std::string error;
};

[[nodiscard]] command_line parse(int argc, char** argv);

/// The usage text.
[[nodiscard]] std::string usage();

}  // namespace parley::cli

#include "actors/cli/command_line.hpp"

#include <cstdlib>
#include <string_view>

namespace parley::cli {

namespace {

bool is_command(std::string_view s) {
  for (auto c : {"stdio", "serve", "hash-token", "hash-secret", "post", "tail", "doctor", "backends", "version", "help"})
    if (s == c) return true;
  return false;
}

}  // namespace

command_line parse(int argc, char** argv) {
  command_line cl;
  const char* env = std::getenv("PARLEY_CONFIG");
  cl.config_path = env && *env ? env : "parley.config.yaml";
  int i = 1;
  if (i < argc && is_command(argv[i])) cl.command = argv[i++];
  auto value_of = [&](std::string_view arg, std::string_view name, std::string& out) -> bool {
    // --name=value or --name value
    if (arg.rfind(name, 0) != 0) return false;
    std::string_view rest = arg.substr(name.size());
    if (rest.empty()) {
      if (i + 1 >= argc) {
        cl.error = std::string(name) + " needs a value";
        return true;
      }
      out = argv[++i];
      return true;
    }
    if (rest.front() != '=') return false;
    out = std::string(rest.substr(1));
    return true;
  };
  for (; i < argc; ++i) {
    std::string_view a = argv[i];
    std::string v;
    if (a == "--version" || a == "-V") {
      cl.command = "version";
    } else if (a == "--help" || a == "-h") {
      cl.command = "help";
    } else if (a == "-c") {
      if (i + 1 >= argc) {
        cl.error = "-c needs a value";
        break;
      }
      cl.config_path = argv[++i];
    } else if (value_of(a, "--config", v)) {
      cl.config_path = v;
    } else if (value_of(a, "--topic", v)) {
      cl.topic = v;
    } else if (value_of(a, "--as", v)) {
      cl.as_handle = v;
    } else if (value_of(a, "--reply-to", v)) {
      cl.reply_to = v;
    } else if (value_of(a, "--listen", v)) {
      cl.listen = v;
    } else if (value_of(a, "--since", v)) {
      cl.since = v;
    } else if (value_of(a, "--limit", v)) {
      char* end = nullptr;
      long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n < 0) {
        cl.error = "--limit needs a non-negative number";
        break;
      }
      cl.limit = n;
    } else if (a == "--no-follow") {
      cl.follow = false;
    } else if (a.size() > 1 && a.front() == '-' && a != "-") {
      cl.error = "unknown option " + std::string(a);
      break;
    } else {
      cl.args.emplace_back(a);
    }
    if (!cl.error.empty()) break;
  }
  return cl;
}

std::string usage() {
  return R"(usage: parley [COMMAND] [--config FILE] [OPTIONS]

commands:
  stdio     (default) serve one MCP session on stdin/stdout: the Claude Code channel
  serve     the gateway: many MCP sessions over Streamable HTTP at /mcp
            parley serve [--config FILE] [--listen HOST:PORT]   (default gateway.listen, 127.0.0.1:7420)
  hash-token TOKEN   print the SHA-256 to put in gateway.tokens for a bearer token
  hash-secret [SECRET]   print the scrypt hash to put in owners.<name>.secret_hash
            (without SECRET the secret is read from stdin)
  post      post a message: parley post --topic T [--as HANDLE] [--reply-to ID] [TEXT...]
            (without TEXT the message is read from stdin)
  tail      print a topic's recent messages, then follow it live:
            parley tail --topic T [--since CURSOR] [--limit N] [--no-follow]
  doctor    check the configuration and the backend, and report what works
  backends  list the backends compiled in
  version   print the version

The config file is --config FILE (or -c FILE), else $PARLEY_CONFIG, else
./parley.config.yaml. See config/parley.example.yaml for every key.
)";
}

}  // namespace parley::cli

// `parley hash-secret [SECRET]`: the value to put in owners.<name>.secret_hash.
#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>

#include "actors/cli/commands.hpp"
#include "src/oauth/secret_hash.hpp"

namespace parley::cli {

int run_hash_secret(const command_line& cl) {
  if (cl.args.size() > 1) {
    std::fprintf(stderr,
                 "usage: parley hash-secret [SECRET]   (without SECRET it is read from stdin)\n");
    return 2;
  }
  std::string secret;
  if (cl.args.size() == 1) {
    secret = cl.args[0];
  } else {
    // From stdin, so the secret stays out of shell history and `ps`.
    secret.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    if (!secret.empty() && secret.back() == '\n') secret.pop_back();
    if (!secret.empty() && secret.back() == '\r') secret.pop_back();
  }
  if (secret.empty()) {
    std::fprintf(stderr,
                 "parley: the secret must not be empty\n"
                 "usage: parley hash-secret [SECRET]   (without SECRET it is read from stdin)\n");
    return 2;
  }
  std::printf("%s\n", oauth::hash_secret(secret).c_str());
  return 0;
}

}  // namespace parley::cli

#include "src/oauth/secret_hash.hpp"

#include <catch2/catch.hpp>

#include <vector>

using namespace parley::oauth;

TEST_CASE("secret hash: verifies a hash made by Node's crypto.scryptSync", "[oauth]") {
  // node -e "const c=require('crypto');const s=Buffer.alloc(16,1);
  //   console.log('scrypt$'+s.toString('base64')+'$'+c.scryptSync('hunter2',s,32).toString('base64'))"
  const std::string node =
      "scrypt$AQEBAQEBAQEBAQEBAQEBAQ==$wVBLrW4J7bxgwYyJPgoCBHRHgBNSza0rZAmCjZrqBF4=";
  CHECK(verify_secret("hunter2", node));
  CHECK_FALSE(verify_secret("hunter3", node));
  CHECK_FALSE(verify_secret("", node));
  CHECK(is_secret_hash(node));
}

TEST_CASE("secret hash: round trip with a fresh salt each time", "[oauth]") {
  const std::string a = hash_secret("correct horse");
  const std::string b = hash_secret("correct horse");
  CHECK(a != b);
  CHECK(a.rfind("scrypt$", 0) == 0);
  CHECK(a.size() == 7 + 24 + 1 + 44);
  CHECK(verify_secret("correct horse", a));
  CHECK(verify_secret("correct horse", b));
  CHECK_FALSE(verify_secret("correct horsE", a));
}

TEST_CASE("secret hash: malformed encodings never verify", "[oauth]") {
  const std::string good =
      "scrypt$AQEBAQEBAQEBAQEBAQEBAQ==$wVBLrW4J7bxgwYyJPgoCBHRHgBNSza0rZAmCjZrqBF4=";
  const std::vector<std::string> bads = {
      "",
      "scrypt$",
      "bcrypt$AQEBAQEBAQEBAQEBAQEBAQ==$x",
      good.substr(0, good.size() - 1),
      "scrypt$AQEBAQEBAQEBAQEBAQEBAQ$wVBLrW4J7bxgwYyJPgoCBHRHgBNSza0rZAmCjZrqBF4=",
      "scrypt$AQEBAQEBAQEBAQEBAQEB$wVBLrW4J7bxgwYyJPgoCBHRHgBNSza0rZAmCjZrqBF4=",
      good + "$",
      "scrypt$AQEBAQEBAQEBAQEBAQEBAQ==$ wVBLrW4J7bxgwYyJPgoCBHRHgBNSza0rZAmCjZrqBF4="};
  for (const std::string& bad : bads) {
    CAPTURE(bad);
    CHECK_FALSE(is_secret_hash(bad));
    CHECK_FALSE(verify_secret("hunter2", bad));
  }
}

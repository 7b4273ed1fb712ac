#include "src/util/utf8.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace utf8 = parley::utf8;

namespace {

/// Every code point `s` decodes to, advancing with next_code_point.
std::u32string decode_all(std::string_view s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) out.push_back(utf8::next_code_point(s, i));
  return out;
}

}  // namespace

TEST_CASE("utf8: ASCII decodes one byte at a time") {
  const std::string_view s = "az\x7F";
  const auto d = utf8::decode(s, 0);
  CHECK(d.valid);
  CHECK(d.code_point == U'a');
  CHECK(d.length == 1);
  CHECK(decode_all(s) == U"az\x7F");
  CHECK(decode_all(std::string_view("\0x", 2)) == std::u32string(U"\0x", 2));
}

TEST_CASE("utf8: 2, 3 and 4 byte sequences decode whole") {
  struct sample {
    std::string_view bytes;
    char32_t code_point;
  };
  const sample samples[] = {
      {"\xC2\x80", 0x80},
      {"\xC3\xA9", 0xE9},
      {"\xDF\xBF", 0x7FF},
      {"\xE0\xA0\x80", 0x800},
      {"\xE2\x82\xAC", 0x20AC},
      {"\xED\x9F\xBF", 0xD7FF},
      {"\xEE\x80\x80", 0xE000},
      {"\xEF\xBF\xBD", 0xFFFD},
      {"\xEF\xBF\xBF", 0xFFFF},
      {"\xF0\x90\x80\x80", 0x10000},
      {"\xF0\x9F\x98\x80", 0x1F600},
      {"\xF4\x8F\xBF\xBF", 0x10FFFF},
  };
  for (const auto& [bytes, code_point] : samples) {
    INFO("code point " << static_cast<std::uint32_t>(code_point));
    const auto d = utf8::decode(bytes, 0);
    CHECK(d.valid);
    CHECK(d.code_point == code_point);
    CHECK(d.length == bytes.size());
    std::size_t i = 0;
    CHECK(utf8::next_code_point(bytes, i) == code_point);
    CHECK(i == bytes.size());
  }
  CHECK(decode_all("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z") == U"a\u00E9\u20AC\U0001F600z");
}

TEST_CASE("utf8: malformed sequences are rejected one byte at a time") {
  const std::string_view bad[] = {
      "\x80",              // stray continuation byte
      "\xBF",              // stray continuation byte
      "\xC0\xAF",          // overlong '/'
      "\xC1\xBF",          // overlong U+007F
      "\xE0\x80\xAF",      // overlong '/'
      "\xE0\x9F\xBF",      // overlong U+07FF
      "\xF0\x80\x80\xAF",  // overlong '/'
      "\xF0\x8F\xBF\xBF",  // overlong U+FFFF
      "\xED\xA0\x80",      // U+D800, a surrogate
      "\xED\xBF\xBF",      // U+DFFF, a surrogate
      "\xF4\x90\x80\x80",  // U+110000, past the last code point
      "\xF5\x80\x80\x80",  // lead byte past U+10FFFF
      "\xF8\x88\x80\x80",  // five-byte form
      "\xFE",              // never valid
      "\xFF",              // never valid
      "\xC3",              // truncated 2-byte
      "\xE2\x82",          // truncated 3-byte
      "\xF0\x9F\x98",      // truncated 4-byte
      "\xC3x",             // continuation missing
      "\xE2\x82x",         // continuation missing
  };
  for (const auto s : bad) {
    INFO("sequence of " << s.size() << " bytes starting "
                        << static_cast<int>(static_cast<unsigned char>(s[0])));
    const auto d = utf8::decode(s, 0);
    CHECK_FALSE(d.valid);
    CHECK(d.code_point == utf8::replacement_character);
    CHECK(d.length == 1);
  }
}

TEST_CASE("utf8: a malformed byte becomes U+FFFD and does not swallow what follows") {
  CHECK(decode_all("\xC3x") == U"\uFFFDx");
  CHECK(decode_all("\xE2\x82x") == U"\uFFFD\uFFFDx");
  CHECK(decode_all("\xED\xA0\x80") == U"\uFFFD\uFFFD\uFFFD");
  CHECK(decode_all("\xF0\x9F\x98") == U"\uFFFD\uFFFD\uFFFD");
  CHECK(decode_all("a\x80\xC3\xA9") == U"a\uFFFD\u00E9");
  // Decoding from the middle of a sequence.
  const std::string_view s = "\xC3\xA9";
  CHECK_FALSE(utf8::decode(s, 1).valid);
}

TEST_CASE("utf8: UTF-16 length counts astral characters as two units") {
  CHECK(utf8::utf16_units(U'a') == 1);
  CHECK(utf8::utf16_units(0xFFFF) == 1);
  CHECK(utf8::utf16_units(0x10000) == 2);
  CHECK(utf8::utf16_units(0x10FFFF) == 2);
  CHECK(utf8::code_point_count("") == 0);
  CHECK(utf8::code_point_count("a\xC3\xA9\xF0\x9F\xA6\x9C") == 3);
  CHECK(utf8::code_point_count("\xFF\xFE") == 2);
  CHECK(utf8::utf16_length("") == 0);
  CHECK(utf8::utf16_length("abc") == 3);
  CHECK(utf8::utf16_length("\xC3\xA9") == 1);
  CHECK(utf8::utf16_length("\xE2\x82\xAC") == 1);
  CHECK(utf8::utf16_length("\xF0\x9F\x98\x80") == 2);
  CHECK(utf8::utf16_length("a\xF0\x9F\x98\x80\xF0\x9F\x98\x80z") == 6);
  // Each malformed byte is one U+FFFD, one unit.
  CHECK(utf8::utf16_length("\xF0\x9F\x98") == 3);
  CHECK(utf8::utf16_length("\xFF") == 1);
}

TEST_CASE("utf8: UTF-16 prefix never splits a sequence") {
  const std::string_view s = "a\xC3\xA9\xF0\x9F\x98\x80z";  // a é 😀 z: 5 units
  CHECK(utf8::utf16_prefix(s, 0) == "");
  CHECK(utf8::utf16_prefix(s, 1) == "a");
  CHECK(utf8::utf16_prefix(s, 2) == "a\xC3\xA9");
  // Room for half the surrogate pair only: stop before the emoji.
  CHECK(utf8::utf16_prefix(s, 3) == "a\xC3\xA9");
  CHECK(utf8::utf16_prefix(s, 4) == "a\xC3\xA9\xF0\x9F\x98\x80");
  CHECK(utf8::utf16_prefix(s, 5) == s);
  CHECK(utf8::utf16_prefix(s, 100) == s);
  // Whatever the cut, the prefix is whole code points within the budget.
  for (std::size_t n = 0; n <= 6; ++n) {
    const auto p = utf8::utf16_prefix(s, n);
    CHECK(utf8::utf16_length(p) <= n);
    CHECK(decode_all(p) == decode_all(s).substr(0, decode_all(p).size()));
    CHECK(decode_all(p).find(utf8::replacement_character) == std::u32string::npos);
  }
  // A malformed byte is one unit and may be cut after.
  CHECK(utf8::utf16_prefix("\xFF\xC3\xA9", 1) == "\xFF");
}

TEST_CASE("utf8: wide strings hold one code point per element") {
  CHECK(utf8::to_wstring("") == L"");
  CHECK(utf8::to_wstring("a\xC3\xA9") == L"a\u00E9");
  const std::wstring astral = utf8::to_wstring("\xF0\x9F\x98\x80");
  REQUIRE(astral.size() == 1);
  CHECK(static_cast<char32_t>(astral[0]) == 0x1F600);
  CHECK(utf8::to_wstring("x\xC0\xAF") == L"x\uFFFD\uFFFD");
}

TEST_CASE("utf8: UTF-16 strings use surrogate pairs for astral characters") {
  CHECK(utf8::to_utf16("") == u"");
  CHECK(utf8::to_utf16("a\xC3\xA9\xE2\x82\xAC") == u"a\u00E9\u20AC");
  CHECK(utf8::to_utf16("\xF0\x9F\x98\x80") == std::u16string{0xD83D, 0xDE00});
  CHECK(utf8::to_utf16("\xF4\x8F\xBF\xBF") == std::u16string{0xDBFF, 0xDFFF});
  CHECK(utf8::to_utf16("\xED\xA0\x80") == u"\uFFFD\uFFFD\uFFFD");
  CHECK(utf8::to_utf16("a\xF0\x9F\x98\x80").size() == utf8::utf16_length("a\xF0\x9F\x98\x80"));
}

TEST_CASE("utf8 repair: malformed bytes become U+FFFD, the rest stays", "[util]") {
  CHECK(utf8::repair("") == "");
  CHECK(utf8::repair("caf\xC3\xA9 \xF0\x9F\x98\x80") == "caf\xC3\xA9 \xF0\x9F\x98\x80");
  CHECK(utf8::repair("a\xFF"
                     "b") ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(utf8::repair("\xC3") == "\xEF\xBF\xBD");  // cut short
  CHECK(utf8::repair("\xE2\x82"
                     "x") ==
        "\xEF\xBF\xBD\xEF\xBF\xBD"
        "x");                                                                     // each byte alone
  CHECK(utf8::repair("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  CHECK(utf8::repair(std::string("a\0b", 3)) == std::string("a\0b", 3));
}

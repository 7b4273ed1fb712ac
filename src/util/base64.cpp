#include "src/util/base64.hpp"

#include <array>
#include <cstdint>

namespace parley::base64 {

namespace {

using table = std::array<std::int8_t, 256>;

constexpr std::string_view k_standard =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view k_url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr table make_table(std::string_view alphabet) {
  table t{};
  for (auto& v : t) v = -1;
  for (std::size_t i = 0; i < alphabet.size(); ++i)
    t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
  return t;
}

constexpr table k_standard_values = make_table(k_standard);
constexpr table k_url_values = make_table(k_url);

/// What one decoder accepts; the named entry points differ only in these.
struct rules {
  std::string_view name;  ///< "base64" or "base64url", for messages
  const table& values;
  bool padded;          ///< `=` padding required (else forbidden)
  bool canonical_bits;  ///< unused bits of the last character must be zero
};

std::string encode(std::string_view bytes, std::string_view alphabet, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  auto byte = [&](std::size_t k) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k]));
  };
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out.push_back(alphabet[(n >> 18) & 63]);
    out.push_back(alphabet[(n >> 12) & 63]);
    out.push_back(alphabet[(n >> 6) & 63]);
    out.push_back(alphabet[n & 63]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 0) return out;
  std::uint32_t n = byte(i) << 16;
  if (rest == 2) n |= byte(i + 1) << 8;
  out.push_back(alphabet[(n >> 18) & 63]);
  out.push_back(alphabet[(n >> 12) & 63]);
  if (rest == 2) out.push_back(alphabet[(n >> 6) & 63]);
  if (pad) out.append(rest == 1 ? "==" : "=");
  return out;
}

error invalid(std::string message) {
  return error{errc::invalid_argument, std::move(message)};
}

/// The characters before the padding, or the reason the length is wrong.
result<std::string_view> data_part(std::string_view text, const rules& r) {
  if (!r.padded) {
    if (text.size() % 4 == 1)
      return invalid(std::string(r.name) + " length " + std::to_string(text.size()) +
                     " is impossible");
    return text;
  }
  if (text.size() % 4 != 0)
    return invalid("length " + std::to_string(text.size()) + " is not a multiple of 4");
  std::size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
  return text.substr(0, text.size() - padding);
}

result<std::string> decode(std::string_view text, const rules& r) {
  auto data = data_part(text, r);
  if (!data) return data.error();
  std::string out;
  out.reserve(data->size() / 4 * 3 + 2);
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < data->size(); ++i) {
    const auto c = static_cast<unsigned char>((*data)[i]);
    const auto v = r.values[c];
    if (v < 0) {
      if (c == '=' && r.padded)
        return invalid("padding '=' before the end at offset " + std::to_string(i));
      return invalid("character outside the " + std::string(r.padded ? "standard" : r.name) +
                     " alphabet at offset " + std::to_string(i));
    }
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  // Left-over bits (2 or 4) that are not zero mean several texts decode to
  // the same bytes.
  if (r.canonical_bits && bits > 0 && (acc & ((1u << bits) - 1)) != 0)
    return invalid(std::string(r.name) + " has non-zero trailing bits");
  return out;
}

}  // namespace

std::string encode(std::string_view bytes) {
  return encode(bytes, k_standard, true);
}

std::string encode_url(std::string_view bytes) {
  return encode(bytes, k_url, false);
}

result<std::string> decode_strict(std::string_view text) {
  return decode(text, rules{"base64", k_standard_values, true, true});
}

result<std::string> decode_lenient(std::string_view text) {
  return decode(text, rules{"base64", k_standard_values, true, false});
}

result<std::string> decode_url(std::string_view text) {
  return decode(text, rules{"base64url", k_url_values, false, true});
}

}  // namespace parley::base64

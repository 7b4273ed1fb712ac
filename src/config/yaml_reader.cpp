// read_yaml_file: the only place that includes yaml-cpp. Everything past this
// file sees a config::value tree, so backends and tests never need a parser.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "src/config/parley_config.hpp"

namespace parley {
namespace {

/// A config is a few dozen lines; anything bigger is a wrong path (a database,
/// /dev/zero), refused before it is read into memory.
constexpr off_t k_max_file_bytes = 16 * 1024 * 1024;
/// Aliases can point at their own ancestors (`a: &x [*x]`), which yaml-cpp
/// builds as a cycle, and nested aliases expand exponentially ("billion
/// laughs"). No real config comes near either limit.
constexpr int k_max_depth = 64;
constexpr std::size_t k_max_values = 100'000;

std::string position(const YAML::Mark& mark) {
  if (mark.is_null()) return {};
  return "line " + std::to_string(mark.line + 1) + ", column " + std::to_string(mark.column + 1);
}

/// Thrown inside the conversion only; turned into a result at the boundary.
struct conversion_error {
  YAML::Mark mark;
  std::string message;
};

class converter {
 public:
  config::value convert(const YAML::Node& node, int depth) {
    if (depth > k_max_depth)
      throw conversion_error{node.Mark(), "nested deeper than " + std::to_string(k_max_depth) +
                                              " levels (a self-referencing alias?)"};
    if (++count_ > k_max_values)
      throw conversion_error{node.Mark(), "more than " + std::to_string(k_max_values) +
                                              " values (aliases expanding without bound?)"};
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        return {};
      case YAML::NodeType::Scalar:
        // "?" is a plain scalar, "!" a quoted or block one; an explicit
        // `!!str` also makes it a string, any other tag is read as plain.
        return config::value::scalar(node.Scalar(),
                                     node.Tag() != "!" && node.Tag() != "tag:yaml.org,2002:str");
      case YAML::NodeType::Sequence: {
        config::value out = config::value::list();
        for (const auto& item : node) out.push_back(convert(item, depth + 1));
        return out;
      }
      case YAML::NodeType::Map: {
        config::value::map_entries entries;
        for (const auto& kv : node) {
          if (!kv.first.IsScalar())
            throw conversion_error{kv.first.Mark(), "mapping keys must be plain strings"};
          const std::string& key = kv.first.Scalar();
          // yaml-cpp keeps both entries of a repeated key; the original's
          // parser refuses the file, and silently picking one would hide a typo.
          for (const auto& [seen, unused] : entries)
            if (seen == key) throw conversion_error{kv.first.Mark(), "duplicate key '" + key + "'"};
          entries.emplace_back(key, convert(kv.second, depth + 1));
        }
        return config::value::map(std::move(entries));
      }
    }
    return {};
  }

 private:
  std::size_t count_ = 0;
};

error invalid(const std::string& path, const YAML::Mark& mark, const std::string& message) {
  std::string where = position(mark);
  return fail(errc::invalid_config,
              path + ": invalid YAML" + (where.empty() ? "" : " at " + where) + ": " + message);
}

result<std::string> read_file(const std::string& path) {
  auto io_failure = [&](const char* what, int err) {
    return fail(errc::io_error, "cannot read config " + path + ": " + what + std::strerror(err));
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_failure("", errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return io_failure("", err);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return fail(errc::io_error, "cannot read config " + path + ": not a regular file");
  }
  if (st.st_size > k_max_file_bytes) {
    ::close(fd);
    return fail(errc::io_error, "cannot read config " + path + ": larger than " +
                                    std::to_string(k_max_file_bytes) + " bytes");
  }
  std::string text;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return io_failure("", err);
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > static_cast<std::size_t>(k_max_file_bytes)) {
      ::close(fd);
      return fail(errc::io_error, "cannot read config " + path + ": grew while being read");
    }
  }
  ::close(fd);
  return text;
}

}  // namespace

result<config::value> read_yaml_file(const std::string& path) {
  auto text = read_file(path);
  if (!text) return text.error();
  try {
    std::vector<YAML::Node> docs = YAML::LoadAll(*text);
    if (docs.empty()) return config::value();  // an empty file: every key absent
    if (docs.size() > 1)
      return fail(errc::invalid_config,
                  path + ": expected one YAML document, found " + std::to_string(docs.size()));
    converter c;
    return c.convert(docs.front(), 0);
  } catch (const conversion_error& e) {
    return invalid(path, e.mark, e.message);
  } catch (const YAML::Exception& e) {
    return invalid(path, e.mark, e.msg);
  }
}

}  // namespace parley

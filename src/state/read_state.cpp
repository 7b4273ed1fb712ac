#include "src/state/read_state.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string_view>

#include <simdjson.h>

#include "src/json/writer.hpp"
#include "src/state/state_dir.hpp"
#include "src/util/sha256.hpp"

namespace parley {
namespace {

namespace fs = std::filesystem;

/// Cursors for a few dozen topics take a few kilobytes; a file far larger than
/// that is not ours, and reading it whole would only waste memory.
constexpr off_t k_max_state_bytes = 64 * 1024 * 1024;

std::string sha256_prefix8(std::string_view s) { return sha256_hex(s).substr(0, 8); }

bool is_safe_char(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

/// Length of the UTF-8 sequence starting at `i`, or 0 if it is not one.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  auto b = static_cast<unsigned char>(s[i]);
  std::size_t len = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return 0;
  return len;
}

/// The directory name for an instance key (docs/parley-behavior.md, "Read state"): injective,
/// because any changed or special name carries a hash of the raw key, and
/// traversal-free, because `/` never survives and `.`/`..` never stand alone.
std::string directory_name(const std::string& key) {
  std::string cleaned;
  bool changed = false;
  for (std::size_t i = 0; i < key.size();) {
    auto c = static_cast<unsigned char>(key[i]);
    if (is_safe_char(c)) {
      cleaned += static_cast<char>(c);
      ++i;
      continue;
    }
    changed = true;
    // One `_` per UTF-16 code unit, as the original's JavaScript replace
    // makes, so a non-ASCII id names the same directory in both.
    std::size_t len = utf8_length(key, i);
    cleaned += len == 4 ? "__" : "_";
    i += len == 0 ? 1 : len;
  }
  bool special = cleaned.empty() || cleaned == "." || cleaned == "..";
  if (!changed && !special) return cleaned;
  return (special ? std::string("default") : cleaned) + "-" + sha256_prefix8(key);
}

error io_failure(const std::string& what, const std::string& path, int err) {
  return fail(errc::io_error,
              "read state: cannot " + what + " " + path + ": " + std::strerror(err));
}

/// mkdir -p with 0700 for every directory it creates; existing ones (the
/// user's ~/.local/state) keep their mode.
result<void> make_directories(const fs::path& dir) {
  fs::path prefix;
  for (const auto& part : dir) {
    prefix /= part;
    if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST)
      return io_failure("create directory", prefix.string(), errno);
  }
  return {};
}

result<void> write_all(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_failure("write", path, errno);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

/// Temp file beside the target, fsync, rename over it: a reader sees the old
/// file or the new one, never half of one, even after a crash.
result<void> replace_file(const std::string& path, std::string_view content) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  ::unlink(tmp.c_str());  // a leftover of a crashed process that had our pid
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return io_failure("create", tmp, errno);
  // Cursors reveal what a user reads: 0600 whatever the umask.
  result<void> r;
  if (::fchmod(fd, 0600) != 0) r = io_failure("chmod", tmp, errno);
  if (r) r = write_all(fd, content, tmp);
  if (r && ::fsync(fd) != 0) r = io_failure("fsync", tmp, errno);
  if (::close(fd) != 0 && r) r = io_failure("close", tmp, errno);
  if (r && ::rename(tmp.c_str(), path.c_str()) != 0) r = io_failure("rename onto", path, errno);
  if (!r) {
    ::unlink(tmp.c_str());
    return r;
  }
  // Make the rename itself durable.
  fs::path parent = fs::path(path).parent_path();
  if (parent.empty()) parent = ".";
  if (int dfd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

std::string serialize(const std::map<std::string, std::string>& state) {
  // Pretty like the original's JSON.stringify(state, null, 2) + "\n", so a
  // human can read and diff it.
  json::writer w(2);
  w.begin_object();
  for (const auto& [topic, cursor] : state) w.key(topic).value(cursor);
  w.end_object();
  return std::move(w).take() + "\n";
}

/// Releases the lock when it goes out of scope.
class file_lock {
 public:
  explicit file_lock(int fd) : fd_(fd) {}
  ~file_lock() {
    if (fd_ >= 0) ::close(fd_);
  }
  file_lock(const file_lock&) = delete;
  file_lock& operator=(const file_lock&) = delete;

 private:
  int fd_;
};

}  // namespace

read_state_store::read_state_store(std::string path) : path_(std::move(path)) {}

std::string read_state_store::default_path(const std::optional<std::string>& state_path,
                                           const std::string& instance_key) {
  if (state_path) return *state_path;
  return (fs::path(parley_state_dir()) / directory_name(instance_key) / "read-state.json").string();
}

std::string read_state_store::instance_key(const std::optional<std::string>& instance_id,
                                           const std::string& handle,
                                           const std::string& working_dir) {
  if (instance_id) return *instance_id;
  return handle + "@" + sha256_prefix8(working_dir);
}

std::map<std::string, std::string> read_state_store::load() const {
  std::map<std::string, std::string> out;
  int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  std::string text;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= k_max_state_bytes) {
    text.resize(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (got < text.size()) {
      ssize_t n = ::read(fd, text.data() + got, text.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    text.resize(got);
  }
  ::close(fd);

  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(simdjson::padded_string(text)).get(doc) != simdjson::SUCCESS) return out;
  simdjson::dom::object object;
  if (doc.get_object().get(object) != simdjson::SUCCESS) return out;  // arrays, scalars
  for (auto field : object) {
    std::string_view cursor;
    if (field.value.get_string().get(cursor) != simdjson::SUCCESS) continue;
    // Last duplicate wins, as with JSON.parse.
    out.insert_or_assign(std::string(field.key), std::string(cursor));
  }
  return out;
}

result<void> read_state_store::save(const std::map<std::string, std::string>& changed) {
  for (const auto& [topic, cursor] : changed)
    if (!simdjson::validate_utf8(topic.data(), topic.size()) ||
        !simdjson::validate_utf8(cursor.data(), cursor.size()))
      // Written as is it would make the whole file unparseable, and every
      // other topic's cursor with it.
      return fail(errc::invalid_argument, "read state: topic or cursor is not valid UTF-8");

  if (auto r = make_directories(fs::path(path_).parent_path()); !r) return r;
  const std::string lock_path = path_ + ".lock";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return io_failure("open", lock_path, errno);
  file_lock lock(fd);
  while (::flock(fd, LOCK_EX) != 0)
    if (errno != EINTR) return io_failure("lock", lock_path, errno);

  // Read-merge-write under the lock: another process's topics survive.
  std::map<std::string, std::string> state = load();
  for (const auto& [topic, cursor] : changed) state.insert_or_assign(topic, cursor);
  return replace_file(path_, serialize(state));
}

}  // namespace parley

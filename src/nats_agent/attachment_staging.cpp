#include "src/nats_agent/attachment_staging.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <system_error>

#include "src/util/utf8.hpp"

namespace parley::nats_agent {

namespace fs = std::filesystem;

namespace {

/// Longest extension kept when a long name is cut.
constexpr std::size_t max_kept_extension = 16;
/// Longest part of the request key used in the directory name.
constexpr std::size_t max_key_bytes = 32;

/// The longest prefix of `s` (valid UTF-8) of at most `n` bytes that ends on
/// a character boundary.
std::string_view utf8_prefix(std::string_view s, std::size_t n) noexcept {
  if (s.size() <= n) return s;
  std::size_t end = 0;
  while (end < s.size()) {
    const std::size_t next = end + utf8::decode(s, end).length;
    if (next > n) break;
    end = next;
  }
  return s.substr(0, end);
}

std::string os_error(const std::string& what, int err) {
  return what + ": " + std::error_code(err, std::generic_category()).message();
}

result<void> write_exclusive(const std::string& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return fail(errc::io_error, os_error("cannot create " + path, errno));
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return fail(errc::io_error, os_error("cannot write " + path, err));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) return fail(errc::io_error, os_error("cannot write " + path, errno));
  return {};
}

std::string directory_key(std::string_view request_key) {
  std::string key;
  for (const char c : request_key) {
    if (key.size() == max_key_bytes) break;
    const bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-';
    key.push_back(word ? c : '_');
  }
  return key.empty() ? "request" : key;
}

}  // namespace

std::string safe_attachment_name(std::string_view filename, std::size_t index) {
  std::string name = utf8::repair(filename);
  for (char& c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '/' || c == '\\' || u < 0x20 || u == 0x7F) c = '_';
  }
  for (char& c : name) {
    if (c != '.') break;
    c = '_';
  }
  if (name.size() > max_staged_name_bytes) {
    std::string_view ext;
    const auto dot = name.rfind('.');
    if (dot != std::string::npos && dot > 0 && name.size() - dot <= max_kept_extension)
      ext = std::string_view(name).substr(dot);
    std::string cut(utf8_prefix(name, max_staged_name_bytes - ext.size()));
    cut.append(ext);
    name = std::move(cut);
  }
  if (name.empty()) name = "file-" + std::to_string(index + 1);
  return name;
}

result<staged_attachments> stage_attachments(std::string_view state_dir,
                                             std::string_view request_key,
                                             const std::vector<attachment>& files) {
  staged_attachments out;
  if (files.empty()) return out;
  std::error_code ec;
  const fs::path state = fs::absolute(fs::path(state_dir), ec);
  if (ec || state_dir.empty())
    return fail(errc::io_error, "state directory '" + std::string(state_dir) + "' is unusable");
  const fs::path root = (state / "attachments").lexically_normal();
  fs::create_directories(state, ec);
  if (::mkdir(root.c_str(), 0700) != 0 && errno != EEXIST)
    return fail(errc::io_error, os_error("cannot create " + root.string(), errno));

  std::string templ = (root / (directory_key(request_key) + "-XXXXXX")).string();
  if (!::mkdtemp(templ.data()))
    return fail(errc::io_error, os_error("cannot create a directory in " + root.string(), errno));
  out.directory = templ;

  std::set<std::string> used;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string base = safe_attachment_name(files[i].filename, i);
    std::string name = base;
    for (std::size_t n = 2; used.count(name); ++n) name = std::to_string(n) + "-" + base;
    used.insert(name);
    const std::string path = (fs::path(out.directory) / name).string();
    if (auto ok = write_exclusive(path, files[i].bytes); !ok) {
      (void)remove_staged(out);
      return ok.error();
    }
    out.paths.push_back(path);
  }
  return out;
}

result<void> remove_staged(const staged_attachments& staged) {
  if (staged.directory.empty()) return {};
  std::error_code ec;
  fs::remove_all(fs::path(staged.directory), ec);
  if (ec) return fail(errc::io_error, "cannot remove " + staged.directory + ": " + ec.message());
  return {};
}

std::string channel_content(std::string_view prompt_text, const std::vector<std::string>& paths) {
  if (paths.empty()) return std::string(prompt_text);
  std::string out = "[Attachments available at the following absolute paths]\n";
  for (const auto& p : paths) out.append("- ").append(p).append("\n");
  out.append("\n").append(prompt_text);
  return out;
}

}  // namespace parley::nats_agent

#include "src/nats_agent/attachment_staging.hpp"

#include <sys/stat.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/temp_dir.hpp"

using namespace parley::nats_agent;
namespace fs = std::filesystem;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// True when `path` lies strictly inside `dir` once both are resolved.
bool inside(const std::string& path, const std::string& dir) {
  const auto p = fs::weakly_canonical(path).string();
  const auto d = fs::weakly_canonical(dir).string() + "/";
  return p.rfind(d, 0) == 0 && p.find('/', d.size()) == std::string::npos;
}

}  // namespace

TEST_CASE("nats_agent staging: safe names cannot mean a path", "[nats_agent]") {
  CHECK(safe_attachment_name("report.pdf", 0) == "report.pdf");
  CHECK(safe_attachment_name("r\xC3\xA9sum\xC3\xA9 v2.txt", 0) == "r\xC3\xA9sum\xC3\xA9 v2.txt");
  CHECK(safe_attachment_name("../../etc/passwd", 0) ==
        "___.._etc_passwd");  // one component, no separator
  CHECK(safe_attachment_name("/etc/passwd", 0) == "_etc_passwd");
  CHECK(safe_attachment_name("..\\..\\win.ini", 0) == "___.._win.ini");
  CHECK(safe_attachment_name("..", 0) == "__");
  CHECK(safe_attachment_name(".", 0) == "_");
  CHECK(safe_attachment_name(".bashrc", 0) == "_bashrc");
  CHECK(safe_attachment_name("a..b", 0) == "a..b");
  CHECK(safe_attachment_name(std::string("a\0b", 3), 0) == "a_b");
  CHECK(safe_attachment_name("a\nb\x1b[31m\x7f", 0) == "a_b_[31m_");
  CHECK(safe_attachment_name("bad\xFF", 0) == "bad\xEF\xBF\xBD");
  CHECK(safe_attachment_name("", 2) == "file-3");

  const std::string long_name = std::string(300, 'n') + ".tar.gz";
  const auto cut = safe_attachment_name(long_name, 0);
  CHECK(cut.size() <= max_staged_name_bytes);
  CHECK(cut.substr(cut.size() - 3) == ".gz");
  std::string wide;
  for (int i = 0; i < 150; ++i) wide += "\xC3\xA9";
  const auto wcut = safe_attachment_name(wide, 0);
  CHECK(wcut.size() <= max_staged_name_bytes);
  CHECK(wcut.size() % 2 == 0);  // never half an é
}

TEST_CASE("nats_agent staging: files written under the state dir and removed", "[nats_agent]") {
  parley::testing::temp_dir tmp;
  std::vector<attachment> files = {{"note.txt", "hello-attachment-contents\n"},
                                   {"data.bin", std::string("\x00\x01\xff", 3)}};
  auto staged = stage_attachments(tmp.path().string(), "7", files);
  REQUIRE(staged);
  REQUIRE(staged->paths.size() == 2);
  CHECK(fs::path(staged->directory).is_absolute());
  CHECK(fs::path(staged->directory).parent_path() == tmp.path() / "attachments");
  CHECK(fs::path(staged->directory).filename().string().rfind("7-", 0) == 0);
  CHECK(staged->paths[0] == (fs::path(staged->directory) / "note.txt").string());
  CHECK(read_file(staged->paths[0]) == "hello-attachment-contents\n");
  CHECK(read_file(staged->paths[1]) == std::string("\x00\x01\xff", 3));
  struct stat st {};
  REQUIRE(::stat(staged->directory.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  REQUIRE(::stat(staged->paths[0].c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  // A second request with the same key gets its own directory.
  auto again = stage_attachments(tmp.path().string(), "7", files);
  REQUIRE(again);
  CHECK(again->directory != staged->directory);

  CHECK(remove_staged(*staged));
  CHECK_FALSE(fs::exists(staged->directory));
  CHECK(fs::exists(again->paths[0]));
  CHECK(remove_staged(*staged));  // idempotent
  CHECK(remove_staged(*again));
  CHECK(remove_staged(staged_attachments{}));
  CHECK(fs::exists(tmp.path() / "attachments"));
}

TEST_CASE("nats_agent staging: traversal attempts stay inside the request dir", "[nats_agent]") {
  parley::testing::temp_dir tmp;
  const std::vector<attachment> evil = {{"../../escape.txt", "1"},
                                        {"/abs/escape.txt", "2"},
                                        {"..", "3"},
                                        {".", "4"},
                                        {"..\\x", "5"},
                                        {std::string("a\0/../b", 7), "6"},
                                        {"", "7"},
                                        {"ok.txt", "8"},
                                        {"ok.txt", "9"}};
  auto staged = stage_attachments(tmp.path().string(), "../../req", evil);
  REQUIRE(staged);
  REQUIRE(staged->paths.size() == evil.size());
  CHECK(inside(staged->directory, (tmp.path() / "attachments").string()));
  for (std::size_t i = 0; i < evil.size(); ++i) {
    CHECK(inside(staged->paths[i], staged->directory));
    CHECK(read_file(staged->paths[i]) == evil[i].bytes);
  }
  // Duplicate names are kept apart, not overwritten.
  CHECK(staged->paths[8] != staged->paths[7]);
  CHECK(fs::path(staged->paths[8]).filename() == "2-ok.txt");
  // Nothing appeared outside the attachments tree.
  std::size_t outside = 0;
  for (const auto& e : fs::directory_iterator(tmp.path()))
    if (e.path().filename() != "attachments") ++outside;
  CHECK(outside == 0);
  CHECK(remove_staged(*staged));
}

TEST_CASE("nats_agent staging: nothing to stage, and an unusable state dir", "[nats_agent]") {
  parley::testing::temp_dir tmp;
  auto none = stage_attachments(tmp.path().string(), "1", {});
  REQUIRE(none);
  CHECK(none->directory.empty());
  CHECK(none->paths.empty());
  CHECK_FALSE(fs::exists(tmp.path() / "attachments"));

  std::ofstream(tmp.file("plain-file")) << "x";
  auto bad = stage_attachments(tmp.file("plain-file"), "1", {{"a", "b"}});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == parley::errc::io_error);
  CHECK_FALSE(stage_attachments("", "1", {{"a", "b"}}));
}

TEST_CASE("nats_agent staging: the channel content lists absolute paths first", "[nats_agent]") {
  CHECK(channel_content("summarize", {}) == "summarize");
  CHECK(channel_content("summarize", {"/s/a/1/x.pdf", "/s/a/1/y.png"}) ==
        "[Attachments available at the following absolute paths]\n- /s/a/1/x.pdf\n- "
        "/s/a/1/y.png\n\nsummarize");
}

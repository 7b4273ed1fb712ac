#include "src/state/read_state.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/support/temp_dir.hpp"

using parley::read_state_store;

namespace {

/// Sets (or unsets, with nullptr) an environment variable for one scope.
class scoped_env {
 public:
  scoped_env(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  ~scoped_env() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }
  scoped_env(const scoped_env&) = delete;
  scoped_env& operator=(const scoped_env&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_all(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

/// The directory default_path picks for an instance key, under a fixed root.
std::string dir_for(const std::string& key) {
  scoped_env xdg("XDG_STATE_HOME", "/state");
  std::filesystem::path p = read_state_store::default_path(std::nullopt, key);
  REQUIRE(p.parent_path().parent_path() == "/state/parley");
  return p.parent_path().filename().string();
}

}  // namespace

TEST_CASE("read state: directory names are sanitized, injective and traversal-free") {
  // sha256 prefixes: printf '%s' KEY | sha256sum
  CHECK(dir_for("claude-a") == "claude-a");
  CHECK(dir_for("A.b_c-9") == "A.b_c-9");
  CHECK(dir_for("a/b") == "a_b-c14cddc0");
  CHECK(dir_for("a_b") == "a_b");  // distinct from a/b
  CHECK(dir_for(".") == "default-cdb4ee2a");
  CHECK(dir_for("..") == "default-5ec1f7e7");
  CHECK(dir_for("") == "default-e3b0c442");
  CHECK(dir_for("claude-a@x") == "claude-a_x-095e8b15");
  // One `_` per UTF-16 unit, as the original's JavaScript makes it.
  CHECK(dir_for("\xc3\xa9") == "_-4a99557e");
  CHECK(dir_for("\xf0\x9f\x98\x80").rfind("__-", 0) == 0);
  CHECK(dir_for("../../etc").find('/') == std::string::npos);
}

TEST_CASE("read state: the default path honors XDG_STATE_HOME, then HOME") {
  {
    scoped_env xdg("XDG_STATE_HOME", "/xdg/state");
    CHECK(read_state_store::default_path(std::nullopt, "bob") ==
          "/xdg/state/parley/bob/read-state.json");
  }
  {
    scoped_env xdg("XDG_STATE_HOME", "");
    scoped_env home("HOME", "/home/bob");
    CHECK(read_state_store::default_path(std::nullopt, "bob") ==
          "/home/bob/.local/state/parley/bob/read-state.json");
  }
  {
    scoped_env xdg("XDG_STATE_HOME", nullptr);
    scoped_env home("HOME", "/home/carol");
    CHECK(read_state_store::default_path(std::nullopt, "a/b") ==
          "/home/carol/.local/state/parley/a_b-c14cddc0/read-state.json");
  }
  scoped_env xdg("XDG_STATE_HOME", "/xdg/state");
  CHECK(read_state_store::default_path(std::string("/explicit/rs.json"), "bob") ==
        "/explicit/rs.json");
}

TEST_CASE("read state: the instance key separates projects sharing a handle") {
  CHECK(read_state_store::instance_key(std::string("laptop-1"), "alice", "/src/a") == "laptop-1");
  std::string a = read_state_store::instance_key(std::nullopt, "alice", "/src/a");
  std::string b = read_state_store::instance_key(std::nullopt, "alice", "/src/b");
  CHECK(a.rfind("alice@", 0) == 0);
  CHECK(a.size() == std::string("alice@").size() + 8);
  CHECK(a != b);
  CHECK(a == read_state_store::instance_key(std::nullopt, "alice", "/src/a"));
  // printf '%s' x | sha256sum → 2d711642...
  CHECK(read_state_store::instance_key(std::nullopt, "h", "x") == "h@2d711642");
}

TEST_CASE("read state: missing, corrupt and foreign files read as empty") {
  parley::testing::temp_dir dir;
  std::string path = dir.file("rs.json");
  read_state_store store(path);
  CHECK(store.load().empty());

  for (const char* text : {"", "{", "not json", "[\"a\", \"b\"]", "\"str\"", "42", "null",
                           "{\"a\": \"1\"} trailing", "{\"a\": \"\xff\"}"}) {
    write_all(path, text);
    INFO(text);
    CHECK(store.load().empty());
  }

  write_all(path, R"({"a": "1", "n": 2, "o": {"x": "y"}, "l": ["z"], "t": true, "z": null,
                      "b": "", "a2": "x\u00e9\n"})");
  auto loaded = store.load();
  CHECK(loaded == std::map<std::string, std::string>{{"a", "1"}, {"b", ""}, {"a2", "x\xc3\xa9\n"}});

  // A directory where the file should be is not a state file either.
  read_state_store on_dir(dir.path().string());
  CHECK(on_dir.load().empty());
}

TEST_CASE("read state: keys like __proto__ are ordinary") {
  parley::testing::temp_dir dir;
  read_state_store store(dir.file("rs.json"));
  REQUIRE(store.save({{"__proto__", "1"}, {"constructor", "2"}, {"toString", "3"}}));
  auto loaded = store.load();
  CHECK(loaded == std::map<std::string, std::string>{
                      {"__proto__", "1"}, {"constructor", "2"}, {"toString", "3"}});
}

TEST_CASE("read state: saves write pretty JSON with 0600 file and 0700 directories") {
  parley::testing::temp_dir dir;
  std::string path = (dir.path() / "deep" / "er" / "read-state.json").string();
  read_state_store store(path);
  REQUIRE(store.save({{"general", "42"}, {"ops", "c\"7"}}));
  CHECK(read_all(path) == "{\n  \"general\": \"42\",\n  \"ops\": \"c\\\"7\"\n}\n");
  CHECK(mode_of(path) == 0600);
  CHECK(mode_of((dir.path() / "deep").string()) == 0700);
  CHECK(mode_of((dir.path() / "deep" / "er").string()) == 0700);
  // No temp file is left behind.
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir.path() / "deep" / "er"))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"read-state.json", "read-state.json.lock"});

  REQUIRE(store.save({{"general", "43"}}));
  CHECK(store.load() == std::map<std::string, std::string>{{"general", "43"}, {"ops", "c\"7"}});

  // A file another tool left world-readable comes back private on the next save.
  ::chmod(path.c_str(), 0644);
  REQUIRE(store.save({}));
  CHECK(mode_of(path) == 0600);
}

TEST_CASE("read state: two stores on one file merge without losing topics") {
  parley::testing::temp_dir dir;
  std::string path = dir.file("rs.json");
  read_state_store a(path);
  read_state_store b(path);
  REQUIRE(a.save({{"t1", "1"}}));
  REQUIRE(b.save({{"t2", "5"}}));
  REQUIRE(a.save({{"t1", "2"}}));
  CHECK(b.load() == std::map<std::string, std::string>{{"t1", "2"}, {"t2", "5"}});

  // Concurrent writers (separate lock descriptors, as separate processes
  // have): every writer's last cursor survives.
  constexpr int writers = 4;
  constexpr int rounds = 25;
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&path, w] {
      read_state_store store(path);
      for (int i = 1; i <= rounds; ++i)
        if (!store.save({{"w" + std::to_string(w), std::to_string(i)}})) return;
    });
  }
  for (auto& t : threads) t.join();
  auto loaded = a.load();
  CHECK(loaded.size() == 2 + writers);
  for (int w = 0; w < writers; ++w)
    CHECK(loaded["w" + std::to_string(w)] == std::to_string(rounds));
}

TEST_CASE("read state: invalid UTF-8 is refused and the file kept") {
  parley::testing::temp_dir dir;
  read_state_store store(dir.file("rs.json"));
  REQUIRE(store.save({{"t", "1"}}));
  auto r = store.save({{"t", "\xff"}});
  REQUIRE_FALSE(r);
  CHECK(r.error().code == parley::errc::invalid_argument);
  CHECK(store.load() == std::map<std::string, std::string>{{"t", "1"}});
}

TEST_CASE("read state: an unwritable location is an io_error") {
  parley::testing::temp_dir dir;
  write_all(dir.file("file"), "x");
  read_state_store store(dir.file("file") + "/sub/rs.json");  // parent is a regular file
  auto r = store.save({{"t", "1"}});
  REQUIRE_FALSE(r);
  CHECK(r.error().code == parley::errc::io_error);
}

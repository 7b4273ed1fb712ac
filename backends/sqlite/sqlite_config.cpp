#include "backends/sqlite/sqlite_config.hpp"

namespace parley::sqlite {

sqlite_config sqlite_config::parse(const config::value& v, std::vector<config::problem>& problems) {
  sqlite_config out;
  config::map_reader r(v, "backend_config", problems);
  if (auto p = r.string("db_path", false)) out.db_path = *p;
  if (auto i = r.integer("poll_interval_ms", 1, 3'600'000)) out.poll_interval_ms = *i;
  if (auto d = r.integer("retention_days", 0, 1'000'000)) out.retention_days = *d;
  if (auto s = r.string("synchronous")) {
    if (*s == "normal" || *s == "full")
      out.synchronous = *s;
    else
      r.report("synchronous", "expected 'normal' or 'full', got '" + *s + "'");
  }
  r.finish();
  return out;
}

}  // namespace parley::sqlite

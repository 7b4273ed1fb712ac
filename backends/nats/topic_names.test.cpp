#include "backends/nats/topic_names.hpp"

#include <catch2/catch.hpp>

using namespace parley::nats;

TEST_CASE("nats names: safe topics map verbatim") {
  CHECK(subject_for("parley.", "ctx") == "parley.ctx");
  CHECK(stream_for("PARLEY_", "ctx-payments") == "PARLEY_ctx-payments");
  CHECK(stream_for("PARLEY_", "t-1-abcd") == "PARLEY_t-1-abcd");
}

TEST_CASE("nats names: folded topics get the sha1 suffix, so folds stay injective") {
  // sha1("team.frontend") starts 08edf065f7.
  CHECK(subject_for("parley.", "team.frontend") == "parley.team_frontend-" + std::string("08edf065f7"));
  CHECK(stream_for("PARLEY_", "team.frontend") == "PARLEY_team_frontend-08edf065f7");
  CHECK(stream_for("PARLEY_", "a_b") == "PARLEY_a_b");
  CHECK(stream_for("PARLEY_", "a.b") != stream_for("PARLEY_", "a_b"));
}

TEST_CASE("nats names: the stream fold also folds slashes, the subject fold does not") {
  CHECK(fold_subject("a/b c*d>e") == "a/b_c_d_e");
  CHECK(fold_stream("a/b\\c") == "a_b_c");
  CHECK(fold_subject("tab\tnbsp\u00a0ideo\u3000") == "tab_nbsp_ideo_");
  CHECK(fold_subject("ünï") == "ünï");
}

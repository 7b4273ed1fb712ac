#include <catch2/catch.hpp>

#include "backends/xmpp/room_message.hpp"
#include "backends/xmpp/stanza_test_support.hpp"
#include "backends/xmpp/stanzas.hpp"

using namespace parley;
using namespace parley::xmpp;
using parley::xmpp::testing::stanza_context;

namespace {

const std::string room = "team@conference.localhost";

std::string live(const std::string& inner, const std::string& from = room + "/alice") {
  return "<message xmlns='jabber:client' type='groupchat' from='" + from + "' to='parley@localhost/r'>" + inner +
         "</message>";
}

std::string archived(const std::string& inner, const std::string& outer_from = room,
                     const std::string& queryid = "q1") {
  return "<message xmlns='jabber:client' from='" + outer_from + "' to='parley@localhost/r'>"
         "<result xmlns='urn:xmpp:mam:2' queryid='" + queryid + "' id='arch-7'>"
         "<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2026-12-07T17:00:03Z'/>"
         "<message xmlns='jabber:client' type='groupchat' from='" + room + "/bob'>" + inner +
         "</message></forwarded></result></message>";
}

}  // namespace

TEST_CASE("a live reflection is read with the room's stanza-id, nick and reply", "[xmpp][stanza]") {
  stanza_context ctx;
  auto s = ctx.parse(live("<body>hi @carol</body><stanza-id xmlns='urn:xmpp:sid:0' by='" + room +
                          "' id='sid-1'/><origin-id xmlns='urn:xmpp:sid:0' id='o-9'/>"
                          "<reply xmlns='urn:xmpp:reply:0' to='" + room + "/bob' id='sid-0'/>"));
  std::string why;
  auto m = read_live(s.get(), why);
  REQUIRE(m);
  CHECK(m->room == room);
  CHECK(m->nick == "alice");
  CHECK(m->content == "hi @carol");
  CHECK(m->stanza_id == "sid-1");
  CHECK(m->origin_id == "o-9");
  CHECK(m->reply_to == std::optional<std::string>("sid-0"));
  auto msg = to_message(*m, "Team");
  CHECK(msg.topic == "Team");
  CHECK(msg.backend_msg_id == "sid-1");
  CHECK(msg.cursor.text == "sid-1");
  CHECK(msg.sender_handle == "alice");
  CHECK(msg.mentions == std::vector<std::string>{"carol"});
  CHECK(msg.in_reply_to == std::optional<std::string>("sid-0"));
  // Whole seconds, as an archive would stamp it.
  CHECK(msg.timestamp.substr(19) == ".000Z");
}

TEST_CASE("a stanza-id stamped by anyone but the room is ignored", "[xmpp][stanza]") {
  stanza_context ctx;
  std::string why;
  auto forged = ctx.parse(
      live("<body>x</body><stanza-id xmlns='urn:xmpp:sid:0' by='evil@localhost' id='forged'/>"));
  CHECK_FALSE(read_live(forged.get(), why));
  CHECK(why.find("no stanza-id stamped by " + room) == 0);
  auto both = ctx.parse(live("<body>x</body><stanza-id xmlns='urn:xmpp:sid:0' by='evil@localhost' id='forged'/>"
                             "<stanza-id xmlns='urn:xmpp:sid:0' by='" + room + "' id='real'/>"));
  auto m = read_live(both.get(), why);
  REQUIRE(m);
  CHECK(m->stanza_id == "real");
}

TEST_CASE("messages without a body, from the room itself or not groupchat are skipped", "[xmpp][stanza]") {
  stanza_context ctx;
  std::string why;
  const std::string sid = "<stanza-id xmlns='urn:xmpp:sid:0' by='" + room + "' id='s'/>";
  CHECK_FALSE(read_live(ctx.parse(live("<subject>new topic</subject>" + sid)).get(), why));
  CHECK(why == "no body");
  CHECK_FALSE(read_live(ctx.parse(live("<body>x</body>" + sid, room)).get(), why));
  CHECK_FALSE(read_live(ctx.parse("<message type='chat' from='" + room + "/a'><body>x</body></message>").get(), why));
  CHECK(why == "not a groupchat message");
}

TEST_CASE("an empty body and a 64 KiB body are messages", "[xmpp][stanza]") {
  stanza_context ctx;
  std::string why;
  const std::string sid = "<stanza-id xmlns='urn:xmpp:sid:0' by='" + room + "' id='s'/>";
  auto empty = read_live(ctx.parse(live("<body/>" + sid)).get(), why);
  REQUIRE(empty);
  CHECK(empty->content.empty());
  const std::string big(64 * 1024, 'b');
  auto large = read_live(ctx.parse(live("<body>" + big + "</body>" + sid)).get(), why);
  REQUIRE(large);
  CHECK(large->content == big);
}

TEST_CASE("an archive result is accepted only from the queried room with our query id", "[xmpp][stanza]") {
  stanza_context ctx;
  std::string why;
  auto good = read_archived(ctx.parse(archived("<body>old</body>")).get(), room, "q1", why);
  REQUIRE(good);
  CHECK(good->stanza_id == "arch-7");
  CHECK(good->nick == "bob");
  CHECK(good->content == "old");
  CHECK(good->timestamp == "2026-12-07T17:00:03.000Z");

  CHECK_FALSE(read_archived(ctx.parse(archived("<body>x</body>", "other@conference.localhost")).get(), room, "q1", why));
  CHECK(why.find("not from the queried room") != std::string::npos);
  CHECK_FALSE(read_archived(ctx.parse(archived("<body>x</body>", "mallory@localhost/res")).get(), room, "q1", why));
  CHECK_FALSE(read_archived(ctx.parse(archived("<body>x</body>", room + "/nick")).get(), room, "q1", why));
  CHECK_FALSE(read_archived(ctx.parse(archived("<body>x</body>", room, "q2")).get(), room, "q1", why));
  CHECK(why == "archive result for another query");
}

TEST_CASE("our extension carries the exact bytes and the post's time", "[xmpp][stanza]") {
  stanza_context ctx;
  outgoing_post p;
  p.room = room;
  p.origin_id = "o-1";
  p.content = "controls \x01\x1f and CR\r\n and NUL";
  p.content.push_back('\0');
  p.timestamp = "2026-12-07T17:00:03.250Z";
  p.reply_to = "sid-0";
  auto out = groupchat(ctx.get(), p);
  const auto xml = stanza_context::text(out.get());
  CHECK(xml.find("\x01") == std::string::npos);
  // The room stamps the reflection; read it back as it would arrive.
  auto reflected = ctx.parse(
      live(xml.substr(xml.find('>') + 1, xml.rfind("</message>") - xml.find('>') - 1) +
           "<stanza-id xmlns='urn:xmpp:sid:0' by='" + room + "' id='s9'/>", room + "/me"));
  std::string why;
  auto m = read_live(reflected.get(), why);
  REQUIRE(m);
  CHECK(m->content == p.content);
  CHECK(m->timestamp == p.timestamp);
  CHECK(m->origin_id == "o-1");
  CHECK(m->reply_to == std::optional<std::string>("sid-0"));
  // Other clients read the body, with what XML cannot carry replaced.
  CHECK(text_of(xmpp_stanza_get_child_by_name(reflected.get(), "body")) ==
        "controls \xEF\xBF\xBD\xEF\xBF\xBD and CR\xEF\xBF\xBD\n and NUL\xEF\xBF\xBD");
}

TEST_CASE("content XML carries as it is travels only in the body", "[xmpp][stanza]") {
  stanza_context ctx;
  CHECK(body_can_carry("emoji 🦜 tabs\tand\nnewlines <b>&amp;</b> \"q\""));
  CHECK_FALSE(body_can_carry("cr\r"));
  CHECK_FALSE(body_can_carry("bell\x07"));
  CHECK_FALSE(body_can_carry("\xEF\xBF\xBF"));  // U+FFFF
  outgoing_post p{room, "o-2", "plain <text> & more", "2026-12-07T17:00:03.250Z", std::nullopt};
  const auto xml = stanza_context::text(groupchat(ctx.get(), p).get());
  CHECK(xml.find("<content") == std::string::npos);
  CHECK(xml.find("plain &lt;text&gt; &amp; more") != std::string::npos);
}

TEST_CASE("a forged timestamp in our extension must at least parse", "[xmpp][stanza]") {
  stanza_context ctx;
  std::string why;
  auto m = read_live(ctx.parse(live("<body>x</body><stanza-id xmlns='urn:xmpp:sid:0' by='" + room +
                                    "' id='s'/><parley xmlns='urn:x-parley:message:0' ts='yesterday'/>"))
                         .get(),
                     why);
  REQUIRE(m);
  CHECK(m->timestamp.size() == 24);
}

TEST_CASE("delay stamps are normalized to milliseconds", "[xmpp][stanza]") {
  CHECK(normalize_stamp("2026-12-07T17:00:03Z") == std::optional<std::string>("2026-12-07T17:00:03.000Z"));
  CHECK(normalize_stamp("2026-12-07T17:00:03.5Z") == std::optional<std::string>("2026-12-07T17:00:03.500Z"));
  CHECK(normalize_stamp("2026-12-07T17:00:03.123456Z") == std::optional<std::string>("2026-12-07T17:00:03.123Z"));
  CHECK_FALSE(normalize_stamp("2026-12-07T17:00:03+01:00"));
  CHECK_FALSE(normalize_stamp("garbage"));
}

TEST_CASE("invalid UTF-8 is repaired, never passed on", "[xmpp][stanza]") {
  stanza_context ctx;
  std::string why;
  const std::string sid = "<stanza-id xmlns='urn:xmpp:sid:0' by='" + room + "' id='s'/>";
  // Bytes that are not UTF-8 cannot reach us in XML text (the parser
  // refuses the stream), but the extension's base64 can carry any bytes.
  auto m = read_live(ctx.parse(live("<body>x</body>" + sid +
                                    "<parley xmlns='urn:x-parley:message:0'>"
                                    "<content encoding='base64'>//5vaw==</content></parley>"))
                         .get(),
                     why);
  REQUIRE(m);
  CHECK(m->content == "\xEF\xBF\xBD\xEF\xBF\xBDok");
  // Base64 that does not decode falls back to the body.
  auto bad = read_live(ctx.parse(live("<body>the body</body>" + sid +
                                      "<parley xmlns='urn:x-parley:message:0'>"
                                      "<content encoding='base64'>not base64!</content></parley>"))
                           .get(),
                       why);
  REQUIRE(bad);
  CHECK(bad->content == "the body");
  CHECK(xmpp_stanza_new_from_string(ctx.get(), "<message><body>\xff\xfe</body></message>") == nullptr);
}

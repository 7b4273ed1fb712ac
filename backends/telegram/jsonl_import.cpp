#include "backends/telegram/jsonl_import.hpp"

#include <simdjson.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <vector>

#include "backends/telegram/chat_target.hpp"
#include "src/json/document.hpp"
#include "src/util/log.hpp"

namespace parley::telegram {

namespace {

constexpr const char* component = "telegram";
constexpr std::size_t batch_size = 1000;

/// One record, or nullopt when the line is not one.
std::optional<observed_message> parse_record(simdjson::dom::parser& parser, const std::string& line) {
  simdjson::dom::object o;
  if (parser.parse(line).get_object().get(o) != simdjson::SUCCESS) return std::nullopt;
  observed_message m;
  auto topic = json::text_of(o, "topic");
  auto chat = json::text_of(o, "chat_id");
  std::int64_t chat_num = 0;
  if (!chat && o["chat_id"].get_int64().get(chat_num) == simdjson::SUCCESS)
    chat = std::to_string(chat_num);
  auto sender = json::text_of(o, "sender");
  auto content = json::text_of(o, "content");
  auto ts = json::text_of(o, "ts");
  if (!topic || !chat || !sender || !content || !ts) return std::nullopt;
  auto chat_id = parse_int(*chat);
  if (!chat_id || o["message_id"].get_int64().get(m.message_id) != simdjson::SUCCESS ||
      m.message_id <= 0)
    return std::nullopt;
  m.topic = std::move(*topic);
  m.chat_id = *chat_id;
  m.sender = std::move(*sender);
  m.content = std::move(*content);
  m.ts = std::move(*ts);
  return m;
}

result<void> flush(observed_store& store, std::vector<observed_message>& batch, import_report& r) {
  if (batch.empty()) return {};
  auto fresh = store.ingest(batch);
  if (!fresh) return fresh.error();
  r.imported += fresh->size();
  r.duplicates += batch.size() - fresh->size();
  batch.clear();
  return {};
}

}  // namespace

result<import_report> import_jsonl(const std::string& path, observed_store& store) {
  import_report report;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return report;
  report.found = true;
  const std::string identity =
      path + "|" + std::to_string(st.st_size) + "|" + std::to_string(st.st_mtim.tv_sec) + "." +
      std::to_string(st.st_mtim.tv_nsec);
  if (store.imported(identity)) return report;
  report.ran = true;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return fail(errc::io_error, "Telegram store_path " + path + ": cannot read: " + std::strerror(errno));
  simdjson::dom::parser parser;
  std::vector<observed_message> batch;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    const bool torn = in.eof();  // the last line had no newline: a write cut short
    if (line.empty()) continue;
    auto m = torn ? std::nullopt : parse_record(parser, line);
    if (!m) {
      ++report.skipped;
      log::warn(component, "store_path " + path + ": line " + std::to_string(number) +
                               (torn ? " is torn (no newline at the end); skipped"
                                     : " is not an observed-message record; skipped"));
      continue;
    }
    batch.push_back(std::move(*m));
    if (batch.size() >= batch_size)
      if (auto f = flush(store, batch, report); !f) return f.error();
  }
  if (auto f = flush(store, batch, report); !f) return f.error();
  if (auto mk = store.mark_imported(identity); !mk) return mk.error();
  log::info(component, "imported " + std::to_string(report.imported) + " records from " + path +
                           " (" + std::to_string(report.duplicates) + " already stored, " +
                           std::to_string(report.skipped) + " lines skipped)");
  return report;
}

}  // namespace parley::telegram

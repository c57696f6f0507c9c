#include "events/chisels/top_table.h"

#include <algorithm>

#include "events/chisels/text_columns.h"

namespace vedetta::events::chisels {
namespace {

constexpr size_t kColumn = 20;  // EXTEND_STRING_SIZE in common.lua
constexpr const char* kClearScreen = "\x1b[2J\x1b[0;0H";

}  // namespace

void NetworkTopTable::on_event(const Event& e, const ThreadTable& threads) {
  auto io = io_reader_.read(e, threads);
  if (!io || io->res <= 0) return;
  bytes_[key_of_(*io)] += static_cast<uint64_t>(io->res);
}

std::string NetworkTopTable::render() const {
  std::string text = pad_column("Bytes", kColumn);
  for (const auto& t : titles_) text += pad_column(t, kColumn);
  text += '\n';
  text += std::string(80, '-');
  text += '\n';
  std::vector<std::pair<const std::vector<std::string>*, uint64_t>> rows;
  for (const auto& [key, n] : bytes_) rows.emplace_back(&key, n);
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (top_n_ && rows.size() > top_n_) rows.resize(top_n_);
  for (const auto& [key, n] : rows) {
    text += pad_column(format_bytes(n), kColumn);
    // Every key column but the last is cut to fit; the last is printed whole.
    for (size_t i = 0; i < key->size(); ++i)
      text += i + 1 < key->size() ? pad_column(std::string_view((*key)[i]).substr(0, kColumn), kColumn)
                                  : (*key)[i];
    text += '\n';
  }
  return text;
}

void NetworkTopTable::on_interval(uint64_t) {
  std::string text = render();
  if (out_.terminal) text.insert(0, kClearScreen);
  std::fwrite(text.data(), 1, text.size(), out_.out);
  std::fflush(out_.out);
  bytes_.clear();
}

void NetworkTopTable::on_capture_end(const ThreadTable&) {
  // Live, the tables came every second (sysdig then clears the screen; the
  // last one stays here).
  if (out_.live) return;
  std::string text = render();
  std::fwrite(text.data(), 1, text.size(), out_.out);
}

}  // namespace vedetta::events::chisels

// spy_port PORT [disable_colors]: the data of every network read and write on
// a socket with PORT at either end, each under a "------ Read 5.90KB" (red) or
// "------ Write 78B" (blue) line. As sysdig's chisel does, that line is made
// anew only when the direction changes: the calls after it repeat it, byte
// count included.
#include <algorithm>
#include <charconv>

#include "common/user_error.h"
#include "events/chisels/net_io.h"
#include "events/chisels/registry.h"
#include "events/chisels/text_columns.h"
#include "events/event_table.h"
#include "events/param_text.h"

namespace vedetta::events::chisels {
namespace {

class SpyPort : public Chisel {
 public:
  SpyPort(uint16_t port, bool colors, ChiselOutput out) : port_(port), colors_(colors), out_(out) {}

  void on_event(const Event& e, const ThreadTable& threads) override;
  void on_capture_end(const ThreadTable&) override {
    std::fprintf(out_.out, "%s\n", colors_ ? "\x1b[0m" : "");
  }

 private:
  uint16_t port_;
  bool colors_;
  ChiselOutput out_;
  NetworkIoReader io_reader_;
  IoDirection direction_ = IoDirection::kNone;
  std::string heading_;
};

void SpyPort::on_event(const Event& e, const ThreadTable& threads) {
  auto io = io_reader_.read(e, threads);
  if (!io || io->res <= 0) return;
  auto ports = fd_ports(*io->fd);
  if (std::find(ports.begin(), ports.end(), port_) == ports.end()) return;
  const EventInfo* info = event_info(e.type);
  size_t data = 0;
  while (data < info->params.size() && info->params[data].name != "data") ++data;
  if (data >= info->params.size() || data >= e.param_count()) return;  // sendfile: no data

  IoDirection dir = io->is_read ? IoDirection::kRead : IoDirection::kWrite;
  if (dir != direction_) {
    heading_ = std::string(colors_ ? (io->is_read ? "\x1b[31m" : "\x1b[34m") : "") + "------ " +
               (io->is_read ? "Read " : "Write ") + format_bytes(static_cast<uint64_t>(io->res));
    direction_ = dir;
  }
  // evt.arg.data: the whole buffer (event lines cut it at 80 characters).
  std::string text = heading_ + "\n" + buffer_text(e.param(data)) + "\n";
  std::fwrite(text.data(), 1, text.size(), out_.out);
  if (out_.live) std::fflush(out_.out);
}

}  // namespace

std::unique_ptr<Chisel> make_spy_port(const std::vector<std::string>& args, ChiselOutput out) {
  uint16_t port = 0;
  const std::string& p = args.at(0);
  auto r = std::from_chars(p.data(), p.data() + p.size(), port);
  if (r.ec != std::errc() || r.ptr != p.data() + p.size())
    throw UserError("events: chisel spy_port: PORT must be a number from 0 to 65535, got '" + p +
                    "'");
  if (args.size() > 1 && args[1] != "disable_colors")
    throw UserError("events: chisel spy_port: the second argument can only be 'disable_colors', got '" +
                    args[1] + "'");
  return std::make_unique<SpyPort>(port, args.size() == 1, out);
}

}  // namespace vedetta::events::chisels

// iobytes_net: network bytes read (in), written (out) and both (tot), one
// line per second: "17:35:49 in:11562 out:110 tot:11672". As in sysdig, a
// line shows the bytes since the previous line at the time of the event that
// started the new second, and the bytes after the last line are not shown.
#include <cinttypes>

#include "events/chisels/net_io.h"
#include "events/chisels/registry.h"
#include "events/chisels/text_columns.h"

namespace vedetta::events::chisels {
namespace {

class IoBytesNet : public Chisel {
 public:
  explicit IoBytesNet(ChiselOutput out) : out_(out) {}

  void on_event(const Event& e, const ThreadTable& threads) override {
    auto io = io_reader_.read(e, threads);
    if (!io || io->res <= 0) return;
    (io->is_read ? in_ : out_bytes_) += static_cast<uint64_t>(io->res);
  }
  bool wants_interval() const override { return true; }
  void on_interval(uint64_t now_ns) override {
    std::fprintf(out_.out, "%s in:%" PRIu64 " out:%" PRIu64 " tot:%" PRIu64 "\n",
                 clock_seconds_text(now_ns).c_str(), in_, out_bytes_, in_ + out_bytes_);
    if (out_.live) std::fflush(out_.out);
    in_ = out_bytes_ = 0;
  }

 private:
  ChiselOutput out_;
  NetworkIoReader io_reader_;
  uint64_t in_ = 0, out_bytes_ = 0;
};

}  // namespace

std::unique_ptr<Chisel> make_iobytes_net(const std::vector<std::string>&, ChiselOutput out) {
  return std::make_unique<IoBytesNet>(out);
}

}  // namespace vedetta::events::chisels

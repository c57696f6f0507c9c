#include "capture/capture_group.h"

#include <poll.h>

#include "common/user_error.h"

namespace vedetta {

CaptureGroup::CaptureGroup(std::vector<std::unique_ptr<PacketSource>> sources)
    : sources_(std::move(sources)), ended_(sources_.size(), false) {
  if (sources_.empty()) throw UserError("no input: give -i FILE.pcap or -i INTERFACE");
  files_ = sources_[0]->is_file();
  for (auto& s : sources_) {
    if (s->is_file() != files_)
      throw UserError("cannot mix capture files and live interfaces in one run");
    // Live inputs are read non-blocking behind our own poll(): libpcap's read
    // timeout does not start before the first packet (TPACKET_V3), and a
    // quiet link must not keep the loop from its timers and signals.
    if (!files_) s->set_nonblocking();
  }
}

CaptureGroup::Next CaptureGroup::next(RawPacket& out, size_t& source) {
  if (files_) {
    while (current_ < sources_.size()) {
      if (sources_[current_]->next(out) == PacketSource::Next::kPacket) {
        source = current_;
        return Next::kPacket;
      }
      ++current_;
    }
    return Next::kEnd;
  }
  // Take from each interface in turn so none starves the others.
  for (size_t n = 0; n < sources_.size(); ++n) {
    size_t i = (current_ + n) % sources_.size();
    if (ended_[i]) continue;
    auto r = sources_[i]->next(out);
    if (r == PacketSource::Next::kPacket) {
      current_ = (i + 1) % sources_.size();
      source = i;
      return Next::kPacket;
    }
    if (r == PacketSource::Next::kEnd) ended_[i] = true;
  }
  std::vector<pollfd> fds;
  for (size_t i = 0; i < sources_.size(); ++i)
    if (!ended_[i]) fds.push_back({sources_[i]->selectable_fd(), POLLIN, 0});
  if (fds.empty()) return Next::kEnd;
  poll(fds.data(), fds.size(), 100);
  return Next::kIdle;
}

CaptureStats CaptureGroup::total_stats() const {
  CaptureStats t;
  for (auto& s : sources_) {
    CaptureStats c = s->stats();
    t.received += c.received;
    t.kernel_dropped += c.kernel_dropped;
    t.interface_dropped += c.interface_dropped;
  }
  return t;
}

}  // namespace vedetta

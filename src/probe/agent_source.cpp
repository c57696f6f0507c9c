#include "probe/agent_source.h"

#include "ebpf/event_clock.h"

namespace vedetta {
namespace {
constexpr int kPollMs = 50;
}  // namespace

AgentSource::AgentSource(uint32_t snaplen) : packets_(event_clock_to_epoch_offset_ns()) {
  SyscallCaptureOptions o;
  o.syscalls = SocketCallPackets::syscalls();
  o.snaplen = snaplen;
  o.ip_sockets_only = true;
  capture_ = SyscallCapture::open(o);
}

AgentSource::~AgentSource() = default;

AgentSource::Next AgentSource::next(RawPacket& out) {
  if (packets_.pop(out)) return Next::kPacket;
  SyscallCapture::Handler handler = [this](const vedetta_syscall_event& e) {
    if (attribution_) attribution_->on_syscall_event(e);
    packets_.on_event(e);
  };
  SyscallCapture::ProcessHandler on_process = [this](const vedetta_process_event& p) {
    if (attribution_) attribution_->on_process_event(p);
  };
  // Behind a backlog (events read late), the window follows the events'
  // own times; when the ring buffer is empty, the clock.
  int read = capture_->poll(kPollMs, handler, on_process);
  uint64_t horizon = read > 0 ? packets_.newest_ns() : event_clock_now_ns();
  constexpr uint64_t kWindow = SocketCallPackets::kReorderWindowNs;
  packets_.release(horizon > kWindow ? horizon - kWindow : 0);
  return packets_.pop(out) ? Next::kPacket : Next::kIdle;
}

bool AgentSource::next_remaining(RawPacket& out) {
  if (packets_.pop(out)) return true;
  packets_.release(UINT64_MAX);
  return packets_.pop(out);
}

AgentStats AgentSource::stats() const {
  AgentStats s;
  static_cast<SocketCallStats&>(s) = packets_.stats();
  s.io_uring = capture_->io_uring();
  s.other_fds = capture_->lean_other();
  s.drops = capture_->drops();
  return s;
}

}  // namespace vedetta

#include "capture/packet_source.h"

#include <net/if.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/user_error.h"

namespace vedetta {

namespace {

bool is_regular_file(const std::string& path, uint64_t& size) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return false;
  size = static_cast<uint64_t>(st.st_size);
  return S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode);
}

bool looks_like_path(const std::string& name) {
  return name.find('/') != std::string::npos || name.find(".pcap") != std::string::npos;
}

}  // namespace

std::unique_ptr<PacketSource> PacketSource::open(const std::string& name,
                                                 const CaptureOptions& opts) {
  std::unique_ptr<PacketSource> s(new PacketSource());
  s->name_ = name;
  char err[PCAP_ERRBUF_SIZE] = {0};
  uint64_t size = 0;

  if (name == "-" || is_regular_file(name, size)) {
    s->is_file_ = true;
    s->file_size_ = size;
    s->pcap_ = pcap_open_offline_with_tstamp_precision(name.c_str(), PCAP_TSTAMP_PRECISION_MICRO, err);
    if (!s->pcap_)
      throw UserError(format("cannot read capture file '%s': %s", name.c_str(), err));
  } else {
    if (looks_like_path(name)) {
      throw UserError(format("capture file '%s' does not exist (%s)", name.c_str(),
                             strerror(errno)));
    }
    // Say "no such interface" before pcap would say "no permission".
    if (name != "any" && if_nametoindex(name.c_str()) == 0)
      throw UserError(format("no such interface '%s' (list them with 'ip link')", name.c_str()));
    s->pcap_ = pcap_create(name.c_str(), err);
    if (!s->pcap_) throw UserError(format("cannot open interface '%s': %s", name.c_str(), err));
    pcap_set_snaplen(s->pcap_, opts.snaplen);
    pcap_set_promisc(s->pcap_, opts.promiscuous ? 1 : 0);
    pcap_set_timeout(s->pcap_, 100);
    pcap_set_buffer_size(s->pcap_, opts.buffer_mb * 1024 * 1024);
    pcap_set_immediate_mode(s->pcap_, 0);
    int rc = pcap_activate(s->pcap_);
    if (rc < 0) {
      std::string why = pcap_geterr(s->pcap_);
      pcap_close(s->pcap_);
      s->pcap_ = nullptr;
      if (rc == PCAP_ERROR_NO_SUCH_DEVICE)
        throw UserError(format("no such interface '%s' (list them with 'ip link')", name.c_str()));
      if (rc == PCAP_ERROR_PERM_DENIED)
        throw UserError(format("no permission to capture on '%s': run as root or grant "
                               "CAP_NET_RAW and CAP_NET_ADMIN (%s)", name.c_str(), why.c_str()));
      throw UserError(format("cannot capture on '%s': %s", name.c_str(), why.c_str()));
    }
    s->ifindex_ = if_nametoindex(name.c_str());
    // "any": cooked v2 headers name each packet's interface, which says
    // whose processes a flow's ends are (attribution); v1 ones do not.
    if (name == "any") pcap_set_datalink(s->pcap_, DLT_LINUX_SLL2);
  }
  s->datalink_ = pcap_datalink(s->pcap_);
  if (!opts.bpf_filter.empty()) s->apply_filter(opts.bpf_filter);
  return s;
}

void PacketSource::apply_filter(const std::string& filter) {
  bpf_program prog;
  if (pcap_compile(pcap_, &prog, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0)
    throw UserError(format("bad capture filter \"%s\": %s", filter.c_str(), pcap_geterr(pcap_)));
  int rc = pcap_setfilter(pcap_, &prog);
  pcap_freecode(&prog);
  if (rc != 0)
    throw UserError(format("cannot set capture filter on '%s': %s", name_.c_str(), pcap_geterr(pcap_)));
}

PacketSource::~PacketSource() {
  if (pcap_) pcap_close(pcap_);
}

PacketSource::Next PacketSource::next(RawPacket& out) {
  pcap_pkthdr* h;
  const u_char* data;
  int rc = pcap_next_ex(pcap_, &h, &data);
  if (rc == 1) {
    out.data = data;
    out.caplen = h->caplen;
    out.wire_len = h->len;
    out.ts_us = uint64_t(h->ts.tv_sec) * 1'000'000 + uint64_t(h->ts.tv_usec);
    ++received_;
    return Next::kPacket;
  }
  if (rc == 0) return Next::kTimeout;
  if (rc == PCAP_ERROR_BREAK) return Next::kEnd;
  // A damaged or truncated file: keep what was read, say where it stopped.
  std::fprintf(stderr, "vedetta: %s: stopped reading after packet %llu: %s\n", name_.c_str(),
               static_cast<unsigned long long>(received_), pcap_geterr(pcap_));
  return Next::kEnd;
}

void PacketSource::set_nonblocking() {
  char err[PCAP_ERRBUF_SIZE];
  if (!is_file_) pcap_setnonblock(pcap_, 1, err);
}

int PacketSource::selectable_fd() const { return is_file_ ? -1 : pcap_get_selectable_fd(pcap_); }

CaptureStats PacketSource::stats() const {
  CaptureStats s;
  s.received = received_;
  if (!is_file_) {
    pcap_stat ps;
    if (pcap_stats(pcap_, &ps) == 0) {
      s.kernel_dropped = ps.ps_drop;
      s.interface_dropped = ps.ps_ifdrop;
    }
  }
  return s;
}

double PacketSource::progress() const {
  if (!is_file_ || file_size_ == 0) return -1;
  FILE* f = pcap_file(pcap_);
  if (!f) return -1;
  long pos = ftell(f);
  return pos < 0 ? -1 : double(pos) / double(file_size_);
}

}  // namespace vedetta

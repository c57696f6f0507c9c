#pragma once
// One libpcap input: a pcap/pcapng file or a live interface ("any" too).
// Opening failures become UserErrors that name the input and what to do.
#include <pcap/pcap.h>

#include <cstdint>
#include <memory>
#include <string>

namespace vedetta {

struct CaptureOptions {
  std::string bpf_filter;   // -f
  int snaplen = 65535;      // -s
  bool promiscuous = true;
  int buffer_mb = 64;       // kernel ring for live captures
};

struct CaptureStats {
  uint64_t received = 0;          // packets we read
  uint64_t kernel_dropped = 0;    // ps_drop: no room in the kernel buffer
  uint64_t interface_dropped = 0; // ps_ifdrop: dropped by the interface/driver
};

struct RawPacket {
  const uint8_t* data = nullptr;
  uint32_t caplen = 0;
  uint32_t wire_len = 0;
  uint64_t ts_us = 0;
};

class PacketSource {
 public:
  enum class Next { kPacket, kTimeout, kEnd };

  // `name` is a file if such a file exists, else an interface.
  static std::unique_ptr<PacketSource> open(const std::string& name, const CaptureOptions& opts);
  ~PacketSource();

  // Next packet; kTimeout on a quiet live interface, kEnd at end of file.
  // A read error mid-file ends the file with a message on stderr.
  Next next(RawPacket& out);
  void set_nonblocking();
  int selectable_fd() const;

  const std::string& name() const { return name_; }
  bool is_file() const { return is_file_; }
  int datalink() const { return datalink_; }
  CaptureStats stats() const;
  // For files: share of the file read so far (0..1); -1 for interfaces.
  double progress() const;
  // Interface index for live captures (0 for files and "any", whose
  // packets carry their own in the Linux cooked v2 header).
  unsigned ifindex() const { return ifindex_; }

 private:
  PacketSource() = default;
  void apply_filter(const std::string& filter);

  pcap_t* pcap_ = nullptr;
  std::string name_;
  bool is_file_ = false;
  int datalink_ = 0;
  unsigned ifindex_ = 0;
  uint64_t file_size_ = 0;
  uint64_t received_ = 0;
  bool nanosecond_ = false;
};

}  // namespace vedetta

#pragma once
// Agent mode's core: socket system call events → synthetic packets (see
// capture/syscall_packet.h), with no BPF of its own, so that it can be fed
// made-up events in tests. AgentSource feeds it from the kernel.
//
// Each send/receive on an IPv4/IPv6 TCP or UDP socket becomes a packet:
// bytes from the call's result, payload from the data the kernel side
// copied (for nDPI); connect/accept become a TCP handshake, close a FIN.
// On one host both ends of a local connection are seen: a byte is counted
// once, at its send. A receive counts only when its peer is not a local
// socket (an end some event showed). Events wait in a reorder window before
// they become packets, so that a sender seen a little after its receiver
// (other CPU) still counts as local.
#include <cstdint>
#include <deque>
#include <map>
#include <unordered_map>
#include <vector>

#include "capture/packet_source.h"
#include "capture/syscall_packet.h"
#include "ebpf/syscall_event.h"

namespace vedetta {

struct SocketCallStats {
  uint64_t calls = 0;               // send/receive calls turned into packets
  uint64_t local_receives = 0;      // receives left out: counted at the local sender
  // Bytes the calls moved without showing their data: sendfile into a
  // socket, splice into or out of one (flows count them, nDPI sees nothing).
  uint64_t dataless_calls = 0, dataless_bytes = 0;
  // sendmmsg/recvmmsg on IP sockets: their result is a message count, the
  // bytes are not shown (not in the flows).
  uint64_t mmsg_calls = 0, mmsg_messages = 0;
};

class SocketCallPackets {
 public:
  static constexpr uint64_t kReorderWindowNs = 100'000'000;
  // The x86-64 numbers of the calls it reads.
  static const std::vector<int>& syscalls();

  // `epoch_offset_ns` moves the events' clock to the epoch.
  explicit SocketCallPackets(int64_t epoch_offset_ns) : epoch_offset_ns_(epoch_offset_ns) {}

  void on_event(const vedetta_syscall_event& e);
  // Events up to this time (events' clock) become packets.
  void release(uint64_t up_to_ns);
  // The next packet made (valid until the next call).
  bool pop(RawPacket& out);
  const SocketCallStats& stats() const { return stats_; }
  // The time of the newest event read (events' clock).
  uint64_t newest_ns() const { return newest_ns_; }

 private:
  struct Endpoint {
    IpAddress addr;
    uint16_t port = 0;
    auto operator<=>(const Endpoint&) const = default;
  };
  // kConnecting: a non-blocking connect, answered or not (a SYN alone).
  enum class Kind : uint8_t { kConnecting, kOpenAsClient, kOpenAsServer, kSend, kReceive, kClose };
  struct Activity {  // one call, waiting in the reorder window
    uint64_t ts_ns;
    Kind kind;
    uint8_t l4_proto;
    Endpoint local, remote;
    uint64_t bytes = 0;
    std::vector<uint8_t> snap;
  };
  struct Connection {  // a TCP connection: sequence numbers per direction
    Endpoint client, server;
    uint32_t next_seq[2] = {0, 0};  // [0] client→server, [1] server→client
    bool fin[2] = {false, false};
    bool established = false;  // SYN+ACK and ACK made
    uint64_t last_ns = 0;      // its last packet
  };
  struct LocalEnd {
    uint64_t last_ns = 0;  // its last event
    bool closed = false;
  };
  using ConnectionKey = std::pair<Endpoint, Endpoint>;  // lower end first

  void add_activity(const vedetta_syscall_event& e, Kind kind, uint64_t bytes, const uint8_t* snap,
                    uint32_t snap_len);
  void turn_into_packets(const Activity& a);
  bool local_peer(uint8_t l4_proto, const Endpoint& remote, uint64_t ts_ns) const;
  Connection& connection(const Endpoint& from, const Endpoint& to, bool create_from_is_client);
  void emit(uint8_t l4_proto, const Endpoint& src, const Endpoint& dst, uint8_t flags,
            uint64_t ts_ns, uint64_t bytes, const std::vector<uint8_t>* snap, Connection* c,
            int dir);
  void open(const Activity& a);
  void establish(Connection& c, uint64_t ts_ns);
  void forget_idle(uint64_t now_ns);

  int64_t epoch_offset_ns_;
  // Sends copy their data at entry, their result comes at exit: per thread.
  std::unordered_map<uint32_t, std::vector<uint8_t>> send_data_;
  std::multimap<uint64_t, Activity> window_;
  // Local ends seen: (protocol, address or unspecified, port).
  std::map<std::pair<uint8_t, Endpoint>, LocalEnd> local_ends_;
  std::map<ConnectionKey, Connection> connections_;
  struct Built {
    std::vector<uint8_t> frame;
    RawPacket raw;  // its data is re-pointed at `frame` when handed out
  };
  std::deque<Built> ready_;
  Built current_;
  uint64_t last_cleanup_ns_ = 0;
  uint64_t newest_ns_ = 0;
  SocketCallStats stats_;
};

}  // namespace vedetta

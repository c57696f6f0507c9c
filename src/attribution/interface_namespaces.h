#pragma once
// Which network namespace a flow's local end belongs to, from the capture
// interface that saw the flow. An interface carries packets of the
// namespace it lives in (the probe's) and, for a veth, of the namespace its
// peer lives in (IFLA_LINK_NETNSID); a bridge, or a port of one, carries
// those of the namespaces behind all the bridge's ports. Each of these
// namespaces' addresses says which one owns a flow's end, so that the end
// is looked up among that namespace's sockets only, even when another
// namespace of the machine uses the same address and port.
#include <cstdint>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "attribution/rtnetlink.h"
#include "common/ip_address.h"

namespace vedetta {

// What the kernel says, gathered by read_namespace_facts(), turned into
// the map by InterfaceNamespaces::load().
struct NamespaceFacts {
  uint32_t own_netns = 0;                             // inode of the probe's namespace
  std::vector<LinkInfo> links;                        // the probe's namespace's links
  std::unordered_map<int32_t, uint32_t> netns_by_id;  // the own namespace's ids → inode
  std::unordered_map<uint32_t, std::vector<IpAddress>>
      addresses;  // namespace inode → its addresses
};

// Reads the links and addresses of the own namespace (`own_netns`) and of
// the namespaces its links' peers live in: a peer's namespace id is matched
// to a namespace inode by asking the id of each namespace under
// `named_dir` (`ip netns` names) and of each process under `proc_root`,
// unless `previous` facts had the same link with the same id. What cannot
// be read (another namespace's addresses without CAP_NET_ADMIN, a peer
// namespace no file names) is left out and said in `warnings`. Throws
// UserError when the own namespace cannot be read.
NamespaceFacts read_namespace_facts(uint32_t own_netns, std::vector<std::string>& warnings,
                                    const NamespaceFacts* previous = nullptr,
                                    const std::string& proc_root = "/proc",
                                    const std::string& named_dir = "/run/netns");

class InterfaceNamespaces {
 public:
  void load(const NamespaceFacts& facts);
  // Reads the kernel again (read_namespace_facts); returns false, keeping
  // the map it had, when the own namespace cannot be read.
  bool refresh(uint32_t own_netns);

  bool knows(uint32_t ifindex) const { return behind_.count(ifindex) != 0; }
  // The namespaces whose processes the interface's packets may come from or
  // go to: its own first, then those behind it. Empty if unknown.
  std::vector<uint32_t> namespaces_of(uint32_t ifindex) const;
  // The namespace (inode) among namespaces_of(ifindex) that has address `a`
  // (a loopback address: the interface's own); 0 when the interface is
  // unknown or none of them has it.
  uint32_t owner(uint32_t ifindex, const IpAddress& a) const;
  // Problems met while reading the kernel, each said once.
  std::vector<std::string> take_warnings();

 private:
  struct Behind {
    uint32_t peer_netns = 0;  // where a veth's peer lives (0: here, or no peer)
    uint32_t bridge = 0;      // the bridge it is or is a port of (0: none)
  };
  bool has_address(uint32_t netns, const IpAddress& a) const;

  NamespaceFacts facts_;  // as last read
  uint32_t own_netns_ = 0;
  std::unordered_map<uint32_t, Behind> behind_;  // by ifindex
  // By bridge: the namespaces of its ports' peers.
  std::unordered_map<uint32_t, std::vector<uint32_t>> bridged_;
  std::unordered_map<uint32_t, std::vector<IpAddress>>
      addresses_;  // namespace → addresses (sorted)
  std::set<std::string> said_;
  std::vector<std::string> warnings_;
};

}  // namespace vedetta

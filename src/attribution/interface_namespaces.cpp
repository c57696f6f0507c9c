#include "attribution/interface_namespaces.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "attribution/netlink_dump.h"
#include "common/user_error.h"

namespace vedetta {
namespace {

// Files that name a network namespace: `ip netns` names first (they exist
// even with no process inside), then each process's.
std::vector<std::string> namespace_files(const std::string& proc_root,
                                         const std::string& named_dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(named_dir, ec)) out.push_back(e.path());
  for (const auto& e : std::filesystem::directory_iterator(proc_root, ec)) {
    std::string name = e.path().filename();
    if (!name.empty() && std::all_of(name.begin(), name.end(), ::isdigit))
      out.push_back(e.path() / "ns" / "net");
  }
  return out;
}

// Fills `by_id` with the inode of each namespace whose id (as the own
// namespace calls it) is in `wanted`: namespace ids are only meaningful to
// the namespace that gave them, so each candidate is asked for its id.
void match_namespace_ids(RouteNetlink& rt, uint32_t own_netns, const std::set<int32_t>& wanted,
                         const std::string& proc_root, const std::string& named_dir,
                         std::unordered_map<int32_t, uint32_t>& by_id) {
  std::set<uint32_t> asked{own_netns};
  for (const std::string& path : namespace_files(proc_root, named_dir)) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0 || !asked.insert(static_cast<uint32_t>(st.st_ino)).second)
      continue;
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;  // a process that just exited, or out of reach after the privilege drop
    int32_t id = kNoNetnsId;
    try {
      id = rt.netnsid_of(fd);
    } catch (const UserError&) {
      // not a namespace file after all (a race with its process's exit)
    }
    close(fd);
    if (wanted.count(id)) by_id[id] = static_cast<uint32_t>(st.st_ino);
    if (by_id.size() == wanted.size()) return;
  }
}

}  // namespace

// The ids `previous` matched for the same links (same interface, same id):
// no need to ask every namespace again.
void reuse_namespace_ids(const NamespaceFacts& previous, NamespaceFacts& f) {
  for (const LinkInfo& l : f.links) {
    if (l.peer_netnsid == kNoNetnsId) continue;
    auto known = previous.netns_by_id.find(l.peer_netnsid);
    if (known == previous.netns_by_id.end()) continue;
    for (const LinkInfo& before : previous.links)
      if (before.ifindex == l.ifindex && before.peer_netnsid == l.peer_netnsid)
        f.netns_by_id[l.peer_netnsid] = known->second;
  }
}

NamespaceFacts read_namespace_facts(uint32_t own_netns, std::vector<std::string>& warnings,
                                    const NamespaceFacts* previous, const std::string& proc_root,
                                    const std::string& named_dir) {
  NamespaceFacts f;
  f.own_netns = own_netns;
  RouteNetlink rt;
  f.links = rt.links();
  auto& own = f.addresses[own_netns];
  for (const AddressInfo& a : rt.addresses()) own.push_back(a.address);
  std::set<int32_t> wanted;
  for (const LinkInfo& l : f.links)
    if (l.peer_netnsid != kNoNetnsId) wanted.insert(l.peer_netnsid);
  if (wanted.empty()) return f;
  if (previous) reuse_namespace_ids(*previous, f);
  if (f.netns_by_id.size() < wanted.size())
    match_namespace_ids(rt, own_netns, wanted, proc_root, named_dir, f.netns_by_id);
  bool denied = false;  // after the privilege drop: every other namespace alike
  for (int32_t id : wanted) {
    auto it = f.netns_by_id.find(id);
    if (it == f.netns_by_id.end()) {
      warnings.push_back(
          format("the network namespace with id %d (where a veth's peer is) matched no "
                 "namespace file the probe could open (under %s, or /proc/PID/ns/net: after "
                 "the privilege drop, only the probe user's processes'): its flows' ends are "
                 "looked up in every namespace",
                 id, named_dir.c_str()));
      continue;
    }
    if (denied) continue;
    try {
      std::vector<AddressInfo> got = rt.addresses(id);
      auto& list = f.addresses[it->second];  // created even when empty: read, not unknown
      for (const AddressInfo& a : got) list.push_back(a.address);
    } catch (const NetlinkError& e) {
      denied = e.code == EACCES || e.code == EPERM;
      if (denied)
        warnings.push_back(
            format("cannot read again the addresses of the network namespaces "
                   "behind the capture interfaces (%s: that needs CAP_NET_ADMIN, "
                   "which the probe gives up after start; --keep-root keeps it): "
                   "the addresses read at start are kept, and the ends of a "
                   "namespace that appears later are looked up in every namespace",
                   strerror(e.code)));
      else
        warnings.push_back(
            format("cannot read the addresses of network namespace net:[%u] "
                   "(%s): its flows' ends are matched with the addresses read "
                   "before, if any, else looked up in every namespace",
                   it->second, e.what()));
    }
  }
  return f;
}

void InterfaceNamespaces::load(const NamespaceFacts& facts) {
  facts_ = facts;
  own_netns_ = facts.own_netns;
  behind_.clear();
  bridged_.clear();
  addresses_ = facts.addresses;
  for (auto& [ns, list] : addresses_) std::sort(list.begin(), list.end());
  auto netns_of_id = [&](int32_t id) -> uint32_t {
    auto it = facts.netns_by_id.find(id);
    return id == kNoNetnsId || it == facts.netns_by_id.end() ? 0 : it->second;
  };
  std::set<uint32_t> bridges;  // links something is a port of
  for (const LinkInfo& l : facts.links)
    if (l.master) bridges.insert(l.master);
  for (const LinkInfo& l : facts.links) {
    Behind& b = behind_[l.ifindex];
    b.peer_netns = netns_of_id(l.peer_netnsid);
    b.bridge = bridges.count(l.ifindex) ? l.ifindex : l.master;
    if (l.master && b.peer_netns) {
      auto& list = bridged_[l.master];
      if (std::find(list.begin(), list.end(), b.peer_netns) == list.end())
        list.push_back(b.peer_netns);
    }
  }
}

bool InterfaceNamespaces::refresh(uint32_t own_netns) {
  std::vector<std::string> problems;
  NamespaceFacts facts;
  try {
    facts = read_namespace_facts(own_netns, problems, &facts_);
  } catch (const UserError& e) {
    problems.push_back(format("capture interfaces' namespaces: %s", e.what()));
    for (std::string& p : problems)
      if (said_.insert(p).second) warnings_.push_back(std::move(p));
    return false;
  }
  // A namespace whose addresses could not be read again (after the
  // privilege drop) keeps the ones read before.
  for (const auto& [id, ns] : facts.netns_by_id)
    if (!facts.addresses.count(ns) && addresses_.count(ns)) facts.addresses[ns] = addresses_[ns];
  load(facts);
  for (std::string& p : problems)
    if (said_.insert(p).second) warnings_.push_back(std::move(p));
  return true;
}

std::vector<uint32_t> InterfaceNamespaces::namespaces_of(uint32_t ifindex) const {
  auto it = behind_.find(ifindex);
  if (it == behind_.end()) return {};
  std::vector<uint32_t> out{own_netns_};
  auto add = [&out](uint32_t ns) {
    if (ns && std::find(out.begin(), out.end(), ns) == out.end()) out.push_back(ns);
  };
  add(it->second.peer_netns);
  if (auto b = bridged_.find(it->second.bridge); it->second.bridge && b != bridged_.end())
    for (uint32_t ns : b->second) add(ns);
  return out;
}

bool InterfaceNamespaces::has_address(uint32_t netns, const IpAddress& a) const {
  auto it = addresses_.find(netns);
  return it != addresses_.end() && std::binary_search(it->second.begin(), it->second.end(), a);
}

uint32_t InterfaceNamespaces::owner(uint32_t ifindex, const IpAddress& a) const {
  auto it = behind_.find(ifindex);
  if (it == behind_.end()) return 0;
  // Only the own namespace's lo carries loopback addresses.
  if (a.is_loopback() || has_address(own_netns_, a)) return own_netns_;
  const Behind& b = it->second;
  if (b.peer_netns && has_address(b.peer_netns, a)) return b.peer_netns;
  if (auto g = bridged_.find(b.bridge); b.bridge && g != bridged_.end())
    for (uint32_t ns : g->second)
      if (has_address(ns, a)) return ns;
  return 0;
}

std::vector<std::string> InterfaceNamespaces::take_warnings() {
  std::vector<std::string> out;
  out.swap(warnings_);
  return out;
}

}  // namespace vedetta

// The capture interface → network namespace map: rtnetlink messages built
// by hand (what the kernel sends for a veth, a bridge port, an address, a
// namespace id, an error), the map put together from such facts (a veth
// into a namespace whose address another namespace also uses), and the
// probe's own namespace read from the kernel (a dump needs no privilege).
#include "attribution/interface_namespaces.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <ifaddrs.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "attribution/netlink_dump.h"
#include "common/user_error.h"

namespace vedetta {
namespace {

// One netlink message: header, fixed part, attributes, as the kernel lays
// them out (each part padded to 4 bytes).
class Message {
 public:
  template <typename Fixed>
  Message(uint16_t type, const Fixed& fixed) {
    bytes_.resize(NLMSG_HDRLEN);
    append(&fixed, sizeof fixed);
    set_header(type);
  }
  template <typename T>
  Message& attribute(uint16_t type, const T& value) {
    return attribute(type, &value, sizeof value);
  }
  Message& attribute(uint16_t type, const void* value, size_t n) {
    rtattr a{static_cast<unsigned short>(RTA_LENGTH(n)), type};
    append(&a, sizeof a);
    append(value, n);
    set_header(type_);
    return *this;
  }
  Message& string(uint16_t type, const char* s) { return attribute(type, s, std::strlen(s) + 1); }
  const nlmsghdr& header() const { return *reinterpret_cast<const nlmsghdr*>(bytes_.data()); }
  std::vector<uint8_t>& bytes() { return bytes_; }

 private:
  void append(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    bytes_.insert(bytes_.end(), b, b + n);
    bytes_.resize(NLMSG_ALIGN(bytes_.size()));
  }
  void set_header(uint16_t type) {
    type_ = type;
    nlmsghdr h{};
    h.nlmsg_len = static_cast<uint32_t>(bytes_.size());
    h.nlmsg_type = type;
    std::memcpy(bytes_.data(), &h, sizeof h);
  }
  std::vector<uint8_t> bytes_;
  uint16_t type_ = 0;
};

Message link(int ifindex, const char* name) {
  ifinfomsg m{};
  m.ifi_index = ifindex;
  Message msg(RTM_NEWLINK, m);
  msg.string(IFLA_IFNAME, name);
  return msg;
}

Message address(int family, int ifindex) {
  ifaddrmsg m{};
  m.ifa_family = static_cast<uint8_t>(family);
  m.ifa_index = static_cast<uint32_t>(ifindex);
  return Message(RTM_NEWADDR, m);
}

Message code(uint16_t type, int error) { return Message(type, error); }

IpAddress ip(const char* text) {
  IpAddress a;
  EXPECT_TRUE(IpAddress::parse(text, a)) << text;
  return a;
}

TEST(RtnetlinkParse, VethWithItsPeerNamespaceAndBridgePort) {
  Message m = link(7, "vdt0");
  m.attribute(IFLA_MASTER, uint32_t{3}).attribute(IFLA_LINK_NETNSID, int32_t{2});
  auto l = parse_link_message(m.header());
  ASSERT_TRUE(l);
  EXPECT_EQ(l->ifindex, 7u);
  EXPECT_EQ(l->name, "vdt0");
  EXPECT_EQ(l->master, 3u);
  EXPECT_EQ(l->peer_netnsid, 2);

  auto plain = parse_link_message(link(1, "lo").header());
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->master, 0u);
  EXPECT_EQ(plain->peer_netnsid, kNoNetnsId);
}

TEST(RtnetlinkParse, AttributeRunningPastTheMessageIsIgnored) {
  Message m = link(4, "eth0");
  m.attribute(IFLA_LINK_NETNSID, int32_t{5});
  std::vector<uint8_t>& b = m.bytes();
  // Claim 64 bytes for the last attribute: the message holds 8.
  b[b.size() - 8] = 64;
  auto l = parse_link_message(m.header());
  ASSERT_TRUE(l);
  EXPECT_EQ(l->name, "eth0");
  EXPECT_EQ(l->peer_netnsid, kNoNetnsId);
}

TEST(RtnetlinkParse, MessagesOfOtherTypesOrTooShort) {
  EXPECT_FALSE(parse_link_message(address(AF_INET, 1).header()));
  EXPECT_FALSE(parse_address_message(link(1, "lo").header()));
  nlmsghdr bare{};
  bare.nlmsg_len = sizeof bare;
  bare.nlmsg_type = RTM_NEWLINK;
  EXPECT_FALSE(parse_link_message(bare));  // no ifinfomsg
}

TEST(RtnetlinkParse, AddressesOwnNotPointToPointPeer) {
  in_addr local{}, peer{};
  inet_pton(AF_INET, "10.9.0.1", &local);
  inet_pton(AF_INET, "10.9.0.2", &peer);
  Message v4 = address(AF_INET, 5);
  v4.attribute(IFA_ADDRESS, peer).attribute(IFA_LOCAL, local);
  auto a = parse_address_message(v4.header());
  ASSERT_TRUE(a);
  EXPECT_EQ(a->ifindex, 5u);
  EXPECT_EQ(a->address, ip("10.9.0.1"));

  in6_addr six{};
  inet_pton(AF_INET6, "2001:db8::7", &six);
  Message v6 = address(AF_INET6, 6);
  v6.attribute(IFA_ADDRESS, six);
  auto b = parse_address_message(v6.header());
  ASSERT_TRUE(b);
  EXPECT_EQ(b->address, ip("2001:db8::7"));

  Message other = address(AF_PACKET, 6);
  other.attribute(IFA_ADDRESS, six);
  EXPECT_FALSE(parse_address_message(other.header()));
  EXPECT_FALSE(parse_address_message(address(AF_INET, 6).header()));  // no address at all
}

TEST(RtnetlinkParse, NamespaceId) {
  rtgenmsg g{};
  Message m(RTM_NEWNSID, g);
  m.attribute(NETNSA_NSID, int32_t{3});
  EXPECT_EQ(parse_netnsid_message(m.header()), 3);
  Message none(RTM_NEWNSID, g);
  none.attribute(NETNSA_NSID, int32_t{-1});  // NETNSA_NSID_NOT_ASSIGNED
  EXPECT_EQ(parse_netnsid_message(none.header()), kNoNetnsId);
}

std::vector<uint8_t> joined(std::initializer_list<Message> messages) {
  std::vector<uint8_t> out;
  for (Message m : messages) out.insert(out.end(), m.bytes().begin(), m.bytes().end());
  return out;
}

TEST(NetlinkWalk, MessagesUntilDone) {
  std::vector<uint8_t> b = joined({link(1, "lo"), link(2, "eth0"), code(NLMSG_DONE, 0)});
  std::vector<std::string> names;
  EXPECT_TRUE(walk_netlink_messages(
      b, "test dump", [&](const nlmsghdr& h) { names.push_back(parse_link_message(h)->name); }));
  EXPECT_EQ(names, (std::vector<std::string>{"lo", "eth0"}));

  std::vector<uint8_t> part = joined({link(1, "lo")});
  EXPECT_FALSE(walk_netlink_messages(part, "test dump", [](const nlmsghdr&) {}));
  std::vector<uint8_t> ack = joined({code(NLMSG_ERROR, 0)});
  EXPECT_TRUE(walk_netlink_messages(ack, "test request", [](const nlmsghdr&) {}));
}

// The error names the request and the reason, and carries the errno (0 for
// a malformed answer), which tells a permission problem from others.
void expect_error(std::vector<uint8_t> b, const std::string& contains, int code) {
  try {
    walk_netlink_messages(b, "address dump of net:[7]", [](const nlmsghdr&) {});
    ADD_FAILURE() << "no error for a buffer that should say: " << contains;
  } catch (const NetlinkError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("address dump of net:[7]"), std::string::npos) << what;
    EXPECT_NE(what.find(contains), std::string::npos) << what;
    EXPECT_EQ(e.code, code) << what;
  }
}

TEST(NetlinkWalk, ErrorsNameTheRequestAndTheReason) {
  expect_error(joined({code(NLMSG_ERROR, -EACCES)}), strerror(EACCES), EACCES);
  // A dump that fails after its start ends with the code in NLMSG_DONE.
  expect_error(joined({link(1, "lo"), code(NLMSG_DONE, -EPERM)}), strerror(EPERM), EPERM);
  std::vector<uint8_t> cut = joined({link(1, "lo")});
  cut.resize(cut.size() - 4);  // the message says more bytes than came
  expect_error(cut, "malformed netlink answer", 0);
  std::vector<uint8_t> tiny = joined({link(1, "lo")});
  tiny[0] = 4;  // a length shorter than the header itself
  tiny[1] = tiny[2] = tiny[3] = 0;
  expect_error(tiny, "malformed netlink answer", 0);
}

// The probe's namespace (100) with lo, eth0, a veth `vdt0` whose peer is in
// namespace 200 (10.0.0.2), and a bridge (10) whose ports' peers are in 301
// and 302. Namespace 999 has 10.0.0.2 too, and is behind no interface.
NamespaceFacts test_bed() {
  NamespaceFacts f;
  f.own_netns = 100;
  auto add = [&f](uint32_t ifindex, const char* name, uint32_t master, int32_t id) {
    LinkInfo l;
    l.ifindex = ifindex;
    l.name = name;
    l.master = master;
    l.peer_netnsid = id;
    f.links.push_back(l);
  };
  add(1, "lo", 0, kNoNetnsId);
  add(2, "eth0", 0, kNoNetnsId);
  add(5, "vdt0", 0, 0);
  add(10, "br0", 0, kNoNetnsId);
  add(11, "vethA", 10, 1);
  add(12, "vethB", 10, 2);
  add(13, "vethC", 0, 7);  // its namespace's id matched no file
  f.netns_by_id = {{0, 200}, {1, 301}, {2, 302}};
  f.addresses[100] = {ip("127.0.0.1"), ip("192.168.1.5"), ip("10.0.0.1"), ip("::1")};
  f.addresses[200] = {ip("10.0.0.2"), ip("2001:db8::2")};
  f.addresses[301] = {ip("172.17.0.2")};
  f.addresses[302] = {ip("172.17.0.3")};
  f.addresses[999] = {ip("10.0.0.2")};
  return f;
}

TEST(InterfaceNamespaces, VethEndsBelongToEitherSide) {
  InterfaceNamespaces m;
  m.load(test_bed());
  EXPECT_EQ(m.namespaces_of(5), (std::vector<uint32_t>{100, 200}));
  EXPECT_EQ(m.owner(5, ip("10.0.0.2")), 200u);  // the peer's, not 999's
  EXPECT_EQ(m.owner(5, ip("2001:db8::2")), 200u);
  EXPECT_EQ(m.owner(5, ip("10.0.0.1")), 100u);
  EXPECT_EQ(m.owner(5, ip("192.168.1.5")), 100u);  // any address of the own namespace
  EXPECT_EQ(m.owner(5, ip("8.8.8.8")), 0u);        // remote: no owner
}

TEST(InterfaceNamespaces, LoopbackAndPlainInterfaces) {
  InterfaceNamespaces m;
  m.load(test_bed());
  EXPECT_EQ(m.owner(1, ip("127.0.0.53")), 100u);  // all of 127/8, not just the listed one
  EXPECT_EQ(m.owner(1, ip("::1")), 100u);
  EXPECT_EQ(m.namespaces_of(2), (std::vector<uint32_t>{100}));
  EXPECT_EQ(m.owner(2, ip("10.0.0.2")), 0u);  // nothing behind eth0 has it
}

TEST(InterfaceNamespaces, BridgeAndItsPortsSeeEveryPortsPeer) {
  InterfaceNamespaces m;
  m.load(test_bed());
  EXPECT_EQ(m.namespaces_of(10), (std::vector<uint32_t>{100, 301, 302}));
  EXPECT_EQ(m.owner(10, ip("172.17.0.3")), 302u);
  EXPECT_EQ(m.owner(11, ip("172.17.0.3")), 302u);  // bridged from port B to port A
  EXPECT_EQ(m.namespaces_of(11), (std::vector<uint32_t>{100, 301, 302}));
  EXPECT_EQ(m.owner(11, ip("10.0.0.2")), 0u);
}

TEST(InterfaceNamespaces, UnknownInterfaceOrPeerNamespace) {
  InterfaceNamespaces m;
  m.load(test_bed());
  EXPECT_FALSE(m.knows(99));
  EXPECT_EQ(m.owner(99, ip("10.0.0.1")), 0u);
  EXPECT_TRUE(m.namespaces_of(99).empty());
  EXPECT_EQ(m.namespaces_of(13), (std::vector<uint32_t>{100}));  // id 7 matched nothing
  EXPECT_EQ(m.owner(13, ip("10.0.0.1")), 100u);
}

uint32_t own_netns() {
  struct stat st {};
  EXPECT_EQ(stat("/proc/self/ns/net", &st), 0);
  return static_cast<uint32_t>(st.st_ino);
}

TEST(InterfaceNamespacesKernel, OwnNamespaceLinksAndAddresses) {
  std::vector<std::string> warnings;
  NamespaceFacts f = read_namespace_facts(own_netns(), warnings);
  unsigned lo = if_nametoindex("lo");
  ASSERT_NE(lo, 0u);
  auto it = std::find_if(f.links.begin(), f.links.end(),
                         [&](const LinkInfo& l) { return l.ifindex == lo; });
  ASSERT_NE(it, f.links.end());
  EXPECT_EQ(it->name, "lo");
  EXPECT_EQ(it->peer_netnsid, kNoNetnsId);
  for (const LinkInfo& l : f.links) EXPECT_EQ(if_nametoindex(l.name.c_str()), l.ifindex) << l.name;
  // Every address getifaddrs sees is one of the own namespace's.
  ifaddrs* list = nullptr;
  ASSERT_EQ(getifaddrs(&list), 0);
  const std::vector<IpAddress>& own = f.addresses[own_netns()];
  size_t checked = 0;
  for (ifaddrs* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr) continue;
    IpAddress want;
    if (a->ifa_addr->sa_family == AF_INET)
      want = IpAddress::v4(reinterpret_cast<const uint8_t*>(
          &reinterpret_cast<const sockaddr_in*>(a->ifa_addr)->sin_addr));
    else if (a->ifa_addr->sa_family == AF_INET6)
      want = IpAddress::v6(reinterpret_cast<const uint8_t*>(
          &reinterpret_cast<const sockaddr_in6*>(a->ifa_addr)->sin6_addr));
    else
      continue;
    EXPECT_NE(std::find(own.begin(), own.end(), want), own.end()) << want.to_string();
    ++checked;
  }
  freeifaddrs(list);
  EXPECT_EQ(checked, own.size());
  InterfaceNamespaces m;
  EXPECT_TRUE(m.refresh(own_netns()));
  EXPECT_EQ(m.namespaces_of(lo).front(), own_netns());
  EXPECT_EQ(m.owner(lo, ip("127.0.0.1")), own_netns());
}

}  // namespace
}  // namespace vedetta

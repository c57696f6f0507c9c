#pragma once
// The part of a filter the kernel can decide: per key (event type, pid,
// comm), either "anything" or a finite set of allowed values. The BPF side
// drops an event unless every key allows it (the event types select the
// captured calls; pids and comms are BPF hash maps, see src/ebpf).
//
// The rule. For a filter F, derive(F) returns constraints C such that every
// event F accepts satisfies C; C may accept more (userspace still runs F).
// It is an abstract interpretation over "boxes" (one set per key):
//   1. Push 'not' down to the checks (De Morgan; 'not not x' = x). This is
//      exact in two-valued logic, and the evaluator is two-valued.
//   2. A positive check on a key field gives a set for that key, "anything"
//      for the others:   evt.type = X | evt.type in (X, Y)   -> types {X, Y}
//                        proc.pid = N | proc.pid in (N, M)   -> pids  {N, M}
//                        proc.name = S | proc.name in (S, T) -> comms {S, T}
//      Every other check, and every negated check (including '!=', which is
//      also false when the field is absent), gives "anything" everywhere.
//   3. 'and' intersects per key ("anything" is the identity): an event
//      accepted by both sides lies in both boxes, so in their intersection.
//   4. 'or' unions per key ("anything" absorbs): the smallest box holding
//      both sides' boxes (an over-approximation of their union).
// An empty set means no event can pass (e.g. proc.name = a and proc.name = b).
//
// What the kernel side must keep to stay sound:
//  - type names map to every event code of the syscall (enter and exit);
//    a name it cannot map (an event made in userspace, a name it does not
//    know) must turn the type key into "anything", never into "nothing";
//  - pids are thread-group ids (proc.pid), not thread ids;
//  - comm is compared on its first 15 bytes (TASK_COMM_LEN - 1): the
//    kernel truncates it, proc.name may not be (see allows_comm);
//  - comm changes during execve and with prctl(PR_SET_NAME): the comm set
//    is sound only where the comm the kernel sees at the event is the
//    proc.name userspace evaluates; where they can differ (the exec events
//    themselves, threads renamed by prctl) the BPF side must let the event
//    through.
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "filter/parser.h"

namespace vedetta::filter {

inline constexpr size_t kKernelCommLength = 15;  // TASK_COMM_LEN - 1

template <class T>
struct KeySet {
  bool any = true;     // no constraint
  std::set<T> values;  // allowed values when !any (empty: nothing passes)

  static KeySet anything() { return {}; }
  static KeySet of(std::set<T> v) { return KeySet{false, std::move(v)}; }
  bool allows(const T& v) const { return any || values.count(v) > 0; }
  friend bool operator==(const KeySet&, const KeySet&) = default;
};

struct KernelPrefilter {
  KeySet<std::string> event_types;  // evt.type names: open, connect, ...
  KeySet<int64_t> pids;             // proc.pid
  KeySet<std::string> comms;        // proc.name

  bool accepts_everything() const { return event_types.any && pids.any && comms.any; }
  // Comm compared on its first kKernelCommLength bytes on both sides.
  bool allows_comm(std::string_view comm) const;
  bool allows(std::string_view event_type, int64_t pid, std::string_view comm) const;
  // "types {connect, open} pids any comms {sshd}"
  std::string describe() const;
  friend bool operator==(const KernelPrefilter&, const KernelPrefilter&) = default;
};

KernelPrefilter derive_kernel_prefilter(const Expr& expr);
KernelPrefilter derive_kernel_prefilter(const Filter& filter);

}  // namespace vedetta::filter

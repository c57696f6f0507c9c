#include "filter/kernel_prefilter.h"

#include <algorithm>

namespace vedetta::filter {

namespace {

template <class T>
KeySet<T> intersect(const KeySet<T>& a, const KeySet<T>& b) {
  if (a.any) return b;
  if (b.any) return a;
  std::set<T> out;
  std::set_intersection(a.values.begin(), a.values.end(), b.values.begin(), b.values.end(),
                        std::inserter(out, out.end()));
  return KeySet<T>::of(std::move(out));
}

template <class T>
KeySet<T> unite(const KeySet<T>& a, const KeySet<T>& b) {
  if (a.any || b.any) return KeySet<T>::anything();
  std::set<T> out = a.values;
  out.insert(b.values.begin(), b.values.end());
  return KeySet<T>::of(std::move(out));
}

KernelPrefilter intersect(const KernelPrefilter& a, const KernelPrefilter& b) {
  return {intersect(a.event_types, b.event_types), intersect(a.pids, b.pids),
          intersect(a.comms, b.comms)};
}

KernelPrefilter unite(const KernelPrefilter& a, const KernelPrefilter& b) {
  return {unite(a.event_types, b.event_types), unite(a.pids, b.pids), unite(a.comms, b.comms)};
}

// A positive (not negated) check.
KernelPrefilter from_check(const Check& c) {
  KernelPrefilter out;
  if (c.op != CmpOp::Eq && c.op != CmpOp::In) return out;
  if (c.field.has_arg) return out;
  switch (c.field.info->id) {
    case FieldId::EvtType: {
      std::set<std::string> v;
      for (const Constant& k : c.values) v.insert(k.text);
      out.event_types = KeySet<std::string>::of(std::move(v));
      break;
    }
    case FieldId::ProcName: {
      std::set<std::string> v;
      for (const Constant& k : c.values) v.insert(k.text);
      out.comms = KeySet<std::string>::of(std::move(v));
      break;
    }
    case FieldId::ProcPid: {
      std::set<int64_t> v;
      for (const Constant& k : c.values) {
        if (!k.number) return out;  // the parser guarantees numbers; stay safe anyway
        v.insert(*k.number);
      }
      out.pids = KeySet<int64_t>::of(std::move(v));
      break;
    }
    default:
      break;
  }
  return out;
}

// `negated`: the node sits under an odd number of 'not's.
KernelPrefilter derive(const Expr& e, bool negated) {
  switch (e.kind) {
    case Expr::Kind::Not:
      return derive(*e.children[0], !negated);
    case Expr::Kind::Check:
      return negated ? KernelPrefilter{} : from_check(e.check);
    case Expr::Kind::And:
    case Expr::Kind::Or: {
      // not (a and b) = not a or not b; not (a or b) = not a and not b.
      bool conjunction = (e.kind == Expr::Kind::And) != negated;
      KernelPrefilter acc = derive(*e.children[0], negated);
      for (size_t i = 1; i < e.children.size(); ++i) {
        KernelPrefilter next = derive(*e.children[i], negated);
        acc = conjunction ? intersect(acc, next) : unite(acc, next);
      }
      return acc;
    }
  }
  return {};
}

template <class T>
std::string describe_key(const char* name, const KeySet<T>& k) {
  std::string out = name;
  if (k.any) return out + " any";
  out += " {";
  bool first = true;
  for (const T& v : k.values) {
    if (!first) out += ", ";
    first = false;
    if constexpr (std::is_same_v<T, std::string>) {
      out += quote_value(v);
    } else {
      out += std::to_string(v);
    }
  }
  return out + "}";
}

}  // namespace

bool KernelPrefilter::allows_comm(std::string_view comm) const {
  if (comms.any) return true;
  std::string_view k = comm.substr(0, std::min(comm.size(), kKernelCommLength));
  for (const std::string& v : comms.values)
    if (std::string_view(v).substr(0, std::min(v.size(), kKernelCommLength)) == k) return true;
  return false;
}

bool KernelPrefilter::allows(std::string_view event_type, int64_t pid,
                             std::string_view comm) const {
  return event_types.allows(std::string(event_type)) && pids.allows(pid) && allows_comm(comm);
}

std::string KernelPrefilter::describe() const {
  return describe_key("types", event_types) + " " + describe_key("pids", pids) + " " +
         describe_key("comms", comms);
}

KernelPrefilter derive_kernel_prefilter(const Expr& expr) { return derive(expr, false); }

KernelPrefilter derive_kernel_prefilter(const Filter& filter) {
  return filter.root ? derive(*filter.root, false) : KernelPrefilter{};
}

}  // namespace vedetta::filter

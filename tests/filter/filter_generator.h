#pragma once
// Random filters over a small vocabulary (so that checks often hold) and
// random events for them: for the pre-filter's soundness test and the
// printed-form round trip.
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "fake_source.h"
#include "filter/kernel_prefilter.h"

namespace vedetta::filter::testing {

inline const std::vector<std::string> kTypes = {"open", "read", "connect", "close", "execve"};
inline const std::vector<std::string> kComms = {"sshd", "bash", "nginx", "a-very-long-process-name",
                                                "a-very-long-pro"};
inline const std::vector<int64_t> kPids = {1, 2, 3, 100};

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  std::string filter(int depth = 0) {
    int r = pick(depth >= 4 ? 3 : 8);
    switch (r) {
      case 3:
        return "not " + filter(depth + 1);
      case 4:
        return "(" + filter(depth + 1) + ")";
      case 5:
        return filter(depth + 1) + " and " + filter(depth + 1);
      case 6:
        return filter(depth + 1) + " or " + filter(depth + 1);
      case 7:
        return "not (" + filter(depth + 1) + " or " + filter(depth + 1) + ")";
      default:
        return check();
    }
  }

  FakeSource event(std::string& type, int64_t& pid, std::string& comm) {
    FakeSource s;
    type = pick(5) == 0 ? "other" : kTypes[pick(kTypes.size())];
    pid = pick(5) == 0 ? 7 : kPids[pick(kPids.size())];
    comm = pick(5) == 0 ? "other" : kComms[pick(kComms.size())];
    s.set("evt.type", type.c_str()).set("proc.pid", pid);
    if (pick(10) != 0) s.set("proc.name", comm.c_str());  // userspace may not know the name
    if (pick(2)) s.set("fd.num", static_cast<int64_t>(pick(4)));
    if (pick(2)) s.set("fd.type", pick(2) ? "ipv4" : "file");
    comm = comm.substr(0, kKernelCommLength);  // what the kernel sees
    return s;
  }

 private:
  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }

  std::string value_list(const std::function<std::string()>& one) {
    std::string out = "(" + one();
    for (size_t i = pick(3); i > 0; --i) out += ", " + one();
    return out + ")";
  }

  std::string check() {
    static const char* kTextOps[] = {
        "=", "==", "!=", "<", ">=", "contains", "icontains", "startswith", "endswith", "glob"};
    auto type = [&] { return kTypes[pick(kTypes.size())]; };
    auto comm = [&] { return kComms[pick(kComms.size())]; };
    auto pid = [&] { return std::to_string(kPids[pick(kPids.size())]); };
    switch (pick(6)) {
      case 0:
      case 1: {  // evt.type
        int op = pick(2) ? static_cast<int>(pick(13)) : (pick(2) ? 0 : 10);
        if (op == 10) return "evt.type in " + value_list(type);
        if (op == 11) return "evt.type exists";
        if (op == 12) return "evt.type pmatch " + value_list(type);
        return "evt.type " + std::string(kTextOps[op]) + " " +
               (op >= 5 && pick(2) ? type().substr(0, 2) + (op == 9 ? "*" : "") : type());
      }
      case 2: {  // proc.pid
        static const char* kOps[] = {"=", "!=", "<", "<=", ">", ">="};
        if (pick(3) == 0) return "proc.pid in " + value_list(pid);
        return "proc.pid " + std::string(kOps[pick(6)]) + " " + pid();
      }
      case 3: {  // proc.name
        int op = pick(2) ? static_cast<int>(pick(12)) : (pick(2) ? 0 : 10);
        if (op == 10) return "proc.name in " + value_list(comm);
        if (op == 11) return "proc.name exists";
        return "proc.name " + std::string(kTextOps[op]) + " '" +
               (op >= 5 && pick(2) ? comm().substr(0, 3) + (op == 9 ? "*" : "") : comm()) + "'";
      }
      case 4:
        return pick(2) ? "fd.num = " + std::to_string(pick(4)) : "fd.num exists";
      default:
        return pick(2) ? "fd.type = ipv4" : "fd.type in (file, pipe)";
    }
  }

  std::mt19937 rng_;
};

}  // namespace vedetta::filter::testing

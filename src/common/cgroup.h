#pragma once
// The control group of a process and the container it runs in, from
// /proc/PID/cgroup. BPF's cgroup id only names the cgroup v2 group, and on a
// cgroup v1 machine that is the root for every process; the text file names
// the group in every hierarchy.
#include <cstdint>
#include <string>
#include <string_view>

namespace vedetta {

struct CgroupInfo {
  // The group that says most about the process: the one holding a container
  // id, else the cgroup v2 group, else the first v1 group that is not the
  // root. Empty when the process is in the root everywhere.
  std::string path;
  // As sysdig's container.id: the first 12 hex digits of a docker,
  // containerd, CRI-O or podman 64-hex id in a group's path; else `path`
  // (a group that is not a container is still worth telling apart); empty
  // on the host.
  std::string container_id;
};

// Parses the lines "hierarchy-ID:controllers:path" (v1) and "0::path" (v2).
// Lines that do not have that form are skipped.
CgroupInfo parse_proc_cgroup(std::string_view text);

// /proc/PID/cgroup of `pid` (world-readable); empty fields if it is gone.
CgroupInfo read_process_cgroup(uint32_t pid, const std::string& proc_root = "/proc");

}  // namespace vedetta

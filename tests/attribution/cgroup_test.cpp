// /proc/PID/cgroup → cgroup path and container id, with the lines the
// container runtimes really write (cgroupfs and systemd drivers, v1 and v2).
#include "common/cgroup.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace vedetta {
namespace {

const std::string kId = "3f0a5b0c8e2d4f6a9b1c7d3e5f2a4b6c8d0e1f3a5b7c9d2e4f6a8b0c1d3e5f7a";

TEST(Cgroup, DockerCgroupfsDriverOnV1) {
  CgroupInfo c = parse_proc_cgroup("12:pids:/docker/" + kId + "\n11:cpu,cpuacct:/docker/" + kId +
                                   "\n1:name=systemd:/docker/" + kId + "\n0::/\n");
  EXPECT_EQ(c.container_id, "3f0a5b0c8e2d");
  EXPECT_EQ(c.path, "/docker/" + kId);
}

TEST(Cgroup, SystemdDriverScopesOfEachRuntime) {
  for (const char* prefix : {"docker-", "cri-containerd-", "crio-", "libpod-"}) {
    std::string path = "/system.slice/" + std::string(prefix) + kId + ".scope";
    CgroupInfo c = parse_proc_cgroup("0::" + path + "\n");
    EXPECT_EQ(c.container_id, "3f0a5b0c8e2d") << prefix;
    EXPECT_EQ(c.path, path);
  }
}

TEST(Cgroup, KubernetesPodPath) {
  std::string path = "/kubepods/burstable/pod5d3c1e8a-0b7f-4c2e-9a6d-1f2e3d4c5b6a/" + kId;
  EXPECT_EQ(parse_proc_cgroup("4:memory:" + path + "\n").container_id, "3f0a5b0c8e2d");
}

TEST(Cgroup, NotAContainerGivesThePathFirstV2ThenV1) {
  CgroupInfo v1 = parse_proc_cgroup("9:name=systemd:/\n8:pids:/batch/job7\n4:memory:/other\n0::/\n");
  EXPECT_EQ(v1.path, "/batch/job7");
  EXPECT_EQ(v1.container_id, "/batch/job7");
  CgroupInfo v2 = parse_proc_cgroup("8:pids:/batch/job7\n0::/user.slice/session-3.scope\n");
  EXPECT_EQ(v2.path, "/user.slice/session-3.scope");
}

TEST(Cgroup, HostProcessHasNoneAndNearMissesAreNotIds) {
  EXPECT_EQ(parse_proc_cgroup("1:cpu:/\n0::/\n").container_id, "");
  // 63 digits, upper case, an unknown prefix: paths, not container ids.
  for (std::string element : {kId.substr(1), std::string(64, 'A'), "runc-" + kId + ".scope"}) {
    CgroupInfo c = parse_proc_cgroup("3:cpuset:/x/" + element + "\n");
    EXPECT_EQ(c.container_id, "/x/" + element);
  }
}

TEST(Cgroup, MalformedLinesAreSkipped) {
  CgroupInfo c = parse_proc_cgroup("garbage\n7:blkio\n:::\n5:devices:relative\n2:cpu:/ok\n");
  EXPECT_EQ(c.path, "/ok");
  EXPECT_EQ(parse_proc_cgroup("").path, "");
}

TEST(Cgroup, ReadsThisProcess) {
  // Whatever this machine's groups are, the file parses and a vanished pid
  // gives nothing.
  CgroupInfo me = read_process_cgroup(static_cast<uint32_t>(getpid()));
  EXPECT_TRUE(me.path.empty() || me.path[0] == '/');
  EXPECT_EQ(read_process_cgroup(0x7ffffffe).path, "");
}

}  // namespace
}  // namespace vedetta

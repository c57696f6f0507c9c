#include "common/cgroup.h"

#include <cctype>

#include "common/proc_files.h"

namespace vedetta {
namespace {

constexpr size_t kIdLength = 64;

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) && !std::isupper(static_cast<unsigned char>(c)); }

// A 64-hex id that is a whole path element or the id in "docker-ID.scope",
// "cri-containerd-ID.scope", "crio-ID.scope", "libpod-ID.scope" (systemd
// driver) — as the runtimes name them. Returns its first 12 digits.
std::string container_id_in(std::string_view path) {
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view element = path.substr(start, end - start);
    if (element.size() >= kIdLength) {
      // The id ends the element, or is followed by ".scope".
      std::string_view id = element;
      if (id.size() > 6 && id.substr(id.size() - 6) == ".scope") id.remove_suffix(6);
      if (id.size() >= kIdLength) {
        std::string_view tail = id.substr(id.size() - kIdLength);
        std::string_view prefix = id.substr(0, id.size() - kIdLength);
        bool hex = true;
        for (char c : tail) hex = hex && is_hex(c);
        bool known_prefix = prefix.empty() || prefix == "docker-" || prefix == "crio-" ||
                            prefix == "cri-containerd-" || prefix == "libpod-";
        if (hex && known_prefix) return std::string(tail.substr(0, 12));
      }
    }
    start = end + 1;
  }
  return {};
}

}  // namespace

CgroupInfo parse_proc_cgroup(std::string_view text) {
  CgroupInfo info;
  std::string v2_path, v1_path;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    size_t first = line.find(':');
    size_t second = first == std::string_view::npos ? first : line.find(':', first + 1);
    if (second == std::string_view::npos) continue;
    std::string_view path = line.substr(second + 1);
    if (path.empty() || path[0] != '/') continue;
    if (std::string id = container_id_in(path); !id.empty()) {
      info.path = path;
      info.container_id = id;
      return info;
    }
    if (path == "/") continue;
    bool v2 = line.substr(0, second) == "0:";
    if (v2 && v2_path.empty()) v2_path = path;
    if (!v2 && v1_path.empty()) v1_path = path;
  }
  info.path = !v2_path.empty() ? v2_path : v1_path;
  info.container_id = info.path;
  return info;
}

CgroupInfo read_process_cgroup(uint32_t pid, const std::string& proc_root) {
  return parse_proc_cgroup(read_text_file(proc_root + "/" + std::to_string(pid) + "/cgroup"));
}

}  // namespace vedetta

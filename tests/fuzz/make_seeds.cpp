// Turns pcap/pcapng files into seed inputs for the packet-path fuzzer (see
// fuzz_input.h): a few seeds per capture, each holding a few consecutive
// packets from the start of the capture, where handshakes and the packets nDPI
// needs are. Reads the captures only; writes into the output directory.
//
//   vedetta_fuzz_seeds PCAP_DIR OUT_DIR [SEEDS_PER_FILE [PACKETS_PER_SEED]]
#include <dirent.h>
#include <pcap/pcap.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz_input.h"

namespace {

constexpr size_t kMaxSeedBytes = 6000;  // below the fuzzer's -max_len
constexpr size_t kMaxFrame = 1600;

bool write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return false;
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  return std::fclose(f) == 0 && ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s PCAP_DIR OUT_DIR [SEEDS_PER_FILE [PACKETS_PER_SEED]]\n", argv[0]);
    return 2;
  }
  std::string in_dir = argv[1], out_dir = argv[2];
  int seeds_per_file = argc > 3 ? std::atoi(argv[3]) : 6;
  int packets_per_seed = argc > 4 ? std::atoi(argv[4]) : 4;

  std::vector<std::string> files;
  if (DIR* d = opendir(in_dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n.size() > 4 && (n.ends_with(".pcap") || n.ends_with(".pcapng") || n.ends_with(".cap")))
        files.push_back(n);
    }
    closedir(d);
  } else {
    std::fprintf(stderr, "cannot read %s\n", in_dir.c_str());
    return 1;
  }
  std::sort(files.begin(), files.end());  // deterministic seed names and order

  size_t written = 0, skipped = 0;
  for (const auto& name : files) {
    char err[PCAP_ERRBUF_SIZE];
    pcap_t* p = pcap_open_offline((in_dir + "/" + name).c_str(), err);
    if (!p) {
      ++skipped;
      continue;
    }
    int index = vedetta::fuzz::datalink_index(pcap_datalink(p));
    if (index < 0) {
      ++skipped;
      pcap_close(p);
      continue;
    }
    for (int s = 0; s < seeds_per_file; ++s) {
      std::vector<uint8_t> seed{static_cast<uint8_t>(index)};
      uint64_t last_us = 0;
      int n = 0;
      pcap_pkthdr* h;
      const u_char* bytes;
      while (n < packets_per_seed && pcap_next_ex(p, &h, &bytes) == 1) {
        uint64_t us = uint64_t(h->ts.tv_sec) * 1'000'000 + h->ts.tv_usec;
        uint64_t gap = n == 0 || us < last_us ? 0 : (us - last_us) / vedetta::fuzz::kGapUnitUs;
        last_us = us;
        size_t len = std::min<size_t>(h->caplen, kMaxFrame);
        if (seed.size() + 3 + len > kMaxSeedBytes) break;
        seed.push_back(static_cast<uint8_t>(std::min<uint64_t>(gap, 255)));
        seed.push_back(static_cast<uint8_t>(len));
        seed.push_back(static_cast<uint8_t>(len >> 8));
        seed.insert(seed.end(), bytes, bytes + len);
        ++n;
      }
      if (n == 0) break;
      std::string out = out_dir + "/" + name + "-" + std::to_string(s);
      if (!write_file(out, seed)) {
        std::fprintf(stderr, "cannot write %s\n", out.c_str());
        pcap_close(p);
        return 1;
      }
      ++written;
    }
    pcap_close(p);
  }
  std::printf("vedetta_fuzz_seeds: %zu seeds from %zu captures (%zu skipped)\n", written,
              files.size() - skipped, skipped);
  return 0;
}

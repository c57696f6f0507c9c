// Test driver for the NetFlow/IPFIX collector input until `vedetta server`
// exists: opens `-i URL` through the same factory, prints each collected
// flow as one JSON object ({"exporter":..., "source_id":..., "<id>":value})
// and, at the end, the input's counters as a JSON object on stderr.
//
//   vedetta_netflow_listen URL [--idle-exit SECONDS] [--max-seconds SECONDS] [--quiet]
//
// It exits after --idle-exit seconds without a datagram once one arrived
// (default 3), or after --max-seconds in any case (default 60). "ready" on
// stderr tells that the socket is bound.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "collect/netflow_input.h"
#include "common/user_error.h"
#include "export/json_text.h"

namespace {

using namespace vedetta;

class PrintingHandler : public collect::RecordHandler {
 public:
  explicit PrintingHandler(bool quiet) : quiet_(quiet) {}
  void flow(const collect::FlowOrigin& origin, wire::FlowRecord&& r) override {
    if (quiet_) return;
    std::string line = "{\"exporter\":";
    append_json_string(line, origin.source);
    line += ",\"source_id\":" + std::to_string(origin.source_id);
    for (const wire::RecordField& f : r.fields) {
      line += ',';
      append_json_string(line, f.id ? std::to_string(f.id) : f.name);
      line += ':';
      std::string text;
      if (auto* u = std::get_if<uint64_t>(&f.value)) line += std::to_string(*u);
      else if (auto* b = std::get_if<bool>(&f.value)) line += *b ? "true" : "false";
      else if (auto* d = std::get_if<double>(&f.value)) line += std::to_string(*d);
      else if (wire::as_text(&f.value, text)) append_json_string(line, text);
      else line += "null";
    }
    std::printf("%s}\n", line.c_str());
  }

 private:
  bool quiet_;
};

double now_s() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "USAGE: %s URL [--idle-exit S] [--max-seconds S] [--quiet]\n", argv[0]);
    return 2;
  }
  double idle_exit = 3, max_seconds = 60;
  bool quiet = false;
  for (int i = 2; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--idle-exit") && i + 1 < argc) idle_exit = std::stod(argv[++i]);
    else if (!std::strcmp(argv[i], "--max-seconds") && i + 1 < argc) max_seconds = std::stod(argv[++i]);
    else if (!std::strcmp(argv[i], "--quiet")) quiet = true;
  }
  try {
    auto input = collect::open_netflow_input(argv[1]);
    for (const std::string& l : input->source_lines()) std::fprintf(stderr, "%s\n", l.c_str());
    std::fprintf(stderr, "ready\n");
    PrintingHandler handler(quiet);
    double start = now_s(), last = 0;
    while (now_s() - start < max_seconds && (last == 0 || now_s() - last < idle_exit)) {
      std::vector<zmq_pollitem_t> items;
      input->poll_items(items);
      if (zmq_poll(items.data(), int(items.size()), 100) > 0) {
        input->read_ready(handler);
        last = now_s();
      }
    }
    std::fflush(stdout);
    collect::InputStats s = input->stats();
    for (const std::string& l : input->source_lines()) std::fprintf(stderr, "%s\n", l.c_str());
    std::fprintf(stderr,
                 "{\"messages\":%llu,\"flows\":%llu,\"lost\":%llu,\"restarts\":%llu,"
                 "\"bad\":%llu,\"kernel_drops\":%llu,\"unknown_templates\":%llu}\n",
                 (unsigned long long)s.messages, (unsigned long long)s.flows,
                 (unsigned long long)s.lost_messages, (unsigned long long)s.source_restarts,
                 (unsigned long long)s.bad_messages, (unsigned long long)s.kernel_drops,
                 (unsigned long long)s.unknown_templates);
  } catch (const UserError& e) {
    std::fprintf(stderr, "vedetta: %s\n", e.what());
    return 1;
  }
  return 0;
}

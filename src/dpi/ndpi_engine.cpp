#include "dpi/ndpi_engine.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

extern "C" {
#include <ndpi/ndpi_api.h>
}

#include "common/stdout_capture.h"
#include "common/user_error.h"

namespace vedetta {
namespace {

// Checks a file nDPI will read, so that errors name the real cause (nDPI
// itself only says that loading failed).
void require_readable(const std::string& path, const char* what) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0)
    throw UserError(format("cannot read %s '%s': %s", what, path.c_str(), strerror(errno)));
  if (!S_ISREG(st.st_mode))
    throw UserError(format("cannot read %s '%s': not a regular file", what, path.c_str()));
  if (access(path.c_str(), R_OK) != 0)
    throw UserError(format("cannot read %s '%s': %s", what, path.c_str(), strerror(errno)));
}

// nDPI reports rejected lines on stdout; turn them into one clear error.
void check_ndpi_output(const std::string& printed, const std::string& path, const char* what) {
  if (printed.empty()) return;
  std::string first = printed.substr(0, printed.find('\n'));
  throw UserError(format("%s '%s': nDPI rejected it: %s", what, path.c_str(), first.c_str()));
}

ndpi_flow_struct* state_of(Flow& f) { return static_cast<ndpi_flow_struct*>(f.dpi_state()); }

}  // namespace

size_t NdpiEngine::flow_state_bytes() { return ndpi_detection_get_sizeof_ndpi_flow_struct(); }

NdpiEngine::NdpiEngine(const DpiOptions& options) : options_(options) {
  if (!options_.enabled) return;
  ndpi_ = ndpi_init_detection_module(ndpi_no_prefs);
  if (!ndpi_) throw UserError("nDPI failed to initialise (out of memory?)");
  NDPI_PROTOCOL_BITMASK all;
  NDPI_BITMASK_SET_ALL(all);
  ndpi_set_protocol_detection_bitmask2(ndpi_, &all);
  if (!options_.protos_file.empty()) {
    require_readable(options_.protos_file, "protocols file");
    int rc = 0;
    std::string printed = capture_stdout(
        [&] { rc = ndpi_load_protocols_file(ndpi_, options_.protos_file.c_str()); });
    check_ndpi_output(printed, options_.protos_file, "protocols file");
    if (rc != 0)
      throw UserError(format("protocols file '%s': nDPI could not load it", options_.protos_file.c_str()));
  }
  if (!options_.categories_file.empty()) {
    require_readable(options_.categories_file, "categories file");
    int rc = 0;
    std::string printed = capture_stdout(
        [&] { rc = ndpi_load_categories_file(ndpi_, options_.categories_file.c_str()); });
    check_ndpi_output(printed, options_.categories_file, "categories file");
    if (rc < 0)
      throw UserError(
          format("categories file '%s': nDPI could not load it", options_.categories_file.c_str()));
  }
  ndpi_finalize_initialization(ndpi_);
}

NdpiEngine::~NdpiEngine() {
  if (ndpi_) ndpi_exit_detection_module(ndpi_);
}

void NdpiEngine::on_packet(Flow& flow, const DecodedPacket& p) {
  if (!ndpi_ || flow.dpi.completed || !p.l3) return;
  if (!flow.dpi_state()) {
    void* state = ndpi_flow_malloc(flow_state_bytes());
    if (!state) return;  // out of memory: the flow stays undetected
    std::memset(state, 0, flow_state_bytes());
    flow.set_dpi_state(state);
  }
  uint64_t ms = p.ts_us / 1000;
  if (ms < last_ms_) ms = last_ms_;  // a capture whose clock went back
  last_ms_ = ms;

  uint64_t packets = flow.c2s.packets + flow.s2c.packets;
  bool enough = (p.l4_proto == IPPROTO_UDP && packets > options_.max_udp_packets) ||
                (p.l4_proto == IPPROTO_TCP && packets > options_.max_tcp_packets);
  uint16_t len = p.l3_captured > 0xffff ? 0xffff : static_cast<uint16_t>(p.l3_captured);
  ++stats_.packets_inspected;
  ndpi_protocol r = ndpi_detection_process_packet(ndpi_, state_of(flow), p.l3, len, ms);
  flow.dpi.master_id = r.master_protocol;
  flow.dpi.app_id = r.app_protocol;
  flow.dpi.category_id = r.category;
  if (!enough && r.app_protocol == NDPI_PROTOCOL_UNKNOWN) return;
  if (!enough && ndpi_extra_dissection_possible(ndpi_, state_of(flow))) return;  // wants more
  complete(flow, r.app_protocol == NDPI_PROTOCOL_UNKNOWN);
}

void NdpiEngine::finish(Flow& flow) {
  if (ndpi_ && !flow.dpi.completed && flow.dpi_state()) complete(flow, true);
  if (void* state = flow.dpi_state()) {
    flow.set_dpi_state(nullptr);
    ndpi_flow_free(state);
  }
}

void NdpiEngine::complete(Flow& flow, bool give_up) {
  flow.dpi.completed = true;
  // Counted by what inspection found, before any give-up guess.
  if (flow.dpi.app_id != NDPI_PROTOCOL_UNKNOWN) ++stats_.flows_detected;
  else ++stats_.flows_guessed;
  if (give_up) {
    // As ndpiReader at the end of a file: nDPI keeps what it detected and
    // guesses (by port, by IP) only what it did not.
    uint8_t guessed = 0;
    ndpi_protocol r = ndpi_detection_giveup(ndpi_, state_of(flow), options_.guess_on_giveup, &guessed);
    flow.dpi.master_id = r.master_protocol;
    flow.dpi.app_id = r.app_protocol;
    flow.dpi.category_id = r.category;
  }
  collect(flow);
}

// What ndpiReader prints as Hostname/SNI: nDPI's host_server_name, or for
// SSH the client signature. Detection is over: the (large) nDPI state is
// given back, and the host name takes its place in the flow.
void NdpiEngine::collect(Flow& flow) {
  ndpi_flow_struct* s = state_of(flow);
  flow.dpi.confidence = static_cast<uint8_t>(s->confidence);
  bool ssh = flow.dpi.app_id == NDPI_PROTOCOL_SSH || flow.dpi.master_id == NDPI_PROTOCOL_SSH;
  const char* host = ssh ? s->protos.ssh.client_signature : s->host_server_name;
  size_t cap = ssh ? sizeof s->protos.ssh.client_signature : sizeof s->host_server_name;
  std::string text(host, strnlen(host, cap));
  flow.set_dpi_state(nullptr);
  ndpi_flow_free(s);
  flow.dpi.host = text;
}

std::string NdpiEngine::app_name(uint16_t id) const {
  if (!ndpi_) return "Unknown";
  const char* n = ndpi_get_proto_name(ndpi_, id);
  return n ? n : "Unknown";
}

namespace {
ndpi_protocol as_ndpi(const DpiResult& r) {
  ndpi_protocol p;
  std::memset(&p, 0, sizeof p);
  p.master_protocol = r.master_id;
  p.app_protocol = r.app_id;
  p.category = static_cast<ndpi_protocol_category_t>(r.category_id);
  return p;
}
}  // namespace

// Both follow nDPI's own formatting ("91.196" / "TLS.DoH_DoT").
std::string NdpiEngine::protocol_name(const DpiResult& r) const {
  if (!ndpi_) return "Unknown";
  char buf[128];
  return ndpi_protocol2name(ndpi_, as_ndpi(r), buf, sizeof buf);
}

std::string NdpiEngine::protocol_id(const DpiResult& r) const {
  if (!ndpi_) return "0";
  char buf[64];
  return ndpi_protocol2id(ndpi_, as_ndpi(r), buf, sizeof buf);
}

std::string NdpiEngine::category_name(uint16_t id) const {
  if (!ndpi_) return "";
  const char* n = ndpi_category_get_name(ndpi_, static_cast<ndpi_protocol_category_t>(id));
  return n ? n : "";
}

const char* NdpiEngine::confidence_name(uint8_t c) {
  return ndpi_confidence_get_name(static_cast<ndpi_confidence_t>(c));
}

}  // namespace vedetta

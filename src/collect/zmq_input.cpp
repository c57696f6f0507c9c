#include "collect/zmq_input.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/text_hash.h"
#include "common/user_error.h"
#include "wire/zmq_curve_key.h"
#include "wire/zmq_endpoint.h"

namespace vedetta::collect {
namespace {

// ntopng's topics; "hello", "listening-ports"... are not subscribed.
const char* const kTopics[] = {"flow", "event", "counter", "template", "option"};
// Messages read from one socket per read_ready() call, so that a busy
// sender cannot starve the others (the server polls again at once).
constexpr int kMaxMessagesPerRead = 4096;
// As ntopng: an 8 MB socket receive buffer (the kernel caps it at rmem_max).
constexpr int kReceiveBuffer = 8 << 20;

std::span<const uint8_t> bytes_of(zmq_msg_t& m) {
  return {static_cast<const uint8_t*>(zmq_msg_data(&m)), zmq_msg_size(&m)};
}

// Frees the frames of one message whatever path read_one takes.
struct Frames {
  zmq_msg_t part[2];
  Frames() {
    zmq_msg_init(&part[0]);
    zmq_msg_init(&part[1]);
  }
  ~Frames() {
    zmq_msg_close(&part[0]);
    zmq_msg_close(&part[1]);
  }
};

// "tcp://*:5556c" → bind "tcp://*:5556", "ipc:///run/vd.sockc" → bind
// "ipc:///run/vd.sock": a trailing "c" is collector mode, as for ntopng.
bool strip_collector_mark(std::string& endpoint) {
  if (endpoint.size() < 2 || endpoint.back() != 'c') return false;
  endpoint.pop_back();
  return true;
}

// An IPv4 peer of a dual-stack socket shows as "::ffff:10.0.0.1": as IPv4.
std::string peer_name(std::string_view peer) {
  constexpr std::string_view kMapped = "::ffff:";
  if (peer.starts_with(kMapped) && peer.find('.') != std::string_view::npos)
    peer.remove_prefix(kMapped.size());
  return std::string(peer);
}

// One file per input: DIR/zmq-sequences-HASH, HASH from the -i text, so
// adding an input keeps what the others remember.
std::string state_file_path(const std::string& dir, const std::string& spec) {
  return format("%s/zmq-sequences-%016llx", dir.c_str(), (unsigned long long)text_hash(spec));
}

void set_int(void* socket, int option, int value) {
  zmq_setsockopt(socket, option, &value, sizeof value);
}

}  // namespace

bool ZmqInput::handles(std::string_view spec) {
  return spec.starts_with("tcp://") || spec.starts_with("ipc://");
}

ZmqInput::ZmqInput(const std::string& spec, const ZmqInputOptions& options)
    : spec_(spec) {
  if (!options.state_dir.empty())
    sequences_ = std::make_unique<SequenceStore>(state_file_path(options.state_dir, spec));
  if (sequences_ && !sequences_->warning().empty())
    std::fprintf(stderr, "vedetta: server: -i %s: %s\n", spec.c_str(), sequences_->warning().c_str());
  std::string curve_secret;
  if (!options.curve_secret_key.empty()) {
    std::string error;
    if (!wire::read_curve_key(options.curve_secret_key, curve_secret, error))
      throw UserError("-i " + spec + ": " + error);
  }
  context_ = zmq_ctx_new();
  try {
    size_t start = 0;
    while (start <= spec.size()) {
      size_t comma = spec.find(',', start);
      if (comma == std::string::npos) comma = spec.size();
      std::string endpoint = spec.substr(start, comma - start);
      if (endpoint.empty()) throw UserError("-i '" + spec + "': an empty endpoint between commas");
      open_endpoint(endpoint, curve_secret, options.max_message_bytes);
      start = comma + 1;
    }
  } catch (...) {
    for (Endpoint& e : endpoints_) zmq_close(e.socket);
    zmq_ctx_term(context_);
    throw;
  }
}

ZmqInput::~ZmqInput() {
  for (Endpoint& e : endpoints_) {
    set_int(e.socket, ZMQ_LINGER, 0);
    zmq_close(e.socket);
  }
  zmq_ctx_term(context_);
}

void ZmqInput::open_endpoint(std::string text, const std::string& curve_secret, int64_t max_bytes) {
  Endpoint e;
  e.bound = strip_collector_mark(text);
  if (!handles(text))
    throw UserError("-i '" + text + "': not a ZeroMQ endpoint (tcp://HOST:PORT, tcp://*:PORTc)");
  e.socket = zmq_socket(context_, ZMQ_SUB);
  endpoints_.push_back(e);         // closed by the caller's cleanup if what follows throws
  set_int(e.socket, ZMQ_IPV6, 1);  // tcp://[::1]:5556; "*" binds both families
  set_int(e.socket, ZMQ_RCVBUF, kReceiveBuffer);
  set_int(e.socket, ZMQ_TCP_KEEPALIVE, 1);
  set_int(e.socket, ZMQ_HEARTBEAT_IVL, 5000);
  set_int(e.socket, ZMQ_HEARTBEAT_TIMEOUT, 20000);
  set_int(e.socket, ZMQ_RECONNECT_IVL_MAX, 5000);
  // Where anyone may connect, frames over the limit are refused by ZeroMQ
  // (it drops that connection). Not on endpoints we connect to: libzmq does
  // not reconnect after such a protocol error, so one oversized message
  // would cut the probe off for good; decode_message refuses what is over
  // its own limit instead.
  if (e.bound) zmq_setsockopt(e.socket, ZMQ_MAXMSGSIZE, &max_bytes, sizeof max_bytes);
  if (!curve_secret.empty()) {
    set_int(e.socket, ZMQ_CURVE_SERVER, 1);
    zmq_setsockopt(e.socket, ZMQ_CURVE_SECRETKEY, curve_secret.data(), curve_secret.size());
  }
  for (const char* topic : kTopics) zmq_setsockopt(e.socket, ZMQ_SUBSCRIBE, topic, strlen(topic));
  int rc = e.bound ? zmq_bind(e.socket, text.c_str()) : zmq_connect(e.socket, text.c_str());
  if (rc != 0)
    throw UserError(format("-i '%s': cannot %s: %s", text.c_str(), e.bound ? "bind" : "connect",
                           zmq_strerror(errno)));
  endpoints_.back().address = e.bound ? wire::bound_endpoint(e.socket, text) : text;
  endpoints_.back().bound = e.bound;
  if (!e.bound) remember_source(endpoints_.back());
}

// A connected endpoint's publisher as it was before this collector
// restarted: a different source id now means the probe restarted too.
void ZmqInput::remember_source(Endpoint& e) {
  if (!sequences_) return;
  if (uint32_t* known = sequences_->find(source_key(e))) {
    e.has_source = true;
    e.source_id = *known;
    e.remembered_source = known;
  }
}

std::string ZmqInput::source_key(const Endpoint& e) const { return "src|" + e.address; }

std::vector<std::string> ZmqInput::endpoints() const {
  std::vector<std::string> out;
  for (const Endpoint& e : endpoints_) out.push_back(e.address);
  return out;
}

void ZmqInput::poll_items(std::vector<zmq_pollitem_t>& items) {
  for (Endpoint& e : endpoints_) items.push_back({e.socket, 0, ZMQ_POLLIN, 0});
}

void ZmqInput::read_ready(RecordHandler& handler) {
  for (Endpoint& e : endpoints_)
    for (int i = 0; i < kMaxMessagesPerRead && read_one(e, handler); ++i) {
    }
}

bool ZmqInput::read_one(Endpoint& e, RecordHandler& handler) {
  Frames frames;
  zmq_msg_t& header_frame = frames.part[0];
  if (zmq_msg_recv(&header_frame, e.socket, ZMQ_DONTWAIT) < 0) return false;
  FlowOrigin origin;
  origin.source = e.address;
  if (e.bound)  // many probes on one socket: the peer tells them apart
    if (const char* peer = zmq_msg_gets(&header_frame, "Peer-Address"))
      origin.source = peer_name(peer);
  if (!zmq_msg_more(&header_frame)) {
    bad("frames", origin.source, "a message of one frame (ntop's have a header and a payload)");
    return true;
  }
  zmq_msg_t& payload_frame = frames.part[1];
  zmq_msg_recv(&payload_frame, e.socket, ZMQ_DONTWAIT);  // parts arrive together
  if (zmq_msg_more(&payload_frame)) {
    int parts = 2;
    for (bool more = true; more;) {  // read the rest, so the next message starts clean
      zmq_msg_t extra;
      zmq_msg_init(&extra);
      more = zmq_msg_recv(&extra, e.socket, ZMQ_DONTWAIT) >= 0 && zmq_msg_more(&extra);
      zmq_msg_close(&extra);
      ++parts;
    }
    bad("frames", origin.source, format("a message of %d frames (ntop's have 2)", parts));
    return true;
  }
  wire::ZmqHeader header;
  std::string error;
  if (!wire::decode_header(bytes_of(header_frame), header, error)) {
    bad("header", origin.source, error);
    return true;
  }
  origin.source_id = header.source_id;
  bool replaced = false;
  if (!e.bound) {
    replaced = e.has_source && e.source_id != header.source_id;
    e.has_source = true;
    e.source_id = header.source_id;
    if (sequences_ && !e.remembered_source) e.remembered_source = sequences_->slot(source_key(e));
    if (e.remembered_source) *e.remembered_source = header.source_id;
  }
  ZmqSourceStats* source = nullptr;
  track(origin, header, replaced, source);
  decoded_.flows.clear();
  decoded_.text.clear();
  if (!wire::decode_message(bytes_of(header_frame), bytes_of(payload_frame), decoded_, error)) {
    bad("payload", format("%s source %u", origin.source.c_str(), header.source_id), error);
    return true;
  }
  ++stats_.messages;
  ++source->messages;
  if (decoded_.header.topic == "flow") {
    stats_.flows += decoded_.flows.size();
    source->flows += decoded_.flows.size();
    for (wire::FlowRecord& r : decoded_.flows) handler.flow(origin, std::move(r));
  } else {
    handler.message(origin, decoded_.header.topic, decoded_.text);
  }
  return true;
}

// msg_id is one sequence per sender over all its topics, from 1 (0 = none,
// as ntopng reads it). A gap = messages lost on the way (or dropped by the
// sender's full queue: vedetta skips their ids); a lower id = the sender
// restarted, and its new sequence was lost up to this id. `replaced`: a new
// source id took over a connected endpoint, also a restart.
void ZmqInput::track(const FlowOrigin& origin, const wire::ZmqHeader& h, bool replaced,
                     ZmqSourceStats*& source) {
  auto [it, first] = sources_.try_emplace({origin.source, origin.source_id});
  source = &it->second;
  bool numbered = h.has_msg_id && h.msg_id != 0;
  uint32_t last = source->last_msg_id;
  if (first && (last = resume(*source, origin)) != 0) first = false;
  if (numbered) source->last_msg_id = h.msg_id;
  if (numbered && source->remembered) *source->remembered = h.msg_id;
  uint64_t lost = 0;
  if (replaced || (numbered && !first && last != 0 && h.msg_id <= last)) {
    count_restart(*source);
    if (numbered) lost = h.msg_id - 1;  // the new run's messages before this one
  } else if (numbered && !first && last != 0) {
    lost = h.msg_id - last - 1;
  }  // else: where a sender we never saw starts is not a loss
  source->lost_messages += lost;
  stats_.lost_messages += lost;
}

// A sender this collector heard from before it restarted goes on from the
// msg_id remembered then: its gap is what was lost while the collector was
// down (in the dead process's socket, or dropped by the probe's queue).
uint32_t ZmqInput::resume(ZmqSourceStats& source, const FlowOrigin& origin) {
  if (!sequences_) return 0;
  const std::string key =
      "seq|" + origin.source + "|" + std::to_string(origin.source_id);
  uint32_t* known = sequences_->find(key);
  source.remembered = known ? known : sequences_->slot(key);
  return known ? *known : 0;
}

void ZmqInput::count_restart(ZmqSourceStats& source) {
  ++source.restarts;
  ++stats_.source_restarts;
}

void ZmqInput::bad(const std::string& reason, const std::string& from, const std::string& what) {
  ++stats_.bad_messages;
  ++bad_by_reason_[reason];
  log_.warn(format("-i %s: bad message from %s (%s): %s", spec_.c_str(), from.c_str(),
                   reason.c_str(), what.c_str()));
}

std::vector<std::string> ZmqInput::source_lines() const {
  std::vector<std::string> lines;
  for (const auto& [key, s] : sources_)
    lines.push_back(format("%s source %u: %llu messages, %llu flows, %llu lost, %llu restarts",
                           key.first.c_str(), key.second, (unsigned long long)s.messages,
                           (unsigned long long)s.flows, (unsigned long long)s.lost_messages,
                           (unsigned long long)s.restarts));
  if (!bad_by_reason_.empty()) {
    std::string line = "bad messages:";
    for (const auto& [reason, count] : bad_by_reason_)
      line += format(" %s %llu", reason.c_str(), (unsigned long long)count);
    lines.push_back(line);
  }
  return lines;
}

}  // namespace vedetta::collect

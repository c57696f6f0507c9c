// The exporter's two halves: add() on the caller's thread only moves a
// record into the current batch (under a mutex held for a few instructions);
// a sending thread encodes batches into messages, keeps them in a bounded
// backlog while no collector subscribes or the socket is full, and sends
// them without ever waiting on the socket. Messages dropped anywhere skip
// their msg_id, so collectors count them as lost too.
#include "export/zmq_exporter.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "export/json_text.h"
#include "export/zmq_publisher.h"
#include "wire/elements.h"

namespace vedetta {
namespace {

using Clock = std::chrono::steady_clock;
using Batch = std::vector<wire::FlowRecord>;

constexpr auto kBatchMaxAge = std::chrono::seconds(1);
constexpr size_t kHandoffBatches = 64;  // batches waiting to be encoded
// How often the sending thread looks at the socket when nothing happens
// (subscriptions arrive there), and retries when the socket was full.
constexpr auto kIdleWait = std::chrono::milliseconds(20);
constexpr auto kBlockedRetry = std::chrono::milliseconds(2);
// Element ids below this are tracked for the template made from the flows.
constexpr uint32_t kTrackedIds = 65536;

Clock::duration seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

}  // namespace

struct ZmqExporter::Impl {
  explicit Impl(ZmqExportOptions o) : opt(std::move(o)), publisher(opt) {
    if (opt.flows_per_message == 0) opt.flows_per_message = 1;
    next_event = Clock::now() + seconds(opt.event_interval_s);
    sender = std::thread([this] { run(); });
  }

  // A message of `flows` flows that will not be sent (either thread).
  void count_drop(size_t flows, bool skip_id = true) {
    queue_full += flows;
    ++messages_dropped;
    if (skip_id) ++ids_to_skip;
  }

  // ---- caller's thread ----
  void hand_over(std::unique_lock<std::mutex>& lock, Batch& dropped);
  void maybe_build_event(Clock::time_point now);

  // ---- sending thread ----
  void run();
  void encode_into_backlog(Batch& batch);
  size_t backlog_room() const {
    if (backlog_bytes >= opt.queue_bytes || backlog.size() >= opt.queue_messages) return 0;
    return opt.queue_messages - backlog.size();
  }
  void queue_urgent(const char* topic, std::string json);
  bool send_backlog();
  void drop_backlog();
  std::string template_json() const;

  ZmqExportOptions opt;
  ZmqPublisher publisher;

  std::mutex mu;                    // guards the fields down to `discard`
  std::condition_variable wake;     // the sender: work, stop, discard
  std::condition_variable emptied;  // flush(): the sender's state changed
  std::condition_variable room;     // add() with wait_when_full: the handoff has room
  Batch filling;
  Clock::time_point filling_since;
  std::deque<Batch> handoff;
  std::optional<std::string> pending_event;
  bool stop = false;
  bool discard = false;  // flush() gave up: drop what is queued
  bool all_sent = true;  // nothing in handoff or backlog (as the sender last saw)

  std::function<std::string()> event_source;  // caller's thread only
  Clock::time_point next_event;
  uint64_t adds_since_clock = 0;

  std::atomic<uint64_t> messages_sent{0}, flows_sent{0}, queue_full{0}, subscribers{0};
  std::atomic<uint64_t> messages_dropped{0};
  std::atomic<bool> stalled{false};      // wait_when_full gave up, until a send succeeds
  std::atomic<uint64_t> ids_to_skip{0};  // dropped, their ids not skipped yet

  // Sending thread only.
  std::deque<OutMessage> backlog;
  size_t backlog_bytes = 0;
  std::vector<bool> seen_ids = std::vector<bool>(kTrackedIds);
  bool template_changed = false;  // a flow brought an element not seen before
  std::string json_buffer;

  std::thread sender;
};

ZmqExporter::ZmqExporter(ZmqExportOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

ZmqExporter::~ZmqExporter() {
  flush();
  {
    std::lock_guard lock(impl_->mu);
    impl_->stop = true;
  }
  impl_->wake.notify_one();
  impl_->sender.join();
  impl_->publisher.close(static_cast<int>(impl_->opt.close_wait_s * 1000));
}

void ZmqExporter::set_event_source(std::function<std::string()> make_event_json) {
  impl_->event_source = std::move(make_event_json);
}

const std::string& ZmqExporter::endpoint() const { return impl_->publisher.endpoint(); }

ZmqExportStats ZmqExporter::stats() const {
  ZmqExportStats s;
  s.messages_sent = impl_->messages_sent.load();
  s.flows_sent = impl_->flows_sent.load();
  s.export_queue_full = impl_->queue_full.load();
  s.messages_dropped = impl_->messages_dropped.load();
  s.subscribers = impl_->subscribers.load();
  return s;
}

void ZmqExporter::add(wire::FlowRecord&& flow) {
  Impl& m = *impl_;
  // The event is due every few seconds: look at the clock now and then only.
  if (m.event_source && (++m.adds_since_clock & 1023) == 0) m.maybe_build_event(Clock::now());
  Batch dropped;  // declared first: freed after the lock is released
  std::unique_lock lock(m.mu);
  if (m.filling.empty()) {
    m.filling_since = Clock::now();  // one clock read per batch
    m.filling.reserve(m.opt.flows_per_message);
  }
  m.filling.push_back(std::move(flow));
  if (m.filling.size() >= m.opt.flows_per_message) m.hand_over(lock, dropped);
}

void ZmqExporter::tick() { impl_->maybe_build_event(Clock::now()); }

void ZmqExporter::flush() {
  Impl& m = *impl_;
  Batch dropped;  // freed after the lock is released
  std::unique_lock lock(m.mu);
  if (!m.filling.empty()) m.hand_over(lock, dropped);
  m.all_sent = false;  // until the sender has looked
  m.wake.notify_one();
  if (m.emptied.wait_for(lock, seconds(m.opt.close_wait_s), [&] { return m.all_sent; })) return;
  m.discard = true;
  m.wake.notify_one();
  m.emptied.wait(lock, [&] { return !m.discard; });
}

// The full batch goes to the sending thread, or is dropped (and counted)
// when the thread is that far behind: at once, or with wait_when_full after
// waiting for room (at most close_wait_s).
void ZmqExporter::Impl::hand_over(std::unique_lock<std::mutex>& lock, Batch& dropped) {
  if (opt.wait_when_full && !stalled && handoff.size() >= kHandoffBatches &&
      !room.wait_for(lock, seconds(opt.close_wait_s),
                     [&] { return handoff.size() < kHandoffBatches; }))
    stalled = true;  // the collector stopped reading: drop (counted) until it reads again
  if (handoff.size() >= kHandoffBatches) {
    count_drop(filling.size());
    dropped = std::move(filling);
  } else {
    handoff.push_back(std::move(filling));
    wake.notify_one();
  }
  filling = Batch();
}

void ZmqExporter::Impl::maybe_build_event(Clock::time_point now) {
  if (!event_source || now < next_event) return;
  next_event = now + seconds(opt.event_interval_s);
  std::string json = event_source();
  std::lock_guard lock(mu);
  pending_event = std::move(json);
  wake.notify_one();
}

void ZmqExporter::Impl::run() {
  Clock::duration wait = kIdleWait;
  Clock::time_point next_template = Clock::now();
  for (;;) {
    std::deque<Batch> batches;
    std::optional<std::string> event;
    bool stopping, discarding;
    // wait_when_full: batches stay in the handoff (and add() waits) while
    // the backlog is full, instead of being dropped here.
    size_t room_now = opt.wait_when_full ? backlog_room() : SIZE_MAX;
    {
      std::unique_lock lock(mu);
      wake.wait_for(lock, wait, [&] {
        return stop || discard || pending_event || (!handoff.empty() && room_now > 0);
      });
      if (!filling.empty() && Clock::now() - filling_since >= kBatchMaxAge) {
        handoff.push_back(std::move(filling));
        filling = Batch();
      }
      for (; !handoff.empty() && room_now > 0; --room_now) {
        batches.push_back(std::move(handoff.front()));
        handoff.pop_front();
      }
      event.swap(pending_event);
      stopping = stop;
      discarding = discard;
    }
    room.notify_all();
    for (Batch& b : batches) encode_into_backlog(b);
    batches.clear();  // records freed here, not under the lock

    int new_subscribers = publisher.drain_subscriptions();
    subscribers = publisher.flow_subscribers();
    bool blocked = false;
    if (discarding) {
      drop_backlog();
    } else if (publisher.flow_subscribers() > 0) {
      // While nobody listens, everything waits in the backlog (bounded);
      // events and templates are only for someone listening.
      Clock::time_point now = Clock::now();
      if (new_subscribers > 0 || template_changed || now >= next_template) {
        std::string json = template_json();
        if (json != "[]") queue_urgent("template", std::move(json));
        next_template = now + seconds(opt.template_interval_s);
        template_changed = false;
      }
      if (event) queue_urgent("event", std::move(*event));
      blocked = !send_backlog();
    }
    {
      std::lock_guard lock(mu);
      all_sent = backlog.empty() && handoff.empty();
      if (discarding) discard = false;
    }
    emptied.notify_all();
    if (stopping) break;
    wait = blocked ? Clock::duration(kBlockedRetry) : Clock::duration(kIdleWait);
  }
  drop_backlog();  // only if flush() gave up too: counted, not lost silently
}

void ZmqExporter::Impl::encode_into_backlog(Batch& batch) {
  if (backlog_room() == 0) {
    count_drop(batch.size());
    return;
  }
  if (opt.template_fields.empty())
    for (const wire::FlowRecord& r : batch)
      for (const wire::RecordField& f : r.fields)
        if (f.id < kTrackedIds && !seen_ids[f.id]) {
          seen_ids[f.id] = true;
          template_changed = true;
        }
  OutMessage m;
  m.topic = "flow";
  m.format = opt.format;
  m.flows = batch.size();
  std::vector<uint8_t> raw;
  if (opt.format == wire::PayloadFormat::kJson) {
    json_buffer.clear();
    wire::encode_json_flows(batch, json_buffer);
    raw.assign(json_buffer.begin(), json_buffer.end());
  } else {
    wire::encode_tlv_flows(batch, raw);
  }
  wire::ZmqHeader h;  // the layout the publisher writes (v3)
  h.compressed = opt.compress;
  wire::encode_payload(h, raw, m.payload);
  m.compressed = h.compressed;
  m.uncompressed_size = h.uncompressed_size;
  backlog_bytes += m.payload.size();
  backlog.push_back(std::move(m));
}

// Events and templates go before the waiting flows (but after a message
// half sent), one of each at most: a newer one replaces the older.
void ZmqExporter::Impl::queue_urgent(const char* topic, std::string json) {
  OutMessage m;
  m.topic = topic;
  m.payload.assign(json.begin(), json.end());
  for (OutMessage& queued : backlog)
    if (queued.topic == topic && !queued.header_sent) {
      backlog_bytes += m.payload.size() - queued.payload.size();
      queued = std::move(m);
      return;
    }
  auto at = backlog.begin();
  if (at != backlog.end() && at->header_sent) ++at;
  backlog_bytes += m.payload.size();
  backlog.insert(at, std::move(m));
}

bool ZmqExporter::Impl::send_backlog() {
  while (!backlog.empty()) {
    OutMessage& m = backlog.front();
    if (!m.header_sent) publisher.skip_ids(ids_to_skip.exchange(0));
    if (!publisher.send(m)) return false;
    ++messages_sent;
    flows_sent += m.flows;
    stalled = false;
    backlog_bytes -= m.payload.size();
    backlog.pop_front();
  }
  return true;
}

void ZmqExporter::Impl::drop_backlog() {
  for (const OutMessage& m : backlog) {
    if (!m.flows) continue;  // an event or template: not counted, no id yet
    count_drop(m.flows, /*skip_id=*/!m.header_sent);  // a half-sent one has its id
  }
  backlog.clear();
  backlog_bytes = 0;
  std::lock_guard lock(mu);
  for (const Batch& b : handoff) count_drop(b.size());
  handoff.clear();
}

// [{"PEN":0,"field":8,"len":4,"name":"IPV4_SRC_ADDR","descr":"..."},...]:
// ntop's ids 57472+n are PEN 35632 field n (vedetta's own 61440+n follow
// on as 35632 / 3968+n, the "PEN.id" keys element_id_of_key reads back).
std::string ZmqExporter::Impl::template_json() const {
  std::vector<ZmqTemplateField> fields = opt.template_fields;
  if (fields.empty())
    for (uint32_t id = 1; id < kTrackedIds; ++id)
      if (seen_ids[id]) {
        const wire::Element* e = wire::find_element(id);
        fields.push_back({id, e ? std::string(e->name) : std::to_string(id), ""});
      }
  std::string out = "[";
  for (const ZmqTemplateField& f : fields) {
    bool ntop = f.id >= wire::kNtopBase;
    const wire::Element* e = wire::find_element(f.id);
    if (out.size() > 1) out += ',';
    out += "{\"PEN\":" + std::to_string(ntop ? wire::kNtopPen : 0);
    out += ",\"field\":" + std::to_string(ntop ? f.id - wire::kNtopBase : f.id);
    out += ",\"len\":" + std::to_string(e ? e->length : 0);
    out += ",\"name\":";
    append_json_string(out, f.name);
    out += ",\"descr\":";
    append_json_string(out, f.descr);
    out += '}';
  }
  out += ']';
  return out;
}

}  // namespace vedetta

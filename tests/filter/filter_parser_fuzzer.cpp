// libFuzzer target for the filter language: lexer -> parser -> evaluator ->
// kernel pre-filter, on any bytes. Besides the sanitizers, it traps when a
// promise is broken:
//   - an error's line:column matches its offset, and rendering it works;
//   - a parsed filter prints to text that parses back to the same text;
//   - on two fixed events, whenever the filter accepts, the kernel
//     pre-filter derived from it accepts too (its soundness rule).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "filter/evaluator.h"
#include "filter/kernel_prefilter.h"
#include "filter/parser.h"

namespace {

using namespace vedetta;
using namespace vedetta::filter;

[[noreturn]] void broken(const char* what, std::string_view text) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n  filter: %.*s\n", what,
               static_cast<int>(text.size()), text.data());
  std::abort();
}

struct Event {
  const char* type;
  int64_t pid;
  const char* comm;
  const char* sip;
  const char* path;
};

class EventSource : public FieldSource {
 public:
  explicit EventSource(const Event& e) : e_(e) {}
  FieldValue get(const FieldRef& f) const override {
    switch (f.info->id) {
      case FieldId::EvtType:
        return FieldValue::string(e_.type);
      case FieldId::ProcPid:
        return FieldValue::number(e_.pid);
      case FieldId::ProcName:
        return FieldValue::string(e_.comm);
      case FieldId::FdName:
        return FieldValue::string(e_.path);
      case FieldId::EvtFailed:
        return FieldValue::boolean(e_.pid % 2);
      case FieldId::FdSip: {
        IpAddress a;
        IpAddress::parse(e_.sip, a);
        return FieldValue::ip(a);
      }
      case FieldId::FdNet:
        return FieldValue::string(e_.sip);
      case FieldId::EvtArg:
        return FieldValue::string(f.arg == "fd" ? "3" : f.arg);
      case FieldId::ProcAname:
        if (f.index) return *f.index < 2 ? FieldValue::string(e_.comm) : FieldValue::absent();
        return FieldValue::list({FieldValue::string(e_.comm), FieldValue::string("init")});
      default:
        return FieldValue::absent();
    }
  }

 private:
  Event e_;
};

const Event kEvents[] = {
    {"open", 42, "sshd", "10.0.0.1", "/etc/passwd"},
    {"connect", 7, "a-very-long-process-name", "fe80::1", "10.0.0.1:5->10.0.0.2:22"},
};

void check_error(const FilterError& e, std::string_view text) {
  if (e.where.offset > text.size()) broken("error offset past the end", text);
  int line = 1, column = 1;
  for (size_t i = 0; i < e.where.offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  if (line != e.where.line || column != e.where.column) broken("error line:column", text);
  if (e.message.empty()) broken("empty error message", text);
  std::string shown = render_error(e, text);
  if (shown.rfind("filter:", 0) != 0) broken("rendered error lacks its place", text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = parse_filter(text);
  if (!parsed) {
    check_error(parsed.error(), text);
    return 0;
  }
  const Filter& f = parsed.value();
  std::string printed = to_string(*f.root);
  auto again = parse_filter(printed);
  if (!again) broken("printed filter does not parse", printed);
  if (to_string(*again.value().root) != printed) broken("printed filter changes on re-parse", text);

  KernelPrefilter pre = derive_kernel_prefilter(f);
  for (const Event& e : kEvents) {
    EventSource source(e);
    bool full = evaluate(f, source);
    if (evaluate(again.value(), source) != full)
      broken("re-parsed filter decides differently", text);
    if (full && !pre.allows(e.type, e.pid, std::string_view(e.comm).substr(0, kKernelCommLength)))
      broken("kernel pre-filter rejects an accepted event", text);
  }
  return 0;
}

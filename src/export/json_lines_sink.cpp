#include "export/json_lines_sink.h"

#include <cerrno>
#include <charconv>
#include <cstring>

#include "common/user_error.h"
#include "export/json_text.h"

namespace vedetta {
namespace {

// Writes `"NAME":value` pairs; the key arrives already rendered (quotes and
// colon included), once per sink rather than once per flow.
class JsonFieldWriter : public FieldWriter {
 public:
  JsonFieldWriter(std::string& out) : out_(out) {}
  void key(std::string_view rendered) { key_ = rendered; }
  void number(uint64_t v) override {
    begin();
    char b[24];
    auto r = std::to_chars(b, b + sizeof b, v);
    out_.append(b, r.ptr);
  }
  void real(double v) override {
    begin();
    char b[32];
    std::snprintf(b, sizeof b, "%.3f", v);
    out_ += b;
  }
  void text(std::string_view v) override {
    begin();
    append_json_string(out_, v);
  }
  void boolean(bool v) override {
    begin();
    out_ += v ? "true" : "false";
  }

 private:
  void begin() {
    if (!first_) out_.push_back(',');
    first_ = false;
    out_.append(key_);
  }
  std::string& out_;
  std::string_view key_;
  bool first_ = true;
};

std::vector<std::string> render_keys(const std::vector<const FieldDef*>& fields) {
  std::vector<std::string> keys;
  for (const FieldDef* f : fields) {
    std::string k;
    append_json_string(k, f->name);
    k.push_back(':');
    keys.push_back(std::move(k));
  }
  return keys;
}

void render_line(const FlowExport& e, const std::vector<const FieldDef*>& fields,
                 const std::vector<std::string>& keys, std::string& out) {
  out.push_back('{');
  JsonFieldWriter w(out);
  for (size_t i = 0; i < fields.size(); ++i) {
    w.key(keys[i]);
    fields[i]->write(e, w);
  }
  out += "}\n";
}

}  // namespace

JsonLinesSink::JsonLinesSink(const std::string& path, std::vector<const FieldDef*> fields)
    : fields_(std::move(fields)), keys_(render_keys(fields_)) {
  if (path == "-") {
    file_ = stdout;
  } else {
    file_ = std::fopen(path.c_str(), "w");
    if (!file_)
      throw UserError(format("cannot write JSON output '%s': %s", path.c_str(), strerror(errno)));
    owns_ = true;
    // Flow lines are ~1 KB: write them in large blocks.
    std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
  }
}

JsonLinesSink::~JsonLinesSink() {
  if (owns_) std::fclose(file_);
  else std::fflush(file_);
}

void JsonLinesSink::render(const FlowExport& e, const std::vector<const FieldDef*>& fields,
                           std::string& out) {
  render_line(e, fields, render_keys(fields), out);
}

void JsonLinesSink::write(const FlowExport& e) {
  line_.clear();
  render_line(e, fields_, keys_, line_);
  std::fwrite(line_.data(), 1, line_.size(), file_);
}

void JsonLinesSink::flush() { std::fflush(file_); }

}  // namespace vedetta

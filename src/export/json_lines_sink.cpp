#include "export/json_lines_sink.h"

#include <cerrno>
#include <cstring>

#include "common/user_error.h"
#include "export/json_text.h"

namespace vedetta {
namespace {

class JsonFieldWriter : public FieldWriter {
 public:
  JsonFieldWriter(std::string& out) : out_(out) {}
  void key(std::string_view name) { key_ = name; }
  void number(uint64_t v) override {
    begin();
    out_ += std::to_string(v);
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
    append_json_string(out_, key_);
    out_.push_back(':');
  }
  std::string& out_;
  std::string_view key_;
  bool first_ = true;
};

}  // namespace

JsonLinesSink::JsonLinesSink(const std::string& path, std::vector<const FieldDef*> fields)
    : fields_(std::move(fields)) {
  if (path == "-") {
    file_ = stdout;
  } else {
    file_ = std::fopen(path.c_str(), "w");
    if (!file_)
      throw UserError(format("cannot write JSON output '%s': %s", path.c_str(), strerror(errno)));
    owns_ = true;
  }
}

JsonLinesSink::~JsonLinesSink() {
  if (owns_) std::fclose(file_);
  else std::fflush(file_);
}

void JsonLinesSink::render(const FlowExport& e, const std::vector<const FieldDef*>& fields,
                           std::string& out) {
  out.push_back('{');
  JsonFieldWriter w(out);
  for (const FieldDef* f : fields) {
    w.key(f->name);
    f->write(e, w);
  }
  out += "}\n";
}

void JsonLinesSink::write(const FlowExport& e) {
  line_.clear();
  render(e, fields_, line_);
  std::fwrite(line_.data(), 1, line_.size(), file_);
}

void JsonLinesSink::flush() { std::fflush(file_); }

}  // namespace vedetta

// ntop's JSON flow payload → flow records, with simdjson's On-Demand
// parser: one object or an array of objects; keys are element ids ("8"),
// "PEN.id" ("35632.118") or names ("IPV4_SRC_ADDR"); a key no table knows is
// kept with id 0 and its name. Integers become uint64 (int64 if negative),
// other numbers double; nested objects and arrays are kept as their JSON
// text (flows are flat: nothing walks into them).
#include <simdjson.h>

#include <cstring>

#include "wire/elements.h"
#include "wire/utf8_text.h"
#include "wire/zmq_message.h"

namespace vedetta::wire {
namespace {

using namespace simdjson;

// The parser descends two levels (array, flow object); values nested deeper
// are skipped over as text, so this bound is only a safety net.
constexpr size_t kMaxDepth = 16;

const char* type_name(ondemand::json_type t) {
  switch (t) {
    case ondemand::json_type::array: return "an array";
    case ondemand::json_type::object: return "an object";
    case ondemand::json_type::number: return "a number";
    case ondemand::json_type::string: return "a string";
    case ondemand::json_type::boolean: return "a boolean";
    case ondemand::json_type::null: return "null";
  }
  return "something";
}

class JsonFlowDecoder {
 public:
  JsonFlowDecoder() { if (parser_.allocate(64 * 1024, kMaxDepth)) { /* retried by iterate() */ } }

  // A rare huge message should not pin its copy for the thread's lifetime.
  void trim() {
    if (buffer_.capacity() > (4u << 20)) std::string().swap(buffer_);
  }

  bool decode(std::string_view text, std::vector<FlowRecord>& out, std::string& error) {
    error_ = &error;
    text_ = text;
    fields_ = 0;
    // simdjson reads up to SIMDJSON_PADDING bytes past the end.
    buffer_.resize(text.size() + SIMDJSON_PADDING);
    std::memcpy(buffer_.data(), text.data(), text.size());
    ondemand::document doc;
    if (auto err = parser_.iterate(buffer_.data(), text.size(), buffer_.size()).get(doc))
      return fail_text(err);
    ondemand::json_type type;
    if (auto err = doc.type().get(type)) return fail_document(err, doc);
    if (type == ondemand::json_type::object) {
      ondemand::object obj;
      if (auto err = doc.get_object().get(obj)) return fail_document(err, doc);
      if (!record(obj, doc, out)) return false;
    } else if (type == ondemand::json_type::array) {
      ondemand::array arr;
      if (auto err = doc.get_array().get(arr)) return fail_document(err, doc);
      size_t index = 0;
      for (auto element : arr) {
        ondemand::value v;
        if (auto err = std::move(element).get(v)) return fail_document(err, doc);
        ondemand::json_type t;
        if (auto err = v.type().get(t)) return fail_document(err, doc);
        if (t != ondemand::json_type::object)
          return fail("element " + std::to_string(index) + " of the array is " + type_name(t) +
                          ", not a flow object",
                      location(doc));
        ondemand::object obj;
        if (auto err = v.get_object().get(obj)) return fail_document(err, doc);
        if (!record(obj, doc, out)) return false;
        ++index;
      }
    } else {
      return fail(std::string("expected a flow object or an array of them, found ") + type_name(type), 0);
    }
    // current_location() fails with OUT_OF_BOUNDS exactly when all was read.
    const char* rest = nullptr;
    if (!doc.current_location().get(rest)) return fail("content after the JSON value", location(doc));
    return true;
  }

 private:
  bool fail(const std::string& what, size_t at) {
    *error_ = "JSON flows: " + what + " at byte " + std::to_string(at);
    return false;
  }

  // Where the parser stopped, as an offset into the text.
  size_t location(ondemand::document& doc) {
    const char* at = nullptr;
    if (doc.current_location().get(at) || at < buffer_.data()) return text_.size();
    return std::min<size_t>(size_t(at - buffer_.data()), text_.size());
  }

  // An error of the first pass (iterate), before any position is known.
  bool fail_text(error_code err) {
    if (err == UTF8_ERROR) {
      size_t at = first_invalid_utf8(text_);
      return fail("invalid UTF-8", at == std::string_view::npos ? 0 : at);
    }
    if (err == EMPTY) return fail("empty payload", 0);
    if (err == UNCLOSED_STRING) return fail("a string is not closed before the end", text_.size());
    return fail(error_message(err), 0);
  }

  bool fail_document(error_code err, ondemand::document& doc) {
    switch (err) {
      case UTF8_ERROR:
      case EMPTY:
      case UNCLOSED_STRING: return fail_text(err);
      case INCOMPLETE_ARRAY_OR_OBJECT:  // simdjson says so for both
        return fail("the text ends inside an object or array, or goes on after it", text_.size());
      case DEPTH_ERROR:
        return fail("nesting deeper than " + std::to_string(kMaxDepth) + " levels", location(doc));
      case INCORRECT_TYPE: return fail("invalid value", location(doc));
      case NUMBER_ERROR: return fail("invalid number", location(doc));
      case TAPE_ERROR: return fail("bad structure (a missing or extra comma, brace or key)", location(doc));
      default: return fail(error_message(err), location(doc));
    }
  }

  bool record(ondemand::object& obj, ondemand::document& doc, std::vector<FlowRecord>& out) {
    FlowRecord rec;
    rec.fields.reserve(expected_fields_);
    for (auto field_result : obj) {
      ondemand::field field;
      if (auto err = std::move(field_result).get(field)) return fail_document(err, doc);
      std::string_view key;
      if (auto err = field.unescaped_key().get(key)) return fail_document(err, doc);
      if (++fields_ > kMaxFieldsPerMessage) [[unlikely]]
        return fail("more than " + std::to_string(kMaxFieldsPerMessage) + " fields in one message",
                    location(doc));
      // Filled in place; a record with an error is thrown away whole.
      RecordField& f = rec.fields.emplace_back();
      f.id = element_id_of_key(key);
      if (f.id == 0) f.name = std::string(key);
      if (!value(field.value(), f.value, doc)) return false;
    }
    if (rec.fields.empty()) return true;
    expected_fields_ = rec.fields.size();
    out.push_back(std::move(rec));
    return true;
  }

  bool value(ondemand::value v, FieldValue& out, ondemand::document& doc) {
    ondemand::json_type type;
    if (auto err = v.type().get(type)) return fail_document(err, doc);
    switch (type) {
      case ondemand::json_type::number: return number(v, out, doc);
      case ondemand::json_type::string: {
        std::string_view s;
        if (auto err = v.get_string().get(s)) return fail_document(err, doc);
        out.emplace<std::string>(s);
        return true;
      }
      case ondemand::json_type::boolean: {
        bool b;
        if (auto err = v.get_bool().get(b)) return fail_document(err, doc);
        out = b;
        return true;
      }
      case ondemand::json_type::null: {
        bool is_null;
        if (auto err = v.is_null().get(is_null)) return fail_document(err, doc);
        if (!is_null) return fail("bad null", location(doc));
        out = std::monostate{};
        return true;
      }
      case ondemand::json_type::object:
      case ondemand::json_type::array: {
        std::string_view raw;
        if (auto err = to_json_string(v).get(raw)) return fail_document(err, doc);
        out = std::string(raw);
        return true;
      }
    }
    return fail("unknown JSON value", location(doc));
  }

  bool number(ondemand::value& v, FieldValue& out, ondemand::document& doc) {
    ondemand::number_type nt;
    if (v.get_number_type().get(nt) != SUCCESS) return big_integer(v, out, doc);
    if (nt == ondemand::number_type::unsigned_integer) {
      uint64_t u;
      if (v.get_uint64().get(u) != SUCCESS) return big_integer(v, out, doc);
      out = u;
    } else if (nt == ondemand::number_type::signed_integer) {
      int64_t i;
      if (v.get_int64().get(i) != SUCCESS) return big_integer(v, out, doc);
      if (i >= 0) out = uint64_t(i);
      else out = i;
    } else if (nt == ondemand::number_type::floating_point_number) {
      double d;
      if (v.get_double().get(d) != SUCCESS) return big_integer(v, out, doc);
      out = d;
    }
    return true;
  }

  // An integer past 64 bits (simdjson 3.0 may call it unsigned, then fail
  // to read it), kept as written if it is one.
  bool big_integer(ondemand::value& v, FieldValue& out, ondemand::document& doc) {
    std::string_view raw = v.raw_json_token();
    while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\t' ||
                            raw.back() == '\r'))
      raw.remove_suffix(1);
    if (raw.empty() || raw.find_first_not_of("-0123456789") != std::string_view::npos)
      return fail("invalid number", location(doc));
    out = std::string(raw);
    return true;
  }

  ondemand::parser parser_;
  std::string buffer_;
  std::string_view text_;
  std::string* error_ = nullptr;
  size_t expected_fields_ = 16;
  size_t fields_ = 0;  // in this message
};

}  // namespace

bool decode_json_flows(std::string_view text, std::vector<FlowRecord>& out, std::string& error) {
  // One parser per thread: its buffers are reused from message to message.
  thread_local JsonFlowDecoder decoder;
  const size_t first_new = out.size();
  const bool ok = decoder.decode(text, out, error);
  decoder.trim();
  if (!ok) out.resize(first_new);
  return ok;
}

}  // namespace vedetta::wire

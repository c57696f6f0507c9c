#pragma once
// The whole merged record of a flow, kept for its details, in the compact
// form both stores keep in their `record` column: each field as a type byte,
// its element id (the difference from the previous field's, as a varint) or
// its name, and its value in binary (varint numbers, raw doubles). A record
// takes about a third of its JSON (1,100 bytes of JSON → 350), and a third
// of the bytes was most of what an insert cost (docs/benchmarks.md, History).
//
// Every reader of the column goes through stored_record() (the record, for
// a past flow's details) or stored_record_json(), which gives the JSON that
// collect::append_record_json() gives for the record, byte for byte.
// Records stored as JSON text by earlier versions are read as they are.
#include <cstdint>
#include <string>
#include <string_view>

#include "wire/flow_record.h"

namespace vedetta::history {

// The record of flow `uid` from its `record` column, in either form; throws
// StoreError naming the flow if the column cannot be read.
wire::FlowRecord stored_record(std::string_view stored, int64_t uid);

// Appends `record` in the stored form.
void append_stored_record(const wire::FlowRecord& record, std::string& out);

// The record of a stored form; false (and `error` says what and at which
// byte) if `stored` is not one (truncated, or not written by this code).
bool decode_stored_record(std::string_view stored, wire::FlowRecord& record, std::string& error);

// The JSON object of a `record` column as the API shows it (the `fields` of
// a flow's details): the record's JSON, or an object
// {"error": "stored record unreadable: ..."} if the column cannot be decoded.
std::string stored_record_json(std::string_view stored);

// Unsigned LEB128, as ClickHouse's RowBinary lengths and this form's numbers.
void append_varint(std::string& out, uint64_t v);

}  // namespace vedetta::history

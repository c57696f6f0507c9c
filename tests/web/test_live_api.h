#pragma once
// A stand-in for the live model in the HTTP tests: they test routing, auth
// and error mapping, not data. It echoes what it was asked and fails the way
// the real one does (BadQuery for a bad sort, NotFound for unknown ids).
#include "live/live_api.h"

namespace vedetta::web {

class TestLiveApi : public live::LiveApi {
 public:
  nlohmann::json interfaces() const override { return {{"interfaces", nlohmann::json::array()}}; }
  nlohmann::json flows(const live::Params& p) const override {
    if (p.count("sort") && p.at("sort") != "bytes")
      throw live::BadQuery("flows: sort: unknown field '" + p.at("sort") + "' (one of bytes)");
    return {{"total", 1}, {"params", p}, {"flows", {{{"id", 17}}}}};
  }
  nlohmann::json flow(uint64_t id) const override {
    if (id != 17) throw live::NotFound("no flow " + std::to_string(id));
    // A process name with invalid UTF-8, as a real command line may have.
    return {{"id", 17}, {"client", {{"process", {{"name", std::string("bad\xff\xfe")}}}}}};
  }
  nlohmann::json hosts(const live::Params& p) const override { return {{"hosts", p}}; }
  nlohmann::json host(const std::string& ip) const override { return {{"ip", ip}}; }
  nlohmann::json processes(const live::Params& p) const override { return {{"processes", p}}; }
  nlohmann::json process(const std::string& key) const override { return {{"key", key}}; }
  nlohmann::json timeseries(const live::Params& p) const override { return {{"series", p}}; }
  nlohmann::json graph(const live::Params& p) const override { return {{"graph", p}}; }
  nlohmann::json dashboard() const override { return {{"dashboard", true}}; }
  nlohmann::json status() const override { return {{"version", "test"}}; }
};

}  // namespace vedetta::web

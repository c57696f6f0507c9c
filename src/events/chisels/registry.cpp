#include "events/chisels/registry.h"

#include <sstream>

#include "common/user_error.h"

namespace vedetta::events::chisels {

const std::vector<ChiselSpec>& all_chisels() {
  static const std::vector<ChiselSpec> kChisels = {
      {"iobytes_net", "", 0, 0, "network bytes in, out and total, every second", make_iobytes_net},
      {"netstat", "", 0, 0, "open IPv4/IPv6 sockets (LISTEN / ESTABLISHED) with tid/pid/program",
       make_netstat},
      {"spy_port", "PORT [disable_colors]", 1, 2, "the data read and written on one IP port",
       make_spy_port},
      {"topconns", "", 0, 0, "top 30 connections by bytes (in + out)", make_topconns},
      {"topports_server", "", 0, 0, "top 100 server ports by network bytes",
       make_topports_server},
      {"topprocs_net", "", 0, 0, "top 100 processes by network bytes", make_topprocs_net},
  };
  return kChisels;
}

std::string chisel_list_text() {
  std::string text;
  for (const auto& c : all_chisels()) {
    std::string usage = c.name;
    if (*c.args) usage += std::string(" ") + c.args;
    text += format("  %-36s %s\n", usage.c_str(), c.description);
  }
  return text;
}

namespace {

std::string available_list() {
  std::string list = chisel_list_text();
  list.pop_back();  // the error message's own newline ends it
  return "; available chisels:\n" + list;
}

}  // namespace

std::unique_ptr<Chisel> make_chisel(const std::vector<std::string>& words, ChiselOutput out) {
  if (words.empty() || words[0].empty())
    throw UserError("events: -c needs a chisel name" + available_list());
  std::vector<std::string> args;
  for (size_t i = 1; i < words.size(); ++i) {
    std::istringstream split(words[i]);
    for (std::string a; split >> a;) args.push_back(a);
  }
  for (const auto& c : all_chisels()) {
    if (words[0] != c.name) continue;
    if (args.size() < c.min_args || args.size() > c.max_args)
      throw UserError(format("events: chisel %s takes %s, got %zu argument%s", c.name,
                             *c.args ? c.args : "no arguments", args.size(),
                             args.size() == 1 ? "" : "s"));
    return c.make(args, out);
  }
  throw UserError("events: unknown chisel '" + words[0] + "'" + available_list());
}

}  // namespace vedetta::events::chisels

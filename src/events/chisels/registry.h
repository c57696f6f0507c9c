#pragma once
// The chisels `vedetta events -c NAME [ARGS]` knows, by name.
#include <memory>
#include <string>
#include <vector>

#include "events/chisels/chisel.h"

namespace vedetta::events::chisels {

struct ChiselSpec {
  const char* name;
  const char* args;         // "" or "PORT [disable_colors]", for help texts
  size_t min_args, max_args;
  const char* description;
  std::unique_ptr<Chisel> (*make)(const std::vector<std::string>& args, ChiselOutput out);
};

const std::vector<ChiselSpec>& all_chisels();

// `words`: the name, then its arguments (each may hold several, blank
// separated, as sysdig's -c "spy_port 80" does). Throws UserError for an
// unknown name or wrong arguments, listing what exists.
std::unique_ptr<Chisel> make_chisel(const std::vector<std::string>& words, ChiselOutput out);

// One line per chisel: name, arguments, description.
std::string chisel_list_text();

// Chisels defined in their own files.
std::unique_ptr<Chisel> make_topprocs_net(const std::vector<std::string>& args, ChiselOutput out);
std::unique_ptr<Chisel> make_topconns(const std::vector<std::string>& args, ChiselOutput out);
std::unique_ptr<Chisel> make_netstat(const std::vector<std::string>& args, ChiselOutput out);
std::unique_ptr<Chisel> make_iobytes_net(const std::vector<std::string>& args, ChiselOutput out);
std::unique_ptr<Chisel> make_topports_server(const std::vector<std::string>& args,
                                             ChiselOutput out);
std::unique_ptr<Chisel> make_spy_port(const std::vector<std::string>& args, ChiselOutput out);

}  // namespace vedetta::events::chisels

// vedetta: network and system monitoring. main stays thin: it dispatches to
// the commands and turns UserErrors into one line and a non-zero exit.
#include <cstdio>
#include <string>

#include "app/commands.h"
#include "common/user_error.h"

int main(int argc, char** argv) {
  CLI::App app{"vedetta: which process sent this packet? Network flows joined with system events."};
  app.set_version_flag("--version", "vedetta 0.1.0");
  app.require_subcommand(1);
  // One line per error, as for every other error of vedetta.
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return std::string(e.what()) + " (see --help)\n";
  });
  auto run_probe = vedetta::add_probe_command(app);
  auto run_events = vedetta::add_events_command(app);
  auto run_server = vedetta::add_server_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() != 0) std::fprintf(stderr, "vedetta: ");
    return app.exit(e);
  }
  try {
    if (app.got_subcommand("probe")) return run_probe();
    if (app.got_subcommand("events")) return run_events();
    if (app.got_subcommand("server")) return run_server();
  } catch (const vedetta::UserError& e) {
    std::fprintf(stderr, "vedetta: %s\n", e.what());
    return 1;
  }
  return 0;
}

#pragma once
// The web console's part of `vedetta server`: its options, and the server
// opened before the privilege drop and started after it.
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "live/live_api.h"
#include "web/web_server.h"

namespace vedetta {

struct ConsoleArgs {
  web::WebOptions web;
  double session_hours = 12;
};

void add_console_options(CLI::App* command, ConsoleArgs& args);

// The console, bound and with its data directory (args.web.data_dir) ready (handed to
// `run_as_user` when the server is root and will become that user; "" to
// keep it as it is), or nullptr with --http-port 0. Call start() after the
// privilege drop.
std::unique_ptr<web::WebServer> open_console(ConsoleArgs& args, live::LiveApi& api,
                                             const std::string& run_as_user);

}  // namespace vedetta

#pragma once
#include <CLI/CLI.hpp>

namespace vedetta {

// Registers `vedetta probe` on the app; returns the function that runs it.
std::function<int()> add_probe_command(CLI::App& app);

// Registers `vedetta events` (read .scap captures like `sysdig -r`).
std::function<int()> add_events_command(CLI::App& app);

// Registers `vedetta server` (collector of probes and routers).
std::function<int()> add_server_command(CLI::App& app);

}  // namespace vedetta

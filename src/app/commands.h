#pragma once
#include <CLI/CLI.hpp>

namespace vedetta {

// Registers `vedetta probe` on the app; returns the function that runs it.
std::function<int()> add_probe_command(CLI::App& app);

}  // namespace vedetta

#pragma once
// Names for flag-valued parameters, in the order the Falco libraries list
// them: that order decides how a value prints ("O_TRUNC|O_CREAT|O_WRONLY").
#include <span>
#include <string_view>

#include "events/event_table.h"

namespace vedetta::events {

// The table called `name` in the event table spec; empty span if unknown.
std::span<const FlagName> flag_table(std::string_view name);

// Type of each alternative of a dynamic parameter table ("sockopt", ...).
std::span<const ParamType> dyn_table(std::string_view name);

}  // namespace vedetta::events

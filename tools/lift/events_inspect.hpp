#pragma once
// `lift events inspect FILE|-`: what lift sees in an event (events::inspect, the runtime's own
// detection and typed models).

#include <string>

namespace lift::cli {

// Prints events::inspect of the JSON in `source` (a file, or "-" for stdin). Returns the exit
// code: 0 for any JSON, 2 when it cannot be read or is not JSON.
int inspect_event(const std::string& source);

}  // namespace lift::cli

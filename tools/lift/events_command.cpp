// `lift events list`, `lift events generate KIND [options]` and `lift events inspect FILE|-`:
// the sources lift knows, sample events in AWS's shapes from their descriptors, and what lift
// sees in an event.

#include <iostream>
#include <memory>
#include <string>

#include "commands.hpp"
#include "events_generate.hpp"
#include "events_inspect.hpp"

namespace lift::cli {

void add_events_command(CLI::App& app, int& exit_code) {
  auto* events = app.add_subcommand("events", "Sample events in AWS's shapes, and what lift sees in an event");
  events->require_subcommand(1);

  auto* list = events->add_subcommand("list", "Name the event sources, with the options of their sample events");
  list->callback([&exit_code] {
    print_sources(std::cout);
    exit_code = kExitOk;
  });

  auto inspected = std::make_shared<std::string>("-");
  auto* inspect = events->add_subcommand("inspect", "Print the kind, record count and records of an event (JSON)");
  inspect->add_option("EVENT", *inspected, "event JSON file, or - for stdin")->capture_default_str();
  inspect->callback([inspected, &exit_code] { exit_code = inspect_event(*inspected); });

  auto* generate = events->add_subcommand("generate", "Print a sample event of a source (`lift events list` names them)");
  add_sample_generators(*generate, exit_code);
}

}  // namespace lift::cli

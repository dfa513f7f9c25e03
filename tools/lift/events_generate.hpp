#pragma once
// `lift events generate KIND [options]` and the sources `lift events list` prints, for every
// source of lift/events/all_sources.hpp: the options are read from each descriptor's
// SampleOptions (lift/events/source.hpp), so a source's sample is on the command line as soon
// as its descriptor exists.

#include <CLI/CLI.hpp>

#include <ostream>

namespace lift::cli {

// Adds `KIND` under `generate` for every source: a flag per SampleOptions member, and an action
// that prints the source's sample (exit 2 with the InvalidSample message for options that make
// no event).
void add_sample_generators(CLI::App& generate, int& exit_code);

// A line per source: its kind, its title and its flags, tab-separated
// ("sqs<TAB>Amazon SQS: ...<TAB>--queue Q --body B... --fifo ...").
void print_sources(std::ostream& out);

}  // namespace lift::cli

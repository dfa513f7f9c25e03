#pragma once
// Handing a finished log line to the process's output: the one way every writer of log lines
// in lift (the observability logger and metrics, the access log, the app's own error lines)
// does it, so that none of them leaves lines in a stdio buffer.
//
// On Lambda, stdout and stderr are pipes: stdio buffers them in 4 KB blocks, so a line written
// with fwrite alone arrives late, in chunks, and the tail is lost when the environment is shut
// down. A line written here is in the pipe when the call returns.

#include <cstdio>
#include <string_view>

namespace lift {

// Writes `line` (a whole line, its '\n' included) to `stream` now. Under the stream's lock,
// whatever stdio holds for the stream goes first (so the line keeps its place among the rest
// of the process's output), then the line itself with one write(2) (more only when the kernel
// takes part of it, past a pipe's capacity), so concurrent writers never tear it. A stream
// without a file descriptor (a memory stream) gets the line through stdio, then a flush.
// Errors are ignored: writing a log line never fails its caller.
void write_log_line(std::FILE* stream, std::string_view line) noexcept;

}  // namespace lift

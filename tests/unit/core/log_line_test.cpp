// Log lines reach their pipe when written, whole and in order, however the stream is buffered.
#include "lift/core/log_line.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

// A pipe whose writing end is a fully buffered stdio stream, as stdout is on Lambda.
class BufferedPipe {
 public:
  BufferedPipe() {
    std::array<int, 2> fds{};
    EXPECT_EQ(::pipe(fds.data()), 0);
    read_fd_ = fds[0];
    ::fcntl(read_fd_, F_SETFL, ::fcntl(read_fd_, F_GETFL) | O_NONBLOCK);
    stream_ = ::fdopen(fds[1], "w");
    EXPECT_NE(stream_, nullptr);
    std::setvbuf(stream_, nullptr, _IOFBF, 4096);
  }
  BufferedPipe(const BufferedPipe&) = delete;
  BufferedPipe& operator=(const BufferedPipe&) = delete;
  ~BufferedPipe() {
    if (stream_ != nullptr) std::fclose(stream_);
    ::close(read_fd_);
  }

  std::FILE* stream() const { return stream_; }

  // What is in the pipe now, without waiting for the writer.
  std::string available() const {
    std::string out;
    char buffer[4096];
    for (;;) {
      const auto n = ::read(read_fd_, buffer, sizeof buffer);
      if (n <= 0) break;
      out.append(buffer, static_cast<std::size_t>(n));
    }
    return out;
  }

 private:
  int read_fd_ = -1;
  std::FILE* stream_ = nullptr;
};

TEST(LogLine, IsInThePipeWhenTheCallReturns) {
  BufferedPipe pipe;
  lift::write_log_line(pipe.stream(), "{\"message\":\"one\"}\n");
  EXPECT_EQ(pipe.available(), "{\"message\":\"one\"}\n");
  lift::write_log_line(pipe.stream(), "{\"message\":\"two\"}\n");
  EXPECT_EQ(pipe.available(), "{\"message\":\"two\"}\n");
}

TEST(LogLine, WhatStdioHeldForTheStreamGoesFirst) {
  BufferedPipe pipe;
  std::fputs("printed before\n", pipe.stream());
  EXPECT_EQ(pipe.available(), "");  // still in stdio's buffer
  lift::write_log_line(pipe.stream(), "logged after\n");
  EXPECT_EQ(pipe.available(), "printed before\nlogged after\n");
}

TEST(LogLine, ALineLongerThanTheStdioBufferArrivesWhole) {
  BufferedPipe pipe;
  const std::string line = std::string(20000, 'x') + "\n";
  lift::write_log_line(pipe.stream(), line);
  EXPECT_EQ(pipe.available(), line);
}

TEST(LogLine, ConcurrentWritersNeverInterleaveWithinALine) {
  BufferedPipe pipe;
  std::string received;
  std::vector<std::thread> writers;
  for (char c : {'a', 'b', 'c', 'd'}) {
    writers.emplace_back([&pipe, c] {
      const std::string line = std::string(100, c) + "\n";
      for (int i = 0; i < 50; ++i) lift::write_log_line(pipe.stream(), line);
    });
  }
  for (auto& writer : writers) writer.join();
  received = pipe.available();  // 4 * 50 * 101 bytes: within a pipe's capacity
  ASSERT_EQ(received.size(), 4u * 50u * 101u);
  for (std::size_t at = 0; at < received.size(); at += 101) {
    const std::string line = received.substr(at, 101);
    EXPECT_EQ(line, std::string(100, line.front()) + "\n") << "at byte " << at;
  }
}

TEST(LogLine, AStreamWithoutAFileDescriptorGetsTheLineToo) {
  char* data = nullptr;
  std::size_t size = 0;
  std::FILE* memory = ::open_memstream(&data, &size);
  ASSERT_NE(memory, nullptr);
  lift::write_log_line(memory, "in memory\n");
  EXPECT_EQ(std::string(data, size), "in memory\n");
  std::fclose(memory);
  std::free(data);
}

TEST(LogLine, NothingToWriteIsNoCall) {
  lift::write_log_line(nullptr, "ignored\n");
  BufferedPipe pipe;
  lift::write_log_line(pipe.stream(), "");
  EXPECT_EQ(pipe.available(), "");
}

}  // namespace

#include "lift/core/uuid.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

TEST(Uuid, IsVersion4InCanonicalForm) {
  const std::regex shape("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (int i = 0; i < 100; ++i) {
    const auto id = lift::uuid();
    EXPECT_TRUE(std::regex_match(id, shape)) << id;
  }
}

TEST(Uuid, DoesNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) seen.insert(lift::uuid());
  EXPECT_EQ(seen.size(), 10000u);
}

TEST(UuidV7, IsVersion7InCanonicalFormWithTheTimestamp) {
  const std::regex shape("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  lift::UuidV7Generator ids;
  // 2023-11-14T22:13:20.123Z = 1700000000123 ms = 0x018bcfe5687b.
  const auto at = lift::UuidV7Generator::Clock::time_point(std::chrono::milliseconds(1700000000123));
  const auto id = ids.next(at);
  EXPECT_TRUE(std::regex_match(id, shape)) << id;
  EXPECT_EQ(id.substr(0, 13), "018bcfe5-687b");
  EXPECT_TRUE(lift::UuidV7Generator::is_v7(id));
  EXPECT_FALSE(lift::UuidV7Generator::is_v7(lift::uuid()));
  EXPECT_FALSE(lift::UuidV7Generator::is_v7(""));
  EXPECT_FALSE(lift::UuidV7Generator::is_v7("018BCFE5-687B-7000-8000-000000000000"));
}

TEST(UuidV7, IncreasesWithinAMillisecondAndWhenTheClockStepsBack) {
  lift::UuidV7Generator ids;
  const auto at = lift::UuidV7Generator::Clock::time_point(std::chrono::milliseconds(1700000000123));
  std::string previous = ids.next(at);
  // 5000 ids in one millisecond overflow the 12-bit counter: the timestamp moves on instead.
  for (int i = 0; i < 5000; ++i) {
    auto id = ids.next(at);
    ASSERT_LT(previous, id);
    previous = std::move(id);
  }
  auto earlier = ids.next(at - std::chrono::seconds(10));
  EXPECT_LT(previous, earlier);
  EXPECT_TRUE(lift::UuidV7Generator::is_v7(earlier));
}

TEST(UuidV7, IncreasesAcrossThreads) {
  lift::UuidV7Generator ids;
  std::vector<std::vector<std::string>> made(2);
  std::vector<std::thread> threads;
  for (auto& out : made)
    threads.emplace_back([&ids, &out] {
      for (int i = 0; i < 2000; ++i) out.push_back(ids.next());
    });
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  for (const auto& out : made) {
    for (std::size_t i = 1; i < out.size(); ++i) EXPECT_LT(out[i - 1], out[i]);
    all.insert(out.begin(), out.end());
  }
  EXPECT_EQ(all.size(), 4000u);
}

}  // namespace

#pragma once
// Cross-checking a lift client against the AWS SDK for JavaScript on the wire: a Node script
// makes one call to a scripted service (fake_service.hpp) and prints what the SDK read; the
// test then makes the same call with lift and compares the two requests and the two readings.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "fake_service.hpp"
#include "support/subprocess.hpp"

namespace lift::testing_support {

// Drops members whose value is null: the SDK leaves absent fields undefined, which
// JSON.stringify omits.
inline boost::json::value without_nulls(const boost::json::value& value) {
  if (value.is_object()) {
    boost::json::object out;
    for (const auto& member : value.as_object())
      if (!member.value().is_null()) out[member.key()] = without_nulls(member.value());
    return out;
  }
  if (value.is_array()) {
    boost::json::array out;
    for (const auto& element : value.as_array()) out.push_back(without_nulls(element));
    return out;
  }
  return value;
}

// Runs `node <script> <endpoint> <operation> <input>` against `fake`; returns what the SDK read
// (nulls dropped) and the one request it sent.
inline std::pair<boost::json::value, SeenRequest> run_sdk(FakeService& fake, const std::string& script, const std::string& endpoint,
                                                          const char* operation, const boost::json::object& input) {
  fake.clear();
  const auto run = run_command({LIFT_TEST_NODE, script, endpoint, operation, boost::json::serialize(input)}, "", std::chrono::seconds(60));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const auto seen = fake.seen();
  EXPECT_EQ(seen.size(), 1u) << run.err;
  if (run.exit_code != 0 || seen.size() != 1) return {};
  return {without_nulls(boost::json::parse(run.out)), seen[0]};
}

// The single request `fake` saw since it was last cleared.
inline SeenRequest only_request(const FakeService& fake) {
  const auto seen = fake.seen();
  EXPECT_EQ(seen.size(), 1u);
  return seen.empty() ? SeenRequest{} : seen[0];
}

// Signed for the same region and service, both signatures valid (the SDK signs with
// "sdk-secret", lift's tests with "test-secret").
inline void expect_same_signing(const SeenRequest& theirs, const SeenRequest& mine) {
  const auto a = split_authorization(theirs.header("Authorization"));
  const auto b = split_authorization(mine.header("Authorization"));
  ASSERT_TRUE(a && b) << theirs.header("Authorization") << "\n" << mine.header("Authorization");
  EXPECT_EQ(b->region, a->region);
  EXPECT_EQ(b->service, a->service);
  EXPECT_EQ(check_signature(theirs, "sdk-secret"), "");
  EXPECT_EQ(check_signature(mine, "test-secret"), "");
}

// Same method, target, X-Amz-Target, Content-Type and body (as JSON values when `json_body`,
// else byte for byte), signed alike.
inline void expect_same_request(const SeenRequest& theirs, const SeenRequest& mine, bool json_body) {
  EXPECT_EQ(mine.method, theirs.method);
  EXPECT_EQ(mine.target, theirs.target);
  EXPECT_EQ(mine.header("X-Amz-Target"), theirs.header("X-Amz-Target"));
  EXPECT_EQ(mine.header("Content-Type"), theirs.header("Content-Type"));
  if (json_body) {
    EXPECT_EQ(boost::json::parse(mine.body), boost::json::parse(theirs.body)) << "ours: " << mine.body << "\nSDK's: " << theirs.body;
  } else {
    EXPECT_EQ(mine.body, theirs.body);
  }
  expect_same_signing(theirs, mine);
}

// A query protocol request (a form): the same parameters, each encoded alike, in any order (the
// SDK writes required members first), the same media type, signed alike.
inline void expect_same_form_request(const SeenRequest& theirs, const SeenRequest& mine) {
  EXPECT_EQ(mine.method, theirs.method);
  EXPECT_EQ(mine.target, theirs.target);
  const auto media_type = [](const std::string& type) { return type.substr(0, type.find(';')); };
  EXPECT_EQ(media_type(mine.header("Content-Type")), media_type(theirs.header("Content-Type")));
  const auto parameters = [](const std::string& body) {
    std::vector<std::string> out;
    for (std::size_t start = 0; start <= body.size();) {
      const auto amp = std::min(body.find('&', start), body.size());
      out.push_back(body.substr(start, amp - start));
      start = amp + 1;
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(parameters(mine.body), parameters(theirs.body)) << "ours: " << mine.body << "\nSDK's: " << theirs.body;
  expect_same_signing(theirs, mine);
}

}  // namespace lift::testing_support

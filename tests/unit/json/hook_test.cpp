// The conversion hooks of convert.hpp: lift_from_json / lift_to_json found by argument-dependent
// lookup.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <charconv>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lift/json/binding.hpp"

namespace hooked {

// JSON "21.5C": a text form, not an object of members.
struct Celsius {
  double degrees = 0;
  friend bool operator==(const Celsius&, const Celsius&) = default;
};

lift::Result<void> lift_from_json(const boost::json::value& v, Celsius& out) {
  const auto* text = v.if_string();
  if (text == nullptr || text->empty() || text->back() != 'C') return lift::Error{"Bad", "expected a temperature such as \"21.5C\"", 400};
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size() - 1, out.degrees);
  if (ec != std::errc() || end != text->data() + text->size() - 1) return lift::Error{"Bad", "expected a temperature such as \"21.5C\"", 400};
  return {};
}
boost::json::value lift_to_json(const Celsius& c) {
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, c.degrees).ptr;
  return boost::json::value(std::string(buffer, end) + "C");
}

// A described struct with hooks: the hooks win (JSON is a pair [name, id]), and their errors
// carry relative paths in details.
struct Pair {
  std::string name;
  int id = 0;
  friend bool operator==(const Pair&, const Pair&) = default;
};
BOOST_DESCRIBE_STRUCT(Pair, (), (name, id))

lift::Result<void> lift_from_json(const boost::json::value& v, Pair& out) {
  const auto* array = v.if_array();
  if (array == nullptr || array->size() != 2) return lift::Error{"Bad", "expected [name, id]", 400};
  std::vector<lift::ErrorDetail> details;
  if (const auto* s = (*array)[0].if_string()) out.name = std::string(*s);
  else details.push_back({"[0]", "expected string"});
  if ((*array)[1].is_int64()) out.id = static_cast<int>((*array)[1].get_int64());
  else details.push_back({"[1]", "expected integer"});
  if (details.empty()) return {};
  return lift::Error{"Bad", "bad pair", 400, std::move(details)};
}
boost::json::value lift_to_json(const Pair& p) { return boost::json::array{boost::json::value(p.name), p.id}; }

struct Room {
  std::string name;
  Celsius target;
  std::optional<Celsius> measured;
  std::vector<Celsius> history;
  std::map<std::string, Celsius> by_sensor;
  std::vector<Pair> pairs;
};
BOOST_DESCRIBE_STRUCT(Room, (), (name, target, measured, history, by_sensor, pairs))

}  // namespace hooked

namespace {

TEST(ConversionHooks, ReadAndWriteEverywhereAMemberCan) {
  const auto text = R"({"name":"lab","target":"21.5C","measured":"19C","history":["18C","20.25C"],"by_sensor":{"s1":"-3C"},"pairs":[["a",1]]})";
  auto room = lift::json::parse<hooked::Room>(text);
  ASSERT_TRUE(room) << room.error().message;
  EXPECT_EQ(room->target.degrees, 21.5);
  EXPECT_EQ(room->measured->degrees, 19);
  EXPECT_EQ(room->history.at(1).degrees, 20.25);
  EXPECT_EQ(room->by_sensor.at("s1").degrees, -3);
  EXPECT_EQ(room->pairs.at(0), (hooked::Pair{"a", 1}));

  const auto json = lift::json::to_json(*room);
  EXPECT_EQ(json.at("target"), "21.5C");
  EXPECT_EQ(json.at("pairs"), boost::json::parse(R"([["a",1]])"));
  EXPECT_EQ(boost::json::parse(lift::json::serialize(*room)), json);
  auto back = lift::json::from_json<hooked::Room>(json);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->history, room->history);

  EXPECT_EQ(lift::json::serialize(hooked::Celsius{7}), boost::json::serialize(lift::json::to_json(hooked::Celsius{7})));
  auto root = lift::json::from_json<hooked::Celsius>(boost::json::value("4C"));
  ASSERT_TRUE(root);
  EXPECT_EQ(root->degrees, 4);
}

TEST(ConversionHooks, ErrorsAreReportedAtTheValuesPath) {
  auto bad = lift::json::parse<hooked::Room>(R"({"target":"hot","history":["1C","x"],"by_sensor":{"s 1":5},"pairs":[["a",1],[2,"b"]]})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "InvalidBody");
  const auto& d = bad.error().details;
  ASSERT_EQ(d.size(), 5u);
  EXPECT_EQ(d[0].field, "target");
  EXPECT_EQ(d[0].message, "expected a temperature such as \"21.5C\"");
  EXPECT_EQ(d[1].field, "history[1]");
  EXPECT_EQ(d[2].field, R"(by_sensor["s 1"])");
  EXPECT_EQ(d[3].field, "pairs[1][0]");
  EXPECT_EQ(d[3].message, "expected string");
  EXPECT_EQ(d[4].field, "pairs[1][1]");
  EXPECT_EQ(bad.error().message, "target: expected a temperature such as \"21.5C\"");

  auto root = lift::json::from_json<hooked::Pair>(boost::json::parse(R"({"name":"a","id":1})"));
  ASSERT_FALSE(root);  // the hook wins over the description
  EXPECT_EQ(root.error().message, "expected [name, id]");
  EXPECT_EQ(root.error().details.at(0).field, "");
}

}  // namespace

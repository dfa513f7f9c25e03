// The DynamORM codec: every supported type both ways, errors naming the attribute path, naming
// conventions, field options, and round trips of generated values.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cmath>
#include <limits>
#include <random>

#include "lift/dynamorm/marshal.hpp"
#include "lift/dynamorm/model.hpp"

namespace marshal_test {

enum class Status { open, done };
BOOST_DESCRIBE_ENUM(Status, open, done)

struct Address {
  std::string street_name;
  std::optional<std::int32_t> zip;
};
BOOST_DESCRIBE_STRUCT(Address, (), (street_name, zip))

// A type with its own conversion: cents stored as "12.34".
struct Money {
  std::int64_t cents = 0;
  friend bool operator==(const Money&, const Money&) = default;
};
inline lift::dynamorm::AttributeValue lift_to_attribute(const Money& m) {
  auto text = std::to_string(m.cents / 100) + "." + (m.cents % 100 < 10 ? "0" : "") + std::to_string(m.cents % 100);
  return lift::dynamorm::AttributeValue::string(text);
}
inline lift::Result<void> lift_from_attribute(const lift::dynamorm::AttributeValue& a, Money& out) {
  const auto* s = a.as_string();
  const auto dot = s == nullptr ? std::string::npos : s->find('.');
  if (dot == std::string::npos) return lift::Error{"bad", "expected money text", 400};
  out.cents = std::stoll(s->substr(0, dot)) * 100 + std::stoll(s->substr(dot + 1));
  return {};
}

struct Everything {
  std::string id;
  bool flag = false;
  std::int8_t i8 = 0;
  std::uint8_t u8 = 0;
  std::int16_t i16 = 0;
  std::uint16_t u16 = 0;
  std::int32_t i32 = 0;
  std::uint32_t u32 = 0;
  std::int64_t i64 = 0;
  std::uint64_t u64 = 0;
  float f = 0;
  double d = 0;
  lift::dynamorm::Number exact;
  std::optional<std::string> maybe;
  std::vector<std::string> list;
  std::vector<Address> addresses;
  std::set<std::string> tags;
  std::set<std::int64_t> scores;
  std::set<double> ratios;
  std::set<lift::dynamorm::Binary> blobs;
  std::map<std::string, std::int32_t> counts;
  Address home;
  lift::dynamorm::Binary raw;
  std::vector<std::byte> bytes;
  std::chrono::system_clock::time_point at{};
  std::chrono::system_clock::time_point expires{};
  Status status = Status::open;
  Money price;
  lift::dynamorm::AttributeValue any;
};
BOOST_DESCRIBE_STRUCT(Everything, (),
                      (id, flag, i8, u8, i16, u16, i32, u32, i64, u64, f, d, exact, maybe, list, addresses, tags, scores, ratios,
                       blobs, counts, home, raw, bytes, at, expires, status, price, any))

bool operator==(const Address& a, const Address& b) { return a.street_name == b.street_name && a.zip == b.zip; }
bool operator==(const Everything& a, const Everything& b) {
  return a.id == b.id && a.flag == b.flag && a.i8 == b.i8 && a.u8 == b.u8 && a.i16 == b.i16 && a.u16 == b.u16 && a.i32 == b.i32 &&
         a.u32 == b.u32 && a.i64 == b.i64 && a.u64 == b.u64 && a.f == b.f && a.d == b.d && a.exact == b.exact && a.maybe == b.maybe &&
         a.list == b.list && a.addresses == b.addresses && a.tags == b.tags && a.scores == b.scores && a.ratios == b.ratios &&
         a.blobs == b.blobs && a.counts == b.counts && a.home == b.home && a.raw == b.raw && a.bytes == b.bytes && a.at == b.at &&
         a.expires == b.expires && a.status == b.status && a.price == b.price && a.any == b.any;
}

}  // namespace marshal_test

namespace {

using namespace lift::dynamorm;
using namespace marshal_test;
namespace json = boost::json;

std::string dynamo_json(const AttributeMap& item) { return json::serialize(item_to_dynamodb_json(item)); }

Everything sample() {
  Everything e;
  e.id = "e-1";
  e.flag = true;
  e.i8 = -128;
  e.u8 = 255;
  e.i16 = -32768;
  e.u16 = 65535;
  e.i32 = std::numeric_limits<std::int32_t>::min();
  e.u32 = std::numeric_limits<std::uint32_t>::max();
  e.i64 = std::numeric_limits<std::int64_t>::min();
  e.u64 = std::numeric_limits<std::uint64_t>::max();
  e.f = 0.1f;
  e.d = 0.1;
  e.exact = Number::parse("12345678901234567890.123456789012345678").value();
  e.maybe = "here";
  e.list = {"a", "b"};
  e.addresses = {{"Main St", 12345}, {"Side", std::nullopt}};
  e.tags = {"x", "y"};
  e.scores = {-1, 7};
  e.ratios = {0.5, 2.25};
  e.blobs = {Binary{"\x01\x02"}, Binary{std::string("\0z", 2)}};
  e.counts = {{"a", 1}, {"weird.key[0]", 2}};
  e.home = {"Home Rd", 99};
  e.raw = Binary{std::string("\0\xff", 2)};
  e.bytes = {std::byte{0}, std::byte{0x7f}};
  e.at = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000) + std::chrono::nanoseconds(123'456'789));
  e.expires = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  e.status = Status::done;
  e.price = Money{1234};
  e.any = AttributeValue::list({AttributeValue::null(), AttributeValue::boolean(false)});
  return e;
}

TEST(Marshal, EveryTypeHasItsDynamoDbShape) {
  const auto model = Model<Everything>("everything").partition_key(&Everything::id).ttl(&Everything::expires);
  const auto item = model.to_item(sample()).value();
  EXPECT_EQ(dynamo_json({{"id", item.at("id")}}), R"({"id":{"S":"e-1"}})");
  EXPECT_EQ(*item.at("flag").as_bool(), true);
  EXPECT_EQ(item.at("i8").as_number()->text(), "-128");
  EXPECT_EQ(item.at("u64").as_number()->text(), "18446744073709551615");
  EXPECT_EQ(item.at("i64").as_number()->text(), "-9223372036854775808");
  EXPECT_EQ(item.at("f").as_number()->text(), "0.1");
  EXPECT_EQ(item.at("d").as_number()->text(), "0.1");
  EXPECT_EQ(item.at("exact").as_number()->text(), "12345678901234567890.123456789012345678");
  EXPECT_EQ(*item.at("maybe").as_string(), "here");
  EXPECT_EQ(item.at("list").type(), AttributeType::L);
  EXPECT_EQ(dynamo_json({{"a", item.at("addresses")}}),
            R"({"a":{"L":[{"M":{"streetName":{"S":"Main St"},"zip":{"N":"12345"}}},{"M":{"streetName":{"S":"Side"}}}]}})");
  EXPECT_EQ(item.at("tags").type(), AttributeType::SS);
  EXPECT_EQ(item.at("scores").type(), AttributeType::NS);
  EXPECT_EQ(item.at("ratios").type(), AttributeType::NS);
  EXPECT_EQ(item.at("blobs").type(), AttributeType::BS);
  EXPECT_EQ(item.at("counts").type(), AttributeType::M);
  EXPECT_EQ(item.at("home").type(), AttributeType::M);
  EXPECT_EQ(item.at("raw").as_binary()->bytes, std::string("\0\xff", 2));
  EXPECT_EQ(item.at("bytes").as_binary()->bytes, std::string("\0\x7f", 2));
  EXPECT_EQ(*item.at("at").as_string(), "2023-11-14T22:13:20.123456789Z");
  EXPECT_EQ(item.at("expires").as_number()->text(), "1800000000");  // TTL: epoch seconds
  EXPECT_EQ(*item.at("status").as_string(), "done");
  EXPECT_EQ(*item.at("price").as_string(), "12.34");
  EXPECT_EQ(item.at("any").type(), AttributeType::L);
}

TEST(Marshal, RoundTripsEveryType) {
  const auto model = Model<Everything>("everything").partition_key(&Everything::id).ttl(&Everything::expires);
  const auto original = sample();
  const auto item = model.to_item(original).value();
  const auto back = model.from_item(item).value();
  EXPECT_TRUE(back == original);
  // Through DynamoDB JSON too, as the item travels.
  const auto wire = item_from_dynamodb_json(item_to_dynamodb_json(item)).value();
  EXPECT_TRUE(model.from_item(wire).value() == original);
}

TEST(Marshal, EmptyOptionalsAndSetsAreAbsent) {
  Everything e;
  e.id = "x";
  const auto item = marshal(e).value();
  EXPECT_FALSE(item.contains("maybe"));
  EXPECT_FALSE(item.contains("tags"));
  EXPECT_FALSE(item.contains("scores"));
  EXPECT_FALSE(item.contains("blobs"));
  EXPECT_TRUE(item.contains("list"));  // an empty list is a value: L []
  // Absent sets and NULL optionals read back empty.
  auto with_null = item;
  with_null["maybe"] = AttributeValue::null();
  const auto back = unmarshal<Everything>(with_null).value();
  EXPECT_FALSE(back.maybe.has_value());
  EXPECT_TRUE(back.tags.empty());
}

TEST(Marshal, OmitEmptyFollowsDmsRules) {
  const auto model = Model<Everything>("everything")
                         .partition_key(&Everything::id)
                         .omit_empty(&Everything::list)
                         .omit_empty(&Everything::i32)
                         .omit_empty(&Everything::flag)
                         .omit_empty(&Everything::home)
                         .omit_empty(&Everything::at)
                         .omit_empty(&Everything::counts);
  Everything e;
  e.id = "x";
  auto item = model.to_item(e).value();
  for (const char* name : {"list", "i32", "flag", "home", "at", "counts"}) EXPECT_FALSE(item.contains(name)) << name;
  e.home.zip = 0;  // a struct is empty only when every member is
  e.i32 = 3;
  item = model.to_item(e).value();
  EXPECT_TRUE(item.contains("home"));
  EXPECT_TRUE(item.contains("i32"));
}

TEST(Marshal, ErrorsNameTheAttributePath) {
  AttributeMap item{{"id", AttributeValue::number(1)}};
  auto r = unmarshal<Everything>(item);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "DynamORM.Validation");
  EXPECT_EQ(r.error().message, "id: expected S, got N");

  item = {{"home", AttributeValue::map({{"zip", AttributeValue::string("x")}})}};
  EXPECT_EQ(unmarshal<Everything>(item).error().message, "home.zip: expected N, got S");

  item = {{"addresses", AttributeValue::list({AttributeValue::map({}), AttributeValue::map({{"zip", AttributeValue::number(Number::parse("1.5").value())}})})}};
  EXPECT_EQ(unmarshal<Everything>(item).error().message, "addresses[1].zip: expected an integer from -2147483648 to 2147483647, got 1.5");

  item = {{"counts", AttributeValue::map({{"k", AttributeValue::number(Number::parse("3000000000").value())}})}};
  EXPECT_EQ(unmarshal<Everything>(item).error().message, "counts[\"k\"]: expected an integer from -2147483648 to 2147483647, got 3000000000");

  item = {{"u8", AttributeValue::number(256)}};
  EXPECT_EQ(unmarshal<Everything>(item).error().message, "u8: expected an integer from 0 to 255, got 256");
  item = {{"u64", AttributeValue::number(-1)}};
  EXPECT_FALSE(unmarshal<Everything>(item));

  item = {{"status", AttributeValue::string("lost")}};
  EXPECT_EQ(unmarshal<Everything>(item).error().message, "status: expected one of open, done");

  item = {{"at", AttributeValue::string("yesterday")}};
  EXPECT_EQ(unmarshal<Everything>(item).error().message, "at: expected RFC 3339 date-time, got \"yesterday\"");

  item = {{"price", AttributeValue::number(1)}};
  EXPECT_EQ(unmarshal<Everything>(item).error().message, "price: expected money text");

  item = {{"scores", AttributeValue::number_set({Number::parse("1").value(), Number::parse("2.5").value()})}};
  EXPECT_EQ(unmarshal<Everything>(item).error().details.at(0).field, "scores[1]");

  // Several problems are all reported.
  item = {{"id", AttributeValue::boolean(true)}, {"flag", AttributeValue::string("no")}};
  EXPECT_EQ(unmarshal<Everything>(item).error().details.size(), 2u);
}

TEST(Marshal, NonFiniteDoublesAreRefusedWithTheirPath) {
  Everything e;
  e.d = std::numeric_limits<double>::infinity();
  auto r = marshal(e);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().details.at(0).field, "d");
  e.d = 0;
  e.addresses = {{"x", 1}};
  e.ratios = {std::nan("")};
  EXPECT_EQ(marshal(e).error().details.at(0).field, "ratios[0]");
  e.ratios = {1e200};  // beyond DynamoDB's 9.99E+125
  EXPECT_FALSE(marshal(e));
}

TEST(Marshal, TimesReadEveryRfc3339FormAndEpochSeconds) {
  using namespace std::chrono;
  // Written in UTC with nine fraction digits, so that the text sorts as the times do (the
  // formats themselves are lift::rfc3339's, tested with it).
  Everything e;
  e.at = system_clock::time_point(seconds(1700000000) + milliseconds(5));
  EXPECT_EQ(*marshal(e).value().at("at").as_string(), "2023-11-14T22:13:20.005000000Z");
  AttributeMap item{{"at", AttributeValue::string("2026-11-23T12:00:00+01:30")}};
  EXPECT_EQ(unmarshal<Everything>(item).value().at, system_clock::time_point(seconds(1795429800)));
  item["at"] = AttributeValue::string("2026-11-23T10:30:00");
  EXPECT_FALSE(unmarshal<Everything>(item));
  // A TTL field reads an N; a time field written as seconds reads back too.
  item["at"] = AttributeValue::number(1700000000);
  EXPECT_EQ(unmarshal<Everything>(item).value().at, system_clock::time_point(seconds(1700000000)));
}

TEST(Naming, Conventions) {
  EXPECT_EQ(attribute_name("created_at", Naming::camel_case), "createdAt");
  EXPECT_EQ(attribute_name("email_hash", Naming::camel_case), "emailHash");
  EXPECT_EQ(attribute_name("Name", Naming::camel_case), "name");
  EXPECT_EQ(attribute_name("PK", Naming::camel_case), "PK");
  EXPECT_EQ(attribute_name("SK", Naming::snake_case), "SK");
  EXPECT_EQ(attribute_name("createdAt", Naming::snake_case), "created_at");
  EXPECT_EQ(attribute_name("userID", Naming::snake_case), "user_id");
  EXPECT_EQ(attribute_name("HTTPServer", Naming::snake_case), "http_server");
  EXPECT_EQ(attribute_name("created_at", Naming::snake_case), "created_at");
  EXPECT_EQ(attribute_name("created_at", Naming::exact), "created_at");
  EXPECT_EQ(attribute_name("_private", Naming::camel_case), "private");
}

TEST(Naming, AppliesToNestedMembersBothWays) {
  Everything e;
  e.home.street_name = "x";
  const auto snake = marshal(e, {Naming::snake_case}).value();
  EXPECT_TRUE(snake.at("home").as_map()->contains("street_name"));
  const auto camel = marshal(e, {Naming::camel_case}).value();
  EXPECT_TRUE(camel.at("home").as_map()->contains("streetName"));
  EXPECT_EQ(unmarshal<Everything>(snake, {Naming::snake_case}).value().home.street_name, "x");
}

TEST(Naming, ModelRenamesAndRoles) {
  const auto model = Model<Everything>("everything").naming(Naming::snake_case).partition_key(&Everything::id, "PK").rename(&Everything::u8, "small");
  const auto& s = model.schema();
  EXPECT_EQ(s.partition_attribute(), "PK");
  EXPECT_EQ(s.attribute(5), "u16");
  EXPECT_TRUE(s.check());
  Everything e;
  e.u8 = 7;
  const auto item = model.to_item(e).value();
  EXPECT_EQ(item.at("small").as_number()->text(), "7");
  EXPECT_TRUE(item.contains("PK"));
  EXPECT_EQ(model.from_item(item).value().u8, 7);
}

// Items are written and read in attribute-name order; renames that move a member to the other
// end of that order, and items holding attributes the type does not name (a few or very many),
// must not change what is read.
TEST(Marshal, ItemsReadTheSameWhateverElseTheyHold) {
  const auto model = Model<Everything>("everything")
                         .partition_key(&Everything::id, "zzz_last")
                         .rename(&Everything::u64, "AAA_first")
                         .ttl(&Everything::expires);
  const auto original = sample();
  auto item = model.to_item(original).value();
  EXPECT_EQ(item.begin()->first, "AAA_first");
  EXPECT_EQ(item.rbegin()->first, "zzz_last");
  EXPECT_TRUE(model.from_item(item).value() == original);

  item.emplace("0_before_all", AttributeValue::string("x"));
  item.emplace("m_between", AttributeValue::number(1));
  item.emplace("zzzz_after_all", AttributeValue::boolean(true));
  EXPECT_TRUE(model.from_item(item).value() == original);

  for (int i = 0; i < 200; ++i) item.emplace("extra" + std::to_string(i), AttributeValue::number(i));
  EXPECT_TRUE(model.from_item(item).value() == original);

  item.erase("zzz_last");
  item.erase("AAA_first");
  const auto partial = model.from_item(item).value();
  EXPECT_EQ(partial.id, "");
  EXPECT_EQ(partial.u64, 0u);
  EXPECT_EQ(partial.i64, original.i64);
}

// Integers are read from every form DynamoDB accepts, not only plain digits.
TEST(Marshal, IntegersReadFromEveryNumberForm) {
  struct Case {
    const char* text;
    std::optional<std::int64_t> signed_value;
    std::optional<std::uint64_t> unsigned_value;
  };
  const Case cases[] = {
      {"42", 42, 42u},
      {"007", 7, 7u},
      {"+5", 5, 5u},
      {"-0", 0, 0u},
      {"-12", -12, std::nullopt},
      {"1e3", 1000, 1000u},
      {"12.0", 12, 12u},
      {"1200E-2", 12, 12u},
      {"12.5", std::nullopt, std::nullopt},
      {"9223372036854775807", std::numeric_limits<std::int64_t>::max(), 9223372036854775807u},
      {"9223372036854775808", std::nullopt, 9223372036854775808u},
      {"-9223372036854775808", std::numeric_limits<std::int64_t>::min(), std::nullopt},
      {"18446744073709551616", std::nullopt, std::nullopt},
  };
  for (const auto& c : cases) {
    const auto n = Number::parse(c.text).value();
    EXPECT_EQ(n.as_integer<std::int64_t>(), c.signed_value) << c.text;
    EXPECT_EQ(n.as_integer<std::uint64_t>(), c.unsigned_value) << c.text;
  }
}

TEST(Model, DefinitionMistakesAreReported) {
  EXPECT_FALSE(Model<Everything>("everything").schema().check());  // no partition key
  EXPECT_FALSE(Model<Everything>("ev").partition_key(&Everything::id).schema().check());  // short name
  EXPECT_FALSE(Model<Everything>("everything").partition_key(&Everything::home).schema().check());  // not S/N/B
  const auto clash = Model<Everything>("everything").partition_key(&Everything::id).rename(&Everything::u8, "i8");
  EXPECT_NE(clash.schema().check().error().message.find("share the attribute name"), std::string::npos);
  const auto twice = Model<Everything>("everything").partition_key(&Everything::id).sort_key(&Everything::id);
  EXPECT_FALSE(twice.schema().check());
}

// Property: random values of every type survive marshal → DynamoDB JSON → unmarshal.
TEST(Marshal, RandomValuesRoundTrip) {
  std::mt19937_64 rng(20261123);
  const auto model = Model<Everything>("everything").partition_key(&Everything::id).ttl(&Everything::expires);
  const auto text = [&](std::size_t max) {
    std::string s(rng() % max, '\0');
    for (auto& c : s) c = static_cast<char>(rng() % 2 ? 'a' + rng() % 26 : rng() % 256);
    return s;
  };
  for (int round = 0; round < 300; ++round) {
    Everything e;
    e.id = text(20);
    e.flag = rng() % 2;
    e.i8 = static_cast<std::int8_t>(rng());
    e.u8 = static_cast<std::uint8_t>(rng());
    e.i16 = static_cast<std::int16_t>(rng());
    e.u16 = static_cast<std::uint16_t>(rng());
    e.i32 = static_cast<std::int32_t>(rng());
    e.u32 = static_cast<std::uint32_t>(rng());
    e.i64 = static_cast<std::int64_t>(rng());
    e.u64 = rng();
    e.f = static_cast<float>(static_cast<std::int32_t>(rng())) / 1024.0f;
    std::uniform_real_distribution<double> real(-1e12, 1e12);
    e.d = real(rng) / std::pow(10.0, static_cast<double>(rng() % 20));
    e.exact = Number(static_cast<std::int64_t>(rng()));
    if (rng() % 2) e.maybe = text(10);
    for (std::size_t i = rng() % 4; i > 0; --i) e.list.push_back(text(8));
    for (std::size_t i = rng() % 3; i > 0; --i) e.addresses.push_back({text(8), rng() % 2 ? std::optional<std::int32_t>(static_cast<std::int32_t>(rng())) : std::nullopt});
    for (std::size_t i = rng() % 4; i > 0; --i) e.tags.insert(text(6));
    for (std::size_t i = rng() % 4; i > 0; --i) e.scores.insert(static_cast<std::int64_t>(rng()));
    for (std::size_t i = rng() % 3; i > 0; --i) e.ratios.insert(real(rng));
    for (std::size_t i = rng() % 3; i > 0; --i) e.blobs.insert(Binary{text(5) + "!"});
    for (std::size_t i = rng() % 4; i > 0; --i) e.counts[text(6)] = static_cast<std::int32_t>(rng());
    e.home = {text(12), static_cast<std::int32_t>(rng())};
    e.raw = Binary{text(16)};
    for (std::size_t i = rng() % 5; i > 0; --i) e.bytes.push_back(static_cast<std::byte>(rng()));
    e.at = std::chrono::system_clock::time_point(std::chrono::nanoseconds(static_cast<std::int64_t>(rng() % 4'000'000'000'000'000'000ULL)));
    e.expires = std::chrono::system_clock::time_point(std::chrono::seconds(rng() % 4'000'000'000ULL));
    e.status = rng() % 2 ? Status::open : Status::done;
    e.price = Money{static_cast<std::int64_t>(rng() % 1'000'000)};
    const auto item = model.to_item(e);
    ASSERT_TRUE(item) << item.error().message;
    const auto wire = item_from_dynamodb_json(item_to_dynamodb_json(*item));
    ASSERT_TRUE(wire) << wire.error().message;
    const auto back = model.from_item(*wire);
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_TRUE(*back == e) << "round " << round << ": " << dynamo_json(*item);
  }
}

}  // namespace

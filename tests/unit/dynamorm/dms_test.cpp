// DMS documents (the contract's models and hand-written good and bad ones), the typing of
// logical values by a model, code generation, and contract scenarios run in-process against
// the embedded engine.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include <filesystem>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "lift/dynamorm/contract.hpp"
#include "lift/dynamorm/dms.hpp"
#include "lift/dynamorm/memory_engine.hpp"
#include "lift/dynamorm/table.hpp"
#include "support/requirements.hpp"

namespace {

using namespace lift::dynamorm;
using lift::Error;
using lift::Result;
namespace json = boost::json;

const std::filesystem::path kContract = std::filesystem::path(LIFT_TESTDATA_DIR) / "dynamorm-contract";

// A small valid document; tests replace parts of it to make it wrong.
constexpr const char* kGood = R"(dms_version: "0.1"
namespace: "acme.shop"
models:
  - name: "Item"
    table: { name: "items" }
    naming: { convention: "camelCase" }
    keys:
      partition: { attribute: "PK", type: "S" }
      sort: { attribute: "SK", type: "N" }
    attributes:
      - { attribute: "PK", type: "S", required: true, roles: ["pk"] }
      - { attribute: "SK", type: "N", required: true, roles: ["sk"] }
      - { attribute: "title", type: "S", omit_empty: true }
      - { attribute: "price", type: "N", optional: true }
      - { attribute: "sizes", type: "NS", optional: true, omit_empty: true }
      - { attribute: "photo", type: "B", binary: true, optional: true }
      - { attribute: "meta", type: "S", json: true, optional: true }
      - { attribute: "flags", type: "M", optional: true }
      - { attribute: "history", type: "L", optional: true }
      - { attribute: "active", type: "BOOL", optional: true, omit_empty: true }
      - { attribute: "category", type: "S", roles: ["index_pk:by-category"] }
      - { attribute: "createdAt", type: "S", format: "rfc3339nano", roles: ["created_at"] }
      - { attribute: "updatedAt", type: "S", format: "rfc3339nano", roles: ["updated_at"] }
      - { attribute: "version", type: "N", format: "int", roles: ["version"] }
      - { attribute: "expires", type: "N", format: "unix_seconds", roles: ["ttl"], optional: true, omit_empty: true }
    indexes:
      - name: "by-category"
        type: "GSI"
        partition: { attribute: "category", type: "S" }
        sort: { attribute: "createdAt", type: "S" }
        projection: { type: "INCLUDE", fields: ["title", "price"] }
      - name: "by-price"
        type: "LSI"
        partition: { attribute: "PK", type: "S" }
        sort: { attribute: "price", type: "N" }
        projection: { type: "KEYS_ONLY" }
)";

// A document nested `depth` maps deep in block style, two spaces a level.
std::string deep_blocks(int depth) {
  std::string text;
  for (int i = 0; i < depth; ++i) text += std::string(static_cast<std::size_t>(i) * 2, ' ') + "k:\n";
  text += std::string(static_cast<std::size_t>(depth) * 2, ' ') + "v\n";
  return text;
}

std::string replaced(std::string_view from, std::string_view to) {
  std::string text = kGood;
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(Dms, ReadsTheContractModels) {
  if (!std::filesystem::exists(kContract)) LIFT_SKIP_WITHOUT() << "contract fixtures absent (" << kContract << ")";
  auto doc = dms::load_directory(kContract / "dms" / "v0.1" / "models");
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ(doc->dms_version, "0.1");
  EXPECT_EQ(doc->namespace_name, "dynamorm.contract");
  ASSERT_EQ(doc->models.size(), 2u);
  const auto* user = doc->model("User");
  ASSERT_NE(user, nullptr);
  const auto& s = user->schema;
  EXPECT_EQ(s.table, "users_contract");
  EXPECT_EQ(s.naming, Naming::exact);
  EXPECT_EQ(s.initial_version, 0);
  EXPECT_EQ(s.partition_attribute(), "PK");
  ASSERT_NE(s.sort_attribute(), nullptr);
  EXPECT_EQ(*s.sort_attribute(), "SK");
  EXPECT_EQ(s.attribute(*s.created_at), "createdAt");
  EXPECT_EQ(s.attribute(*s.updated_at), "updatedAt");
  EXPECT_EQ(s.attribute(*s.version), "version");
  EXPECT_EQ(s.attribute(*s.ttl), "ttl");
  EXPECT_EQ(s.codecs[*s.ttl].time, TimeFormat::epoch_seconds);
  EXPECT_TRUE(s.codecs[*user->position("nickname")].omit_empty);
  EXPECT_FALSE(s.codecs[*user->position("emailHash")].omit_empty);
  ASSERT_EQ(s.indexes.size(), 1u);
  EXPECT_EQ(s.indexes[0].name, "gsi-email");
  EXPECT_TRUE(s.indexes[0].global);
  EXPECT_EQ(s.indexes[0].partition_attribute, "emailHash");
  EXPECT_FALSE(s.indexes[0].sort_attribute);
  EXPECT_TRUE(s.check());
  EXPECT_EQ(user->attribute("tags")->type, AttributeType::SS);

  const auto* order = doc->model("Order");
  ASSERT_NE(order, nullptr);
  ASSERT_EQ(order->schema.indexes.size(), 1u);
  EXPECT_EQ(order->schema.indexes[0].sort_attribute, "createdAt");
}

TEST(Dms, ReadsEveryOptionOfAGoodDocument) {
  auto doc = dms::parse(kGood, "good.yml");
  ASSERT_TRUE(doc) << doc.error().message;
  const auto& m = doc->models.at(0);
  EXPECT_EQ(m.naming, dms::NamingConvention::camel_case);
  EXPECT_EQ(m.schema.fields[*m.schema.sort_key].key_type, 'N');
  EXPECT_TRUE(m.attribute("photo")->binary);
  EXPECT_TRUE(m.attribute("meta")->json);
  ASSERT_EQ(m.schema.indexes.size(), 2u);
  EXPECT_EQ(m.schema.indexes[0].projection, ProjectionType::include);
  EXPECT_EQ(m.schema.indexes[0].projected, (std::vector<std::string>{"title", "price"}));
  EXPECT_FALSE(m.schema.indexes[1].global);
  EXPECT_EQ(m.schema.indexes[1].partition_attribute, "PK");
  EXPECT_EQ(m.schema.indexes[1].sort_type, 'N');
  EXPECT_EQ(m.schema.indexes[1].projection, ProjectionType::keys_only);
  // JSON is DMS's interchange format: the same document as JSON reads the same.
  auto as_json = dms::yaml_to_json(kGood);
  ASSERT_TRUE(as_json) << as_json.error().message;
  auto again = dms::parse(json::serialize(*as_json), "good.json");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->models.at(0).attributes.size(), m.attributes.size());
}

struct Bad {
  const char* what;
  std::string text;
  std::string expected;  // part of the message
};

TEST(Dms, EveryMistakeIsATypedErrorNamingThePlace) {
  const std::vector<Bad> cases = {
      {"unknown type", replaced(R"("title", type: "S")", R"("title", type: "STRING")"),
       R"(good.yml:13: models[0] (Item).attributes[2] (title).type: unknown type "STRING")"},
      {"misspelt option", replaced("omit_empty: true }\n      - { attribute: \"price\"", "omitempty: true }\n      - { attribute: \"price\""),
       "models[0] (Item).attributes[2].omitempty: unknown field"},
      {"undeclared key attribute", replaced(R"(partition: { attribute: "PK", type: "S" }
      sort)", R"(partition: { attribute: "id", type: "S" }
      sort)"),
       R"(models[0] (Item).keys.partition: attribute "id" is not among the model's attributes)"},
      {"key type differs", replaced(R"(sort: { attribute: "SK", type: "N" })", R"(sort: { attribute: "SK", type: "S" })"),
       "keys.sort: type S differs from attribute SK's type N"},
      {"key of a set type", replaced(R"(sort: { attribute: "SK", type: "N" })", R"(sort: { attribute: "SK", type: "SS" })"),
       "a key type is S, N or B"},
      {"version not a number", replaced(R"("version", type: "N", format: "int")", R"("version", type: "S")"),
       "role version: needs type N"},
      {"unknown role", replaced(R"(roles: ["index_pk:by-category"])", R"(roles: ["owner"])"), "role owner: unknown role"},
      {"index role of no index", replaced(R"(roles: ["index_pk:by-category"])", R"(roles: ["index_pk:nope"])"), "no index named \"nope\""},
      {"two created_at", replaced(R"(roles: ["updated_at"])", R"(roles: ["created_at"])"), "already held by createdAt"},
      {"naming convention", replaced(R"(attribute: "title")", R"(attribute: "Title")"), "does not follow the camelCase naming convention"},
      {"duplicate attribute", replaced(R"(attribute: "price", type: "N")", R"(attribute: "title", type: "N")"),
       "attribute \"title\" is declared twice"},
      {"format on the wrong type", replaced(R"("createdAt", type: "S", format)", R"("createdAt", type: "N", format)"),
       "format rfc3339nano requires type S"},
      {"json on a number", replaced(R"("meta", type: "S", json: true)", R"("meta", type: "N", json: true)"), "json requires type S"},
      {"not a boolean", replaced("binary: true", "binary: yes"), "photo).binary: expected true or false"},
      {"dms version", replaced(R"(dms_version: "0.1")", R"(dms_version: "0.2")"), "good.yml:1: dms_version: unsupported version"},
      {"lsi partition", replaced(R"(partition: { attribute: "PK", type: "S" }
        sort: { attribute: "price")", R"(partition: { attribute: "category", type: "S" }
        sort: { attribute: "price")"),
       "a local index shares the table's partition key PK"},
      {"include without fields", replaced(R"({ type: "INCLUDE", fields: ["title", "price"] })", R"({ type: "INCLUDE" })"),
       "an INCLUDE projection names its fields"},
      {"projected unknown attribute", replaced(R"(fields: ["title", "price"])", R"(fields: ["title", "colour"])"),
       "\"colour\" is not among the model's attributes"},
      {"index key undeclared", replaced(R"(partition: { attribute: "category", type: "S" })", R"(partition: { attribute: "kind", type: "S" })"),
       "indexes[0] (by-category).partition: attribute \"kind\" is not among"},
      {"encrypted key", replaced(R"({ attribute: "category", type: "S",)", R"({ attribute: "category", type: "S", encryption: { key: "k" },)"),
       "encrypted attribute category cannot be a key"},
      {"duplicate index", replaced(R"(name: "by-price")", R"(name: "by-category")"), "index \"by-category\" is declared twice"},
      {"no models", "dms_version: \"0.1\"\nmodels: []\n", "models: required: a non-empty list"},
      {"table name too short", replaced(R"(table: { name: "items" })", R"(table: { name: "it" })"), "shorter than 3 characters"},
      {"anchor", replaced(R"(table: { name: "items" })", R"(table: &t { name: "items" })"), "good.yml:5:12: anchors are not allowed"},
      {"tag", replaced(R"(name: "Item")", R"(name: !!str Item)"), "tags are not allowed"},
      {"merge key", replaced(R"(table: { name: "items" })", "table: { <<: { name: \"items\" } }"), "merge keys are not allowed"},
      {"duplicate key", replaced(R"(table: { name: "items" })", R"(table: { name: "items", name: "other" })"), "duplicate key \"name\""},
      {"bad YAML", replaced(R"(table: { name: "items" })", R"(table: { name: "items")"), "invalid YAML"},
      {"empty", "", "empty document"},
      {"two documents", std::string(kGood) + "---\n" + kGood, "more than one YAML document"},
      {"not a map", "- 1\n- 2\n", "expected a map"},
      {"deep", "dms_version: " + std::string(100, '[') + std::string(100, ']') + "\n", "good.yml:1:77: nesting deeper than 64 levels"},
      // Deeper than yaml-cpp's own guard (500), which said "bad file".
      {"deeper", "dms_version: " + std::string(600, '[') + std::string(600, ']') + "\n", "good.yml:1:77: nesting deeper than 64 levels"},
      {"deep blocks", deep_blocks(80), "good.yml:65:129: nesting deeper than 64 levels"},
  };
  for (const auto& c : cases) {
    auto doc = dms::parse(c.text, "good.yml");
    ASSERT_FALSE(doc) << c.what;
    EXPECT_EQ(doc.error().code, dms::kInvalidModel) << c.what;
    EXPECT_EQ(doc.error().status, 400) << c.what;
    EXPECT_NE(doc.error().message.find(c.expected), std::string::npos) << c.what << ": " << doc.error().message;
    EXPECT_FALSE(doc.error().details.empty()) << c.what;
  }
}

TEST(Dms, AliasesAreRefused) {
  const auto doc = dms::parse("a: &x 1\nb: *x\n", "alias.yml");
  ASSERT_FALSE(doc);
  EXPECT_NE(doc.error().message.find("not allowed"), std::string::npos) << doc.error().message;
}

// JSON spells a character beyond the BMP as a UTF-16 surrogate pair; YAML reads it in its
// JSON-compatible subset too.
TEST(Dms, YamlReadsSurrogatePairEscapesAsJsonDoes) {
  auto v = dms::yaml_to_json(R"({"a":"\ud83d\ude00", "b": ["x\uD83D\uDE00y", "\u00e9\ud834\udd1e"], "c": {"d" : "\ud83d\ude00\ud83d\ude00"}})");
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->at("a"), json::value("\xF0\x9F\x98\x80"));
  EXPECT_EQ(v->at("b").at(0), json::value("x\xF0\x9F\x98\x80y"));
  EXPECT_EQ(v->at("b").at(1), json::value("\xC3\xA9\xF0\x9D\x84\x9E"));
  EXPECT_EQ(v->at("c").at("d"), json::value("\xF0\x9F\x98\x80\xF0\x9F\x98\x80"));

  // Block style, and a whole DMS document with one in a tag.
  auto block = dms::yaml_to_json("a:\n  - \"\\ud83d\\ude00\"  # comment \"\\ud83d\n  - b: \"\\ud83d\\ude00\"\n");
  ASSERT_TRUE(block) << block.error().message;
  EXPECT_EQ(block->at("a").at(1).at("b"), json::value("\xF0\x9F\x98\x80"));
  auto doc = dms::parse(replaced(R"("title", type: "S",)", R"("title", type: "S", tags: { "label": "\ud83d\ude00" },)"), "good.yml");
  ASSERT_TRUE(doc) << doc.error().message;

  // Backslashes outside double quotes are literal and stay as written.
  auto literal = dms::yaml_to_json("p: a\\ud83d\\ude00\nq: '\\ud83d\\ude00'\nr: |\n  \"\\ud83d\\ude00\"\ns: x # \"\\ud83d\\ude00\"\n");
  ASSERT_TRUE(literal) << literal.error().message;
  EXPECT_EQ(literal->at("p"), json::value("a\\ud83d\\ude00"));
  EXPECT_EQ(literal->at("q"), json::value("\\ud83d\\ude00"));
  EXPECT_EQ(literal->at("r"), json::value("\"\\ud83d\\ude00\"\n"));
  EXPECT_EQ(literal->at("s"), json::value("x"));
}

TEST(Dms, YamlRefusesALoneOrReversedSurrogateSayingWhere) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"a": "\ud83d"})", "a high UTF-16 surrogate not followed by a low one"},
      {R"({"a": "\ud83dx"})", "\\ud83d is a high UTF-16 surrogate"},
      {R"({"a": "\ude00"})", "\\ude00 is a low UTF-16 surrogate not preceded by a high one"},
      {R"({"a": "\ude00\ud83d"})", "a low UTF-16 surrogate"},
      {"a: 1\nb: \"\\ud83d\\u0041\"\n", "bad.yml:2:"},
  };
  for (const auto& [text, expected] : cases) {
    auto v = dms::yaml_to_json(text, "bad.yml");
    ASSERT_FALSE(v) << text;
    EXPECT_EQ(v.error().code, dms::kInvalidModel) << text;
    EXPECT_NE(v.error().message.find(expected), std::string::npos) << text << ": " << v.error().message;
  }
}

TEST(Dms, YamlScalarsAreTypedByTheCoreSchemaOnlyWhenPlain) {
  auto v = dms::yaml_to_json("{a: 1, b: \"1\", c: true, d: 'true', e: null, f: ~, g: 1.5, h: -7, i: 1e3, j: x1, k: 18446744073709551615}");
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(json::serialize(*v), R"({"a":1,"b":"1","c":true,"d":"true","e":null,"f":null,"g":1.5E0,"h":-7,"i":1E3,"j":"x1","k":18446744073709551615})");
}

// Signs, the edges of 64-bit integers, and numbers no double holds.
TEST(Dms, YamlNumbersKeepTheirExactValueOrTheirText) {
  auto v = dms::yaml_to_json(
      "{a: +5, b: -0, c: -9223372036854775808, d: 9223372036854775807, e: 9223372036854775808,"
      " f: -9223372036854775809, g: 18446744073709551616, h: +1.5, i: 1e400, l: 1.e2, m: .5}");
  ASSERT_TRUE(v) << v.error().message;
  const auto& o = v->as_object();
  EXPECT_EQ(o.at("a"), json::value(std::int64_t{5}));
  EXPECT_EQ(o.at("b"), json::value(std::int64_t{0}));
  EXPECT_EQ(o.at("c"), json::value(std::numeric_limits<std::int64_t>::min()));
  EXPECT_EQ(o.at("d"), json::value(std::numeric_limits<std::int64_t>::max()));
  EXPECT_EQ(o.at("e"), json::value(std::uint64_t{9223372036854775808ull}));
  EXPECT_EQ(o.at("f"), json::value(-9223372036854775809.0));  // past 64 bits: the nearest double
  EXPECT_EQ(o.at("g"), json::value(18446744073709551616.0));
  EXPECT_EQ(o.at("h"), json::value(1.5));
  EXPECT_EQ(o.at("i"), json::value("1e400"));  // no double: kept as written
  EXPECT_EQ(o.at("l"), json::value(100.0));
  EXPECT_EQ(o.at("m"), json::value(0.5));
}

class Values : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = dms::parse(kGood, "good.yml");
    ASSERT_TRUE(d) << d.error().message;
    doc_ = std::move(*d);
    model_ = doc_.model("Item");
  }
  Result<AttributeMap> item(std::string_view text, bool omit = true) const {
    return dms::item_from_json(*model_, json::parse(text).as_object(), omit);
  }
  dms::Document doc_;
  const dms::Model* model_ = nullptr;
};

TEST_F(Values, TypedByTheModel) {
  auto i = item(R"({"PK":"a","SK":7,"price":"12.50","sizes":[3,1,2],"photo":"AQI=","meta":{"z":1,"a":[true,null]},
                   "flags":{"x":1,"y":"s"},"history":[1,"two",false],"active":true,"expires":1700000000})");
  ASSERT_TRUE(i) << i.error().message;
  EXPECT_EQ(i->at("PK"), AttributeValue::string("a"));
  EXPECT_EQ(i->at("SK"), AttributeValue::number(7));
  EXPECT_EQ(i->at("price"), AttributeValue::number(Number::parse("12.5").value()));
  EXPECT_EQ(i->at("sizes"), AttributeValue::number_set({Number(2), Number(3), Number(1)}));  // sets: order-insensitive
  EXPECT_EQ(i->at("photo"), AttributeValue::binary("\x01\x02"));
  EXPECT_EQ(i->at("meta"), AttributeValue::string(R"({"a":[true,null],"z":1})"));  // deterministic JSON text
  EXPECT_EQ(i->at("flags"), AttributeValue::map({{"x", AttributeValue::number(1)}, {"y", AttributeValue::string("s")}}));
  EXPECT_EQ(i->at("history"),
            AttributeValue::list({AttributeValue::number(1), AttributeValue::string("two"), AttributeValue::boolean(false)}));
  EXPECT_EQ(i->at("expires"), AttributeValue::number(1700000000));
  // And back.
  const auto back = dms::item_to_json(*i);
  EXPECT_EQ(back.at("SK"), json::value(7));
  EXPECT_EQ(back.at("photo"), json::value("AQI="));
  EXPECT_EQ(json::serialize(back.at("history")), R"([1,"two",false])");
}

TEST_F(Values, OmitEmptyFollowsTheDmsRules) {
  auto i = item(R"({"PK":"a","SK":1,"title":"","sizes":[],"active":false,"expires":0,"price":0,"meta":null})");
  ASSERT_TRUE(i) << i.error().message;
  EXPECT_FALSE(i->contains("title"));
  EXPECT_FALSE(i->contains("sizes"));
  EXPECT_FALSE(i->contains("active"));
  EXPECT_FALSE(i->contains("expires"));
  EXPECT_EQ(i->at("price"), AttributeValue::number(0));  // not omit_empty
  EXPECT_TRUE(i->at("meta").is_null());                   // json null is NULL, not "null"
  // Without omit_empty an empty set is NULL (DynamoDB has no empty sets).
  auto kept = item(R"({"PK":"a","SK":1,"title":"","sizes":[]})", false);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->at("title"), AttributeValue::string(""));
  EXPECT_TRUE(kept->at("sizes").is_null());
}

TEST_F(Values, WrongValuesNameTheAttribute) {
  for (const auto* text : {R"({"PK":1})", R"({"SK":"x"})", R"({"SK":true})", R"({"sizes":[1,1]})", R"({"photo":"%%"})",
                           R"({"active":"yes"})", R"({"flags":[1]})", R"({"createdAt":"yesterday"})", R"({"version":1.5})",
                           R"({"colour":"red"})"}) {
    auto i = item(text);
    ASSERT_FALSE(i) << text;
    EXPECT_EQ(i.error().code, kValidation) << text;
    EXPECT_FALSE(i.error().details.empty()) << text;
  }
}

// A DMS document's encrypted attributes load; a table of the model seals them with a key
// provider and fails closed without one.
TEST(Dms, EncryptedAttributesLoadAndFailClosedWithoutAKeyProvider) {
  auto doc = dms::parse(replaced(R"({ attribute: "title", type: "S",)", R"({ attribute: "title", type: "S", encryption: { kms: "k" },)"));
  ASSERT_TRUE(doc) << doc.error().message;
  const auto& model = doc->models[0];
  ASSERT_TRUE(model.attribute("title")->encrypted);
  EXPECT_TRUE(model.schema.encrypted("title"));
  auto i = dms::item_from_json(model, json::parse(R"({"PK":"a","SK":1,"title":"secret","category":"c"})").as_object());
  ASSERT_TRUE(i) << i.error().message;

  MemoryEngine engine;
  lift::aws::DynamoDbOptions options;
  options.region = "us-east-1";
  options.transport = memory_transport(engine);
  auto client = lift::aws::DynamoDbClient::create(std::move(options));
  ASSERT_TRUE(client) << client.error().message;
  detail::TableCore core(*client, std::make_shared<const ModelSchema>(model.schema));
  ASSERT_TRUE(core.create_table(true));
  const auto refused = core.put(*i, {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, dms::kEncryptionNotConfigured);
  EXPECT_EQ(contract::error_name(refused.error()), "ErrEncryptionNotConfigured");

  core.set_key_provider(LocalKeyProvider::create(std::string(32, 'k')).value());
  ASSERT_TRUE(core.put(*i, {}));
  auto got = core.get(Key("a", 1), true);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->at("title"), AttributeValue::string("secret"));
  auto filtered = core.scan({.filter = attr("title") == "secret"});
  ASSERT_FALSE(filtered);
  EXPECT_EQ(contract::error_name(filtered.error()), "ErrEncryptedFieldNotQueryable");
  EXPECT_EQ(contract::error_name(Error{std::string(kInvalidEncryptedEnvelope), "x", 500}), "ErrInvalidEncryptedEnvelope");

  // Code generation marks the member.
  EXPECT_NE(dms::generate_header(*doc).find(".encrypted("), std::string::npos);
}

TEST(Dms, GeneratesAHeaderWithTheModelApi) {
  auto doc = dms::parse(kGood, "good.yml");
  ASSERT_TRUE(doc);
  const auto header = dms::generate_header(*doc, {"", "good.yml"});
  for (const auto* expected :
       {"namespace acme::shop {", "struct Item {", "std::string pk{};", "lift::dynamorm::Number sk{};", "std::string title{};",
"std::set<lift::dynamorm::Number> sizes{};",
        "std::chrono::system_clock::time_point created_at{};", "std::int64_t version = 0;",
        "BOOST_DESCRIBE_STRUCT(Item, (), (pk, sk, title,", "inline lift::dynamorm::Model<Item> item_model(std::string table = \"items\")",
        ".naming(lift::dynamorm::Naming::camel_case)", ".partition_key(&Item::pk, \"PK\")", ".sort_key(&Item::sk, \"SK\")",
        ".version(&Item::version)", ".ttl(&Item::expires)", ".omit_empty(&Item::title)",
        ".global_index(\"by-category\", &Item::category, &Item::created_at, lift::dynamorm::ProjectionType::include, "
        "std::vector<std::string>{\"title\", \"price\"})",
        ".local_index(\"by-price\", &Item::price, lift::dynamorm::ProjectionType::keys_only", ".initial_version(0);"})
    EXPECT_NE(header.find(expected), std::string::npos) << expected << "\n" << header;
  // An LSI sort key is a key: not optional.
  EXPECT_NE(header.find("lift::dynamorm::Number price{};"), std::string::npos) << header;
}

// ---- scenarios ----

class Scenarios : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kContract)) LIFT_SKIP_WITHOUT() << "contract fixtures absent (" << kContract << ")";
    auto d = dms::load_directory(kContract / "dms" / "v0.1" / "models");
    ASSERT_TRUE(d) << d.error().message;
    doc_ = std::move(*d);
    lift::aws::DynamoDbOptions options;
    options.transport = memory_transport(engine_);
    auto c = lift::aws::DynamoDbClient::create(std::move(options));
    ASSERT_TRUE(c) << c.error().message;
    client_ = std::make_unique<lift::aws::DynamoDbClient>(std::move(*c));
  }
  std::vector<contract::StepResult> run(std::string_view text) {
    auto s = contract::parse_scenario(text, doc_, "inline.yml");
    EXPECT_TRUE(s) << s.error().message;
    if (!s) return {};
    return contract::run(*s, doc_, *client_);
  }
  dms::Document doc_;
  MemoryEngine engine_;
  std::unique_ptr<lift::aws::DynamoDbClient> client_;
};

TEST_F(Scenarios, TheP0ScenariosPassOnTheEmbeddedEngine) {
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kContract / "scenarios" / "p0")) {
    auto s = contract::load_scenario(entry.path(), doc_);
    ASSERT_TRUE(s) << s.error().message;
    ++files;
    for (const auto& r : contract::run(*s, doc_, *client_)) EXPECT_TRUE(r.passed) << r.line();
  }
  EXPECT_GE(files, 3u);
}

TEST_F(Scenarios, AFailedExpectationSaysWhy) {
  const auto results = run(R"(name: "t.fail"
model: "User"
steps:
  - op: create
    item: { PK: "U#9", SK: "P", tags: ["x", "y"], ttl: 5 }
  - op: get
    key: { PK: "U#9", SK: "P" }
    save: { v0: "version" }
    expect:
      item_contains: { tags: ["y", "x"], nickname: "Bo" }
  - op: get
    key: { PK: "U#9", SK: "P" }
    expect: { raw_attribute_types: { ttl: "S" }, item_field_equals_var: { version: "v0" } }
  - op: update
    item: { PK: "U#9", SK: "P", nickname: "Bo", version: 3 }
    expect: { ok: true }
  - op: update
    item: { PK: "U#9", SK: "P", nickname: "Bo", version: 0 }
  - op: get
    key: { PK: "U#9", SK: "P" }
    expect: { item_field_not_equals_var: { version: "v0" }, item_contains: { version: 1, nickname: "Bo" } }
  - op: delete
    key: { PK: "U#9", SK: "P" }
    expect: { error: "ErrItemNotFound" }
  - op: get
    key: { PK: "U#9" }
    expect: { error: "ErrMissingPrimaryKey" }
  - op: sleep
    ms: 1
)");
  ASSERT_EQ(results.size(), 9u);
  EXPECT_TRUE(results[0].passed) << results[0].line();
  EXPECT_FALSE(results[1].passed);
  EXPECT_EQ(results[1].line(), "FAIL t.fail step 2 get: item_contains: nickname is missing");
  EXPECT_FALSE(results[2].passed);
  EXPECT_EQ(results[2].reason, "raw_attribute_types: ttl is N, expected S");
  EXPECT_FALSE(results[3].passed);
  EXPECT_NE(results[3].reason.find("expected ok, got ErrConditionFailed"), std::string::npos) << results[3].reason;
  EXPECT_TRUE(results[4].passed) << results[4].line();
  EXPECT_TRUE(results[5].passed) << results[5].line();
  EXPECT_FALSE(results[6].passed);
  EXPECT_NE(results[6].reason.find("expected ErrItemNotFound, got success"), std::string::npos) << results[6].reason;
  EXPECT_TRUE(results[7].passed) << results[7].line();
  EXPECT_EQ(results[8].line(), "PASS t.fail step 9 sleep");
}

TEST_F(Scenarios, BadScenariosAreRefusedBeforeAnythingRuns) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"name: x\nmodel: Nobody\nsteps: [{op: get, key: {PK: a}}]\n", "inline.yml:2: model: unknown model \"Nobody\""},
      {"name: x\nmodel: User\nsteps:\n  - op: scan\n", "inline.yml:4: steps[0].op: unknown op \"scan\""},
      {"name: x\nmodel: User\nsteps:\n  - op: get\n    key: {PK: a, SK: b}\n    expect: {error: ErrOops}\n", "unknown error name \"ErrOops\""},
      {"name: x\nmodel: User\nsteps:\n  - op: create\n    item: {PK: a, SK: b, colour: red}\n", "not an attribute of model User"},
      {"name: x\nmodel: User\nsteps:\n  - op: create\n    item: {PK: a, SK: b, tags: [1]}\n", "tags: expected strings"},
      {"name: x\nmodel: User\nsteps:\n  - op: get\n    key: {PK: a, SK: b}\n    expect: {raw_attribute_types: {ttl: Q}}\n", "unknown type \"Q\""},
      {"name: x\nmodel: User\nsteps:\n  - op: update\n    item: {PK: a}\n    fields: [colour]\n", "\"colour\" is not an attribute"},
      {"name: x\nmodel: User\nsteps:\n  - op: get\n    key: {PK: a}\n    extra: 1\n",
       "inline.yml:6: steps[0] (get).extra: unknown field (expected one of: op, key, expect, save)"},
      {"name: ''\nmodel: User\nsteps: [{op: get, key: {PK: a}}]\n", "inline.yml:1: name: must not be empty"},
      {"name: [x]\nmodel: User\nsteps: [{op: get, key: {PK: a}}]\n", "inline.yml:1: name: expected a string"},
      {"model: User\nsteps: [{op: get, key: {PK: a}}]\n", "inline.yml:1: name: required"},
      {"name: x\nmodel: User\nsteps:\n  - op: create\n    item: {PK: a, SK: b}\n    if_not_exists: yes\n",
       "inline.yml:6: steps[0] (create).if_not_exists: expected true or false"},
      {"name: x\nmodel: User\nsteps: []\n", "steps: required"},
      {"name: x\nmodel: User\nsteps:\n  - op: get\n  key: [\n", "invalid YAML"},
  };
  for (const auto& [text, expected] : cases) {
    auto s = contract::parse_scenario(text, doc_, "inline.yml");
    ASSERT_FALSE(s) << text;
    EXPECT_EQ(s.error().code, contract::kInvalidScenario) << text;
    EXPECT_NE(s.error().message.find(expected), std::string::npos) << s.error().message;
  }
}

TEST(Contract, ErrorNamesAreDmsNames) {
  EXPECT_EQ(contract::error_name(Error{std::string(kConditionFailed), "x", 409}), "ErrConditionFailed");
  EXPECT_EQ(contract::error_name(Error{std::string(kItemNotFound), "x", 404}), "ErrItemNotFound");
  EXPECT_EQ(contract::error_name(validation_error("missing sort key SK")), "ErrMissingPrimaryKey");
  EXPECT_EQ(contract::error_name(validation_error("invalid model x: no partition key")), "ErrInvalidModel");
  EXPECT_EQ(contract::error_name(Error{"DynamoDB.ResourceNotFound", "x", 400}), "DynamoDB.ResourceNotFound");
}

}  // namespace

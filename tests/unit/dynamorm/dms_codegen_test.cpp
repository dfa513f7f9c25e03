// The header `lift dynamorm codegen` generated at build time from the contract's user.yml:
// it compiles, its Model<T> agrees with the DMS document (attribute names, types, keys, roles,
// indexes), and an item round-trips through the embedded engine with the names and DynamoDB
// types the DMS document declares.
#include <gtest/gtest.h>

#include <filesystem>

#include "dms_user.hpp"
#include "lift/dynamorm/dms.hpp"
#include "lift/dynamorm/memory_engine.hpp"
#include "lift/dynamorm/table.hpp"

namespace {

using namespace lift::dynamorm;
using ::dynamorm::contract::User;

const std::filesystem::path kUserYml =
    std::filesystem::path(LIFT_TESTDATA_DIR) / "dynamorm-contract" / "dms" / "v0.1" / "models" / "user.yml";

TEST(Codegen, TheGeneratedModelMatchesTheDmsDocument) {
  auto doc = dms::load_file(kUserYml);
  ASSERT_TRUE(doc) << doc.error().message;
  const auto& expected = doc->model("User")->schema;
  const auto model = ::dynamorm::contract::user_model();
  const auto& actual = model.schema();
  ASSERT_TRUE(actual.check()) << actual.check().error().message;
  EXPECT_EQ(actual.table, expected.table);
  EXPECT_EQ(actual.initial_version, 0);
  ASSERT_EQ(actual.fields.size(), expected.fields.size());
  for (std::size_t i = 0; i < actual.fields.size(); ++i) {
    EXPECT_EQ(actual.fields[i].attribute, expected.fields[i].attribute) << i;
    EXPECT_EQ(actual.fields[i].role, expected.fields[i].role) << actual.fields[i].attribute;
    EXPECT_EQ(actual.codecs[i].omit_empty, expected.codecs[i].omit_empty) << actual.fields[i].attribute;
  }
  ASSERT_EQ(actual.indexes.size(), expected.indexes.size());
  for (std::size_t i = 0; i < actual.indexes.size(); ++i) {
    EXPECT_EQ(actual.indexes[i].name, expected.indexes[i].name);
    EXPECT_EQ(actual.indexes[i].partition_attribute, expected.indexes[i].partition_attribute);
    EXPECT_EQ(actual.indexes[i].sort_attribute, expected.indexes[i].sort_attribute);
    EXPECT_EQ(actual.indexes[i].partition_type, expected.indexes[i].partition_type);
  }
}

TEST(Codegen, ItemsRoundTripWithTheDmsNamesAndTypes) {
  auto doc = dms::load_file(kUserYml);
  ASSERT_TRUE(doc) << doc.error().message;
  const auto& dms_user = *doc->model("User");

  MemoryEngine engine;
  lift::aws::DynamoDbOptions options;
  options.transport = memory_transport(engine);
  auto client = lift::aws::DynamoDbClient::create(std::move(options));
  ASSERT_TRUE(client) << client.error().message;
  Table<User> users(*client, ::dynamorm::contract::user_model());
  ASSERT_TRUE(users.create_table());

  User u;
  u.pk = "USER#1";
  u.sk = "PROFILE";
  u.email_hash = "hash_abc";
  u.nickname = "Al";
  u.tags = {"a", "b"};
  u.ttl = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
  const auto created = users.create(u);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->version, 0);  // DMS: an empty version is written as 0

  // The stored item, as any other DynamORM SDK reads it.
  auto raw = users.core().get(Key("USER#1", "PROFILE"), true);
  ASSERT_TRUE(raw) << raw.error().message;
  for (const auto& [name, value] : *raw) {
    const auto* attribute = dms_user.attribute(name);
    ASSERT_NE(attribute, nullptr) << name << " is not a DMS attribute";
    EXPECT_EQ(value.type(), attribute->type) << name;
  }
  for (const auto* name : {"PK", "SK", "emailHash", "nickname", "tags", "createdAt", "updatedAt", "version", "ttl"})
    EXPECT_TRUE(raw->contains(name)) << name;
  EXPECT_EQ(raw->at("ttl"), AttributeValue::number(1700000000));

  auto got = users.get({"USER#1", "PROFILE"});
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->tags, u.tags);
  EXPECT_EQ(got->ttl, u.ttl);

  // omit_empty: an empty nickname, no tags and no ttl are not stored.
  User empty;
  empty.pk = "USER#2";
  empty.sk = "PROFILE";
  ASSERT_TRUE(users.create(empty));
  auto raw2 = users.core().get(Key("USER#2", "PROFILE"), true);
  ASSERT_TRUE(raw2);
  EXPECT_FALSE(raw2->contains("nickname"));
  EXPECT_FALSE(raw2->contains("tags"));
  EXPECT_FALSE(raw2->contains("ttl"));
  EXPECT_FALSE(raw2->contains("emailHash"));  // an empty GSI key: the item is not in the index

  // Optimistic locking from version 0, as scenario p0.crud.basic expects.
  got->nickname = "Alice";
  const auto updated = users.update(*got, {"nickname"});
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->version, 1);
  EXPECT_EQ(users.update(*got, {"nickname"}).error().code, kConditionFailed);
}

}  // namespace

#pragma once
// DynamORM's cross-language contract scenarios, run through lift's mapper (detail::TableCore)
// against any DynamoDB: the embedded engine, dynalite, DynamoDB Local or AWS. The same YAML
// files are run by DynamORM's Go, TypeScript and Python SDKs, so passing them means sharing a
// table with those services without drift.
//
//   auto dms = lift::dynamorm::dms::load_directory("dms/v0.1/models");
//   auto scenario = lift::dynamorm::contract::load_scenario("scenarios/p0/01-crud-basic.yml", *dms);
//   auto results = lift::dynamorm::contract::run(*scenario, *dms, client, {});
//
// A scenario names a DMS model and a table, and lists steps:
//   op: create | put        item (logical values, typed by the model, omit_empty applied),
//                           if_not_exists; both overwrite without it, as DynamORM's create
//                           does (Table::put, not Table::create)
//   op: get                 key
//   op: update              item (keys, the caller's version: the update conditions on it and
//                           adds 1), fields (the attributes to write; absent: those in item)
//   op: delete              key (or item; a version in it is checked)
//   op: sleep               ms | seconds
// each with `expect` (none: ok) and `save: {var: attribute}`. Expectations: ok, error
// (ErrConditionFailed, ErrItemNotFound, ErrMissingPrimaryKey, ErrInvalidModel, ...),
// item_contains, item_equals, item_has_fields, item_missing_fields, raw_attribute_types,
// item_field_equals_var, item_field_not_equals_var. Values compare as DynamoDB compares them:
// sets order-insensitively, numbers by value.
//
// Everything is checked before a step runs: an unknown model, op, field, error name or a value
// the model cannot hold is an Error with code kInvalidScenario (status 400) naming the file,
// line and step.

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lift/aws/dynamodb.hpp"
#include "lift/core/result.hpp"
#include "lift/dynamorm/attribute_value.hpp"
#include "lift/dynamorm/dms.hpp"
#include "lift/dynamorm/encryption.hpp"

namespace lift::dynamorm::contract {

inline constexpr std::string_view kInvalidScenario = "DynamORM.InvalidScenario";

struct Expectation {
  std::optional<bool> ok{};
  std::optional<std::string> error{};  // a DMS error name
  std::optional<AttributeMap> item_contains{};
  std::optional<AttributeMap> item_equals{};
  std::vector<std::string> item_has_fields{};
  std::vector<std::string> item_missing_fields{};
  std::vector<std::pair<std::string, std::string>> raw_attribute_types{};  // attribute, "S"/"N"/...
  std::vector<std::pair<std::string, std::string>> equals_var{};           // attribute, variable
  std::vector<std::pair<std::string, std::string>> not_equals_var{};
};

struct Step {
  std::size_t number = 0;  // 1-based
  int line = 0;
  std::string op;
  AttributeMap item{};  // create, put, update (omit_empty applied)
  AttributeMap key{};   // get, delete
  bool if_not_exists = false;
  std::vector<std::string> fields{};
  std::chrono::milliseconds pause{0};
  std::vector<std::pair<std::string, std::string>> save{};  // variable, attribute
  Expectation expect{};
};

struct Scenario {
  std::string name;
  std::string source;  // the file it came from
  std::string model;
  std::string table;
  std::vector<Step> steps;
};

Result<Scenario> parse_scenario(std::string_view text, const dms::Document& dms, std::string_view source = {});
Result<Scenario> load_scenario(const std::filesystem::path& path, const dms::Document& dms);

struct StepResult {
  std::string scenario;
  std::size_t step = 0;  // 0: the table's setup
  std::string op;
  bool passed = false;
  std::string reason{};  // why it failed

  // "PASS p0.crud.basic step 3 get" / "FAIL p0.crud.basic step 4 update: <reason>"
  [[nodiscard]] std::string line() const;
};

struct RunOptions {
  bool create_table = true;                        // CreateTable (if not exists) first
  // Seals and opens the model's encrypted attributes (encryption.hpp). Null: their writes and
  // reads fail closed (ErrEncryptionNotConfigured), which a scenario may expect. An encrypted
  // attribute's raw_attribute_types is checked on the item as stored (the envelope: M).
  std::shared_ptr<const KeyProvider> keys{};
  std::function<void(const StepResult&)> on_step{};  // called as each step ends
};

// Runs every step in order (a failed step does not stop the rest).
std::vector<StepResult> run(const Scenario& scenario, const dms::Document& dms, aws::DynamoDbClient& client, const RunOptions& options = {});

// The DMS error name of a mapper error (DynamORM.ConditionFailed → ErrConditionFailed, a
// missing key → ErrMissingPrimaryKey, ...); the code itself when DMS has no name for it.
std::string error_name(const Error& error);

}  // namespace lift::dynamorm::contract

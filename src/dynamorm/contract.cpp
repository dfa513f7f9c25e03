#include "lift/dynamorm/contract.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <thread>

#include <boost/json/serialize.hpp>

#include "dms_yaml.hpp"
#include "lift/dynamorm/errors.hpp"
#include "lift/dynamorm/table.hpp"

namespace lift::dynamorm::contract {

using dms::detail::YamlNode;
namespace json = boost::json;

namespace {

constexpr std::string_view kErrorNames[] = {"ErrItemNotFound",       "ErrConditionFailed",          "ErrInvalidModel",
                                            "ErrInvalidTag",         "ErrMissingPrimaryKey",        "ErrInvalidOperator",
                                            "ErrEncryptionNotConfigured", "ErrEncryptedFieldNotQueryable", "ErrInvalidEncryptedEnvelope"};

constexpr std::string_view kTypeNames[] = {"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"};

// A scenario tree read into steps, typed by the DMS model it names; problems are
// InvalidScenario errors.
class ScenarioReader : public dms::detail::TreeReader {
 public:
  ScenarioReader(std::string_view source, const dms::Document& dms) : TreeReader(kInvalidScenario, source), dms_(dms) {}

  const dms::Model* model = nullptr;

  bool strings(const YamlNode& node, const std::string& path, std::vector<std::string>& out) {
    if (node.kind != YamlNode::Kind::sequence) return fail(node, path, "expected a list of attribute names");
    for (const auto& item : node.items) {
      if (item.kind != YamlNode::Kind::scalar || item.text.empty()) return fail(item, path, "expected attribute names");
      out.push_back(item.text);
    }
    return true;
  }

  // name → string pairs (save, raw_attribute_types, *_var).
  bool pairs(const YamlNode& node, const std::string& path, std::vector<std::pair<std::string, std::string>>& out) {
    if (node.kind != YamlNode::Kind::map) return fail(node, path, "expected a map");
    for (const auto& [key, value] : node.entries) {
      if (value.kind != YamlNode::Kind::scalar || value.text.empty()) return fail(value, path + "." + key, "expected a string");
      out.emplace_back(key, value.text);
    }
    return true;
  }

  // Logical values typed by the model; `omit` applies omit_empty (writes, not expectations).
  bool item(const YamlNode& node, const std::string& path, bool omit, AttributeMap& out) {
    if (node.kind != YamlNode::Kind::map) return fail(node, path, "expected a map of attributes");
    for (const auto& [key, value] : node.entries) {
      const auto* a = model->attribute(key);
      const auto logical = dms::detail::to_json(value);
      if (a == nullptr) {
        if (omit) return fail(value, path + "." + key, "not an attribute of model " + model->name);
        // Expectations may name attributes outside the model: typed by their JSON type.
        auto v = dms::untyped_value_from_json(logical);
        if (!v) return fail(value, path + "." + key, v.error().message);
        out.insert_or_assign(key, std::move(*v));
        continue;
      }
      auto v = dms::value_from_json(*a, logical, omit);
      if (!v) return fail(value, path + "." + key, v.error().message);
      if (*v) out.insert_or_assign(key, std::move(**v));
    }
    return true;
  }

  bool expectation(const YamlNode& node, const std::string& path, Expectation& e) {
    if (!expect_map(node, path, {"ok", "error", "item_contains", "item_equals", "item_has_fields", "item_missing_fields",
                                 "raw_attribute_types", "item_field_equals_var", "item_field_not_equals_var"}))
      return false;
    for (const auto& [key, value] : node.entries) {
      const auto at = path + "." + key;
      if (key == "ok") {
        bool ok = false;
        if (!boolean(value, at, ok)) return false;
        e.ok = ok;
      } else if (key == "error") {
        if (value.kind != YamlNode::Kind::scalar) return fail(value, at, "expected an error name");
        if (std::find(std::begin(kErrorNames), std::end(kErrorNames), value.text) == std::end(kErrorNames))
          return fail(value, at, "unknown error name \"" + value.text + "\"");
        e.error = value.text;
      } else if (key == "item_contains" || key == "item_equals") {
        AttributeMap m;
        if (!item(value, at, false, m)) return false;
        (key == "item_contains" ? e.item_contains : e.item_equals) = std::move(m);
      } else if (key == "item_has_fields" || key == "item_missing_fields") {
        if (!strings(value, at, key == "item_has_fields" ? e.item_has_fields : e.item_missing_fields)) return false;
      } else if (key == "raw_attribute_types") {
        if (!pairs(value, at, e.raw_attribute_types)) return false;
        for (const auto& [attribute, type] : e.raw_attribute_types)
          if (std::find(std::begin(kTypeNames), std::end(kTypeNames), type) == std::end(kTypeNames))
            return fail(value, at + "." + attribute, "unknown type \"" + type + "\"");
      } else {
        if (!pairs(value, at, key == "item_field_equals_var" ? e.equals_var : e.not_equals_var)) return false;
      }
    }
    if (e.ok && *e.ok && e.error) return fail(node, path, "ok: true and error exclude each other");
    return true;
  }

  bool step(const YamlNode& node, std::size_t number, Step& s) {
    const std::string path = "steps[" + std::to_string(number - 1) + "]";
    s.number = number;
    s.line = node.line;
    if (node.kind != YamlNode::Kind::map) return fail(node, path, "expected a map");
    const auto* op = node.find("op");
    if (op == nullptr || op->kind != YamlNode::Kind::scalar) return fail(node, path + ".op", "required");
    s.op = op->text;
    const std::string at = path + " (" + s.op + ")";
    if (s.op == "create" || s.op == "put") {
      if (!expect_map(node, at, {"op", "item", "if_not_exists", "expect", "save"})) return false;
    } else if (s.op == "get") {
      if (!expect_map(node, at, {"op", "key", "expect", "save"})) return false;
    } else if (s.op == "update") {
      if (!expect_map(node, at, {"op", "item", "fields", "expect", "save"})) return false;
    } else if (s.op == "delete") {
      if (!expect_map(node, at, {"op", "key", "item", "expect"})) return false;
    } else if (s.op == "sleep") {
      if (!expect_map(node, at, {"op", "ms", "seconds"})) return false;
    } else {
      return fail(*op, path + ".op", "unknown op \"" + s.op + "\" (create, put, get, update, delete, sleep)");
    }
    if (s.op == "create" || s.op == "put" || s.op == "update") {
      const auto* item_node = node.find("item");
      if (item_node == nullptr) return fail(node, at + ".item", "required");
      if (!item(*item_node, at + ".item", true, s.item)) return false;
    }
    if (!boolean(node, at, "if_not_exists", s.if_not_exists)) return false;
    if (const auto* f = node.find("fields")) {
      if (!strings(*f, at + ".fields", s.fields)) return false;
      for (const auto& name : s.fields)
        if (model->attribute(name) == nullptr) return fail(*f, at + ".fields", "\"" + name + "\" is not an attribute of model " + model->name);
    }
    if (s.op == "get" || s.op == "delete") {
      const auto* key = node.find("key");
      if (key == nullptr) key = node.find("item");
      if (key == nullptr) return fail(node, at + ".key", "required");
      if (node.find("key") != nullptr && node.find("item") != nullptr) return fail(node, at, "key and item exclude each other");
      if (!item(*key, at + ".key", false, s.key)) return false;
    }
    if (s.op == "sleep") {
      const auto* ms = node.find("ms");
      const auto* seconds = node.find("seconds");
      if ((ms == nullptr) == (seconds == nullptr)) return fail(node, at, "sleep takes ms or seconds");
      const auto amount = dms::detail::to_json(ms != nullptr ? *ms : *seconds);
      const double n = amount.is_int64() ? static_cast<double>(amount.get_int64()) : amount.is_double() ? amount.get_double() : -1;
      if (n < 0 || n > 600'000) return fail(ms != nullptr ? *ms : *seconds, at, "expected a duration of at most 10 minutes");
      s.pause = std::chrono::milliseconds(static_cast<long long>(ms != nullptr ? n : n * 1000));
    }
    if (const auto* save = node.find("save"); save != nullptr && !pairs(*save, at + ".save", s.save)) return false;
    if (const auto* expect = node.find("expect"); expect != nullptr && !expectation(*expect, at + ".expect", s.expect)) return false;
    if (s.op == "delete" && (s.expect.item_contains || s.expect.item_equals || !s.expect.item_has_fields.empty() ||
                             !s.expect.raw_attribute_types.empty()))
      return fail(node, at + ".expect", "a delete returns no item to check");
    return true;
  }

  std::optional<Scenario> scenario(const YamlNode& root) {
    Scenario out;
    out.source = source();
    if (!expect_map(root, "scenario", {"name", "description", "dms_version", "model", "table", "steps"})) return std::nullopt;
    const auto text = [&](std::string_view key) { return string(root, "", key, true); };
    auto name = text("name");
    if (!name) return std::nullopt;
    out.name = std::move(*name);
    if (root.find("dms_version") != nullptr) {
      auto version = text("dms_version");
      if (!version) return std::nullopt;
      if (*version != "0.1") {
        fail(*root.find("dms_version"), "dms_version", "unsupported version \"" + *version + "\"");
        return std::nullopt;
      }
    }
    auto model_name = text("model");
    if (!model_name) return std::nullopt;
    model = dms_.model(*model_name);
    if (model == nullptr) {
      std::string known;
      for (const auto& m : dms_.models) known += (known.empty() ? "" : ", ") + m.name;
      fail(*root.find("model"), "model", "unknown model \"" + *model_name + "\" (the DMS documents define: " + known + ")");
      return std::nullopt;
    }
    out.model = model->name;
    out.table = model->table;
    if (const auto* table = root.find("table")) {
      if (!expect_map(*table, "table", {"name"})) return std::nullopt;
      const auto* table_name = table->find("name");
      if (table_name == nullptr || table_name->kind != YamlNode::Kind::scalar || table_name->text.size() < 3) {
        fail(table_name != nullptr ? *table_name : *table, "table.name", "expected a table name of 3 or more characters");
        return std::nullopt;
      }
      out.table = table_name->text;
    }
    const auto* steps = root.find("steps");
    if (steps == nullptr || steps->kind != YamlNode::Kind::sequence || steps->items.empty()) {
      fail(steps != nullptr ? *steps : root, "steps", "required: a non-empty list");
      return std::nullopt;
    }
    for (std::size_t i = 0; i < steps->items.size(); ++i) {
      Step s;
      if (!step(steps->items[i], i + 1, s)) return std::nullopt;
      out.steps.push_back(std::move(s));
    }
    return out;
  }

 private:
  const dms::Document& dms_;
};

std::string show(const AttributeValue& v) { return json::serialize(to_dynamodb_json(v)); }

// Runs one step; the reason it failed, or nothing.
class Runner {
 public:
  Runner(const dms::Model& model, detail::TableCore& core) : model_(model), core_(core) {}

  std::optional<std::string> step(const Step& s) {
    if (s.op == "sleep") {
      std::this_thread::sleep_for(s.pause);
      return std::nullopt;
    }
    std::optional<AttributeMap> item;
    std::optional<Error> error;
    const auto record = [&](auto result) {
      if (!result) error = std::move(result).error();
      else if constexpr (!std::is_same_v<decltype(result), Result<void>>) item = std::move(*result);
    };
    if (s.op == "create" || s.op == "put") {
      // The contract's create is DynamORM's: a put that overwrites unless if_not_exists. That
      // is Table::put with options, not Table::create (which always refuses an existing key).
      WriteOptions options;
      options.if_not_exists = s.if_not_exists;
      record(core_.put(s.item, options));
    } else if (s.op == "get") {
      auto key = key_of(s.key);
      if (!key) error = std::move(key).error();
      else record(core_.get(*key, true));
    } else if (s.op == "update") {
      std::vector<std::string> fields = s.fields;
      if (fields.empty()) {
        // The attributes the item names, except keys and library-owned ones.
        for (const auto& [name, value] : s.item) {
          const auto pos = model_.position(name);
          const auto role = pos ? model_.schema.fields[*pos].role : Role::none;
          if (role == Role::none || role == Role::ttl) fields.push_back(name);
        }
      }
      if (fields.empty()) error = validation_error("update: no attribute to write");
      else record(core_.update_fields(s.item, std::vector<AttributePath>(fields.begin(), fields.end()), std::nullopt));
    } else if (s.op == "delete") {
      auto key = key_of(s.key);
      if (!key) {
        error = std::move(key).error();
      } else {
        std::optional<std::int64_t> version;
        if (model_.schema.version) {
          const auto found = s.key.find(model_.schema.attribute(*model_.schema.version));
          if (found != s.key.end() && found->second.as_number() != nullptr) version = found->second.as_number()->as_integer<std::int64_t>();
        }
        record(core_.remove(*key, version, std::nullopt));
      }
    }
    return check(s, item, error);
  }

 private:
  // The item with `item`'s key as DynamoDB holds it (encrypted attributes sealed).
  Result<AttributeMap> stored_item(const AttributeMap& item) const {
    LIFT_TRY(key, key_of(item));
    LIFT_TRY(request, core_.key_request(key));
    request["ConsistentRead"] = true;
    LIFT_TRY(answer, core_.client().get_item(request, core_.deadline()));
    const auto* found = answer.if_contains("Item");
    if (found == nullptr) return item_not_found(core_.schema().table);
    return item_from_dynamodb_json(*found);
  }

  Result<Key> key_of(const AttributeMap& map) const {
    const auto& schema = model_.schema;
    const auto pk = map.find(schema.partition_attribute());
    if (pk == map.end()) return validation_error("missing partition key " + schema.partition_attribute());
    Key key(pk->second);
    if (schema.sort_key) {
      const auto sk = map.find(*schema.sort_attribute());
      if (sk == map.end()) return validation_error("missing sort key " + *schema.sort_attribute());
      key.sort = sk->second;
    }
    return key;
  }

  std::optional<std::string> check(const Step& s, const std::optional<AttributeMap>& item, const std::optional<Error>& error) {
    const auto& e = s.expect;
    if (e.error) {
      if (!error) return "expected " + *e.error + ", got success";
      const auto name = error_name(*error);
      if (name != *e.error) return "expected " + *e.error + ", got " + name + ": " + error->message;
      return std::nullopt;
    }
    if (error) {
      if (e.ok && !*e.ok) return std::nullopt;
      return "expected ok, got " + error_name(*error) + ": " + error->message;
    }
    if (e.ok && !*e.ok) return "expected a failure, got success";
    for (const auto& [var, attribute] : s.save) {
      if (!item) return "save: the step returned no item";
      const auto found = item->find(attribute);
      if (found == item->end()) return "save " + var + ": the item has no " + attribute;
      vars_.insert_or_assign(var, found->second);
    }
    if (!item) return std::nullopt;
    const auto& it = *item;
    if (e.item_contains) {
      for (const auto& [name, expected] : *e.item_contains) {
        const auto found = it.find(name);
        if (found == it.end()) return "item_contains: " + name + " is missing";
        if (!(found->second == expected)) return "item_contains: " + name + " is " + show(found->second) + ", expected " + show(expected);
      }
    }
    if (e.item_equals && !(*e.item_equals == it))
      return "item_equals: the item is " + json::serialize(item_to_dynamodb_json(it));
    for (const auto& name : e.item_has_fields)
      if (!it.contains(name)) return "item_has_fields: " + name + " is missing";
    for (const auto& name : e.item_missing_fields)
      if (const auto found = it.find(name); found != it.end()) return "item_missing_fields: " + name + " is present (" + show(found->second) + ")";
    // An encrypted attribute's raw type is how it is stored (the envelope, M), which the item a
    // step returns (opened) does not show: that one is read as stored.
    std::optional<AttributeMap> stored;
    for (const auto& [name, type] : e.raw_attribute_types) {
      const auto* attribute = model_.attribute(name);
      const AttributeMap* source = &it;
      if (attribute != nullptr && attribute->encrypted) {
        if (!stored) {
          auto read = stored_item(it);
          if (!read) return "raw_attribute_types: cannot read the stored item: " + read.error().message;
          stored = std::move(*read);
        }
        source = &*stored;
      }
      const auto found = source->find(name);
      if (found == source->end()) return "raw_attribute_types: " + name + " is missing";
      if (to_string(found->second.type()) != type)
        return "raw_attribute_types: " + name + " is " + std::string(to_string(found->second.type())) + ", expected " + type;
    }
    for (const auto& [name, var] : e.equals_var) {
      const auto saved = vars_.find(var);
      if (saved == vars_.end()) return "item_field_equals_var: no saved variable " + var;
      const auto found = it.find(name);
      if (found == it.end() || !(found->second == saved->second)) return "item_field_equals_var: " + name + " differs from " + var;
    }
    for (const auto& [name, var] : e.not_equals_var) {
      const auto saved = vars_.find(var);
      if (saved == vars_.end()) return "item_field_not_equals_var: no saved variable " + var;
      const auto found = it.find(name);
      if (found != it.end() && found->second == saved->second) return "item_field_not_equals_var: " + name + " equals " + var;
    }
    return std::nullopt;
  }

  const dms::Model& model_;
  detail::TableCore& core_;
  std::map<std::string, AttributeValue, std::less<>> vars_;
};

}  // namespace

std::string StepResult::line() const {
  std::string out = (passed ? "PASS " : "FAIL ") + scenario + " step " + std::to_string(step) + " " + op;
  if (!passed && !reason.empty()) out += ": " + reason;
  return out;
}

std::string error_name(const Error& error) {
  if (error.code == kConditionFailed) return "ErrConditionFailed";
  if (error.code == kItemNotFound) return "ErrItemNotFound";
  if (error.code == dms::kInvalidModel) return "ErrInvalidModel";
  if (error.code == kEncryptionNotConfigured) return "ErrEncryptionNotConfigured";
  if (error.code == kEncryptedFieldNotQueryable) return "ErrEncryptedFieldNotQueryable";
  if (error.code == kInvalidEncryptedEnvelope) return "ErrInvalidEncryptedEnvelope";
  if (error.code == kValidation && (error.message.starts_with("missing partition key") || error.message.starts_with("missing sort key")))
    return "ErrMissingPrimaryKey";
  if (error.code == kValidation && error.message.starts_with("invalid model")) return "ErrInvalidModel";
  return error.code;
}

Result<Scenario> parse_scenario(std::string_view text, const dms::Document& dms, std::string_view source) {
  auto tree = dms::detail::parse_yaml(text, source, kInvalidScenario);
  if (!tree) return std::move(tree).error();
  ScenarioReader reader(source, dms);
  auto scenario = reader.scenario(*tree);
  if (!scenario) return std::move(*reader.error);
  return std::move(*scenario);
}

Result<Scenario> load_scenario(const std::filesystem::path& path, const dms::Document& dms) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{std::string(kInvalidScenario), "cannot read " + path.string(), 400};
  std::stringstream s;
  s << in.rdbuf();
  return parse_scenario(s.str(), dms, path.filename().string());
}

std::vector<StepResult> run(const Scenario& scenario, const dms::Document& dms, aws::DynamoDbClient& client, const RunOptions& options) {
  std::vector<StepResult> results;
  const auto report = [&](StepResult r) {
    if (options.on_step) options.on_step(r);
    results.push_back(std::move(r));
  };
  const auto* model = dms.model(scenario.model);
  if (model == nullptr) {
    report(StepResult{scenario.name, 0, "setup", false, "unknown model " + scenario.model});
    return results;
  }
  auto schema = std::make_shared<ModelSchema>(model->schema);
  schema->table = scenario.table;
  detail::TableCore core(client, schema);
  core.set_key_provider(options.keys);
  if (options.create_table) {
    if (auto created = core.create_table(true); !created) {
      report(StepResult{scenario.name, 0, "create-table", false, created.error().code + ": " + created.error().message});
      return results;
    }
  }
  Runner runner(*model, core);
  for (const auto& s : scenario.steps) {
    auto why = runner.step(s);
    report(StepResult{scenario.name, s.number, s.op, !why.has_value(), why.value_or("")});
  }
  return results;
}

}  // namespace lift::dynamorm::contract

#pragma once
// DynamORM Spec (DMS) v0.1: the language-neutral model documents that DynamORM's Go,
// TypeScript and Python SDKs share, read into lift's type-erased ModelSchema.
//
//   auto doc = lift::dynamorm::dms::load_file("models/user.yml");   // Result<Document>
//   const auto* user = doc->model("User");
//   // user->schema: keys, roles, GSIs/LSIs, omit_empty — what detail::TableCore runs on.
//   auto item = lift::dynamorm::dms::item_from_json(*user, logical);  // {"tags":["a"]} → SS
//
// A document is YAML 1.2 restricted to its JSON-compatible subset (or JSON). Everything the
// spec defines is checked: dms_version "0.1", key and attribute types (S N B BOOL NULL M L SS
// NS BS; keys S N B), roles (pk, sk, created_at, updated_at, version, ttl, index_pk:<name>,
// index_sk:<name>) and the types they need, formats, naming conventions (camelCase allows PK
// and SK), json/binary flags, encrypted attributes never used as keys, indexes and their
// projections. Unknown fields are refused so that a misspelt option cannot be silently ignored.
// Every mistake is an Error with code kInvalidModel (status 400) whose message names the place
// (`user.yml:27: models[0] (User).attributes[3] (nickname).type: unknown type "STRING"`) and
// whose details carry the same path and problem; nothing throws.
//
// Attribute names are explicit in DMS, so the schemas use Naming::exact: the attribute names
// are exactly the document's.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "lift/core/result.hpp"
#include "lift/dynamorm/attribute_value.hpp"
#include "lift/dynamorm/encryption.hpp"
#include "lift/dynamorm/model.hpp"

namespace lift::dynamorm::dms {

// DMS's ErrInvalidModel.
inline constexpr std::string_view kInvalidModel = "DynamORM.InvalidModel";
// DMS's ErrEncryptionNotConfigured: a table without a key provider writes and reads no
// encrypted attribute (encryption.hpp).
inline constexpr std::string_view kEncryptionNotConfigured = dynamorm::kEncryptionNotConfigured;

enum class Format : unsigned char { none, rfc3339nano, unix_seconds, integer };
enum class NamingConvention : unsigned char { none, camel_case, snake_case };

struct Attribute {
  std::string name;
  AttributeType type = AttributeType::S;
  bool required = false;
  bool optional = false;
  bool omit_empty = false;
  bool json = false;       // a JSON value stored as S (deterministic text)
  bool binary = false;     // a binary blob (type B)
  bool encrypted = false;  // has an `encryption` block
  Format format = Format::none;
  std::vector<std::string> roles;  // as written ("pk", "index_pk:gsi-email", ...)
  int line = 0;                    // 1-based line of the entry in its document
};

struct Model {
  std::string name;
  std::string table;
  NamingConvention naming = NamingConvention::none;
  std::vector<Attribute> attributes;  // in document order; schema.fields has the same order
  ModelSchema schema;                 // initial_version 0, Naming::exact
  int line = 0;

  [[nodiscard]] const Attribute* attribute(std::string_view name) const;
  [[nodiscard]] std::optional<std::size_t> position(std::string_view name) const;
};

struct Document {
  std::string dms_version;
  std::string namespace_name;  // "" when absent
  std::vector<Model> models;

  [[nodiscard]] const Model* model(std::string_view name) const;
};

// `source` names the document in messages (a file name); empty: "<dms>".
Result<Document> parse(std::string_view text, std::string_view source = {});
Result<Document> load_file(const std::filesystem::path& path);
// Every *.yml, *.yaml and *.json file under `directory` (recursively), as one document; a model
// name defined twice is an error.
Result<Document> load_directory(const std::filesystem::path& directory);

// A YAML 1.2 JSON-compatible document as JSON: quoted scalars are strings, plain scalars are
// null, true/false, integers, floats or strings by YAML's core schema. Anchors, aliases, custom
// tags and merge keys are refused (kInvalidModel, with the line), as is nesting beyond 64.
Result<boost::json::value> yaml_to_json(std::string_view text, std::string_view source = {});

// ---- items ----

// One logical value (JSON: strings, numbers, booleans, null, arrays, objects) as the DMS
// attribute's type: S (json: deterministic JSON text with sorted keys, null → NULL), N (a
// number, or a string holding one), B (standard base64 text), BOOL, NULL (null or true), M and
// L (nested values by their JSON type), SS/NS/BS (arrays; an empty set is NULL). nullopt when
// `apply_omit_empty` and the attribute is omit_empty and the value is empty by DMS's rules
// ("" 0 false null [] {} and empty sets). Errors: DynamORM.Validation naming the attribute.
Result<std::optional<AttributeValue>> value_from_json(const Attribute& attribute, const boost::json::value& value,
                                                      bool apply_omit_empty = true);
// A value with no DMS attribute behind it, typed by its JSON type (numbers N, arrays L, ...).
Result<AttributeValue> untyped_value_from_json(const boost::json::value& value);
// An item: every member must be an attribute of the model. Errors: DynamORM.Validation.
Result<AttributeMap> item_from_json(const Model& model, const boost::json::object& item, bool apply_omit_empty = true);
// And back, for display and comparison: S (json: parsed), N (integer or double), B (base64),
// BOOL, NULL (null), M/L (nested), sets as arrays.
boost::json::value value_to_json(const AttributeValue& value);
boost::json::object item_to_json(const AttributeMap& item);

// ---- code generation ----

struct CodegenOptions {
  std::string cpp_namespace{};  // empty: the document's namespace ("a.b" → a::b), else "dms"
  std::string source_name{};    // named in the header's first comment
};
// A C++ header: one described struct per model and a factory `<model>_model()` returning its
// lift::dynamorm::Model<T> (keys, roles, omit_empty, indexes, naming, renames,
// initial_version(0)). Members follow the naming convention in snake_case; each type follows
// the attribute: S → std::string (rfc3339nano → a time point), N → std::int64_t (int), a time
// point (unix_seconds) or lift::dynamorm::Number, B → Binary, BOOL → bool, NULL →
// AttributeValue, M → AttributeMap, L → AttributeList, SS/NS/BS → std::set; optional attributes
// that are neither keys nor omit_empty are std::optional.
std::string generate_header(const Document& document, const CodegenOptions& options = {});

}  // namespace lift::dynamorm::dms

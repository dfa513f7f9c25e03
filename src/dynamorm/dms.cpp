#include "lift/dynamorm/dms.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <boost/json/serialize.hpp>

#include "dms_yaml.hpp"
#include "lift/core/base64.hpp"
#include "lift/core/time.hpp"
#include "lift/dynamorm/errors.hpp"

namespace lift::dynamorm::dms {

using detail::YamlNode;
namespace json = boost::json;

const Attribute* Model::attribute(std::string_view name) const {
  for (const auto& a : attributes)
    if (a.name == name) return &a;
  return nullptr;
}

std::optional<std::size_t> Model::position(std::string_view name) const {
  for (std::size_t i = 0; i < attributes.size(); ++i)
    if (attributes[i].name == name) return i;
  return std::nullopt;
}

const Model* Document::model(std::string_view name) const {
  for (const auto& m : models)
    if (m.name == name) return &m;
  return nullptr;
}

namespace {

// A document tree read into models; problems are InvalidModel errors.
class Reader : public detail::TreeReader {
 public:
  explicit Reader(std::string_view source) : TreeReader(kInvalidModel, source) {}
};

std::optional<AttributeType> parse_type(std::string_view t) {
  static constexpr std::pair<std::string_view, AttributeType> kTypes[] = {
      {"S", AttributeType::S},       {"N", AttributeType::N},   {"B", AttributeType::B},   {"BOOL", AttributeType::BOOL},
      {"NULL", AttributeType::NULL_}, {"M", AttributeType::M},   {"L", AttributeType::L},   {"SS", AttributeType::SS},
      {"NS", AttributeType::NS},     {"BS", AttributeType::BS}};
  for (const auto& [name, type] : kTypes)
    if (name == t) return type;
  return std::nullopt;
}

bool is_key_type(AttributeType t) { return t == AttributeType::S || t == AttributeType::N || t == AttributeType::B; }
char key_char(AttributeType t) { return t == AttributeType::S ? 'S' : t == AttributeType::N ? 'N' : t == AttributeType::B ? 'B' : 0; }

bool camel_case_name(std::string_view n) {
  if (n == "PK" || n == "SK") return true;
  if (n.empty() || n[0] < 'a' || n[0] > 'z') return false;
  return std::all_of(n.begin(), n.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
}

bool snake_case_name(std::string_view n) {
  if (n.empty() || n[0] < 'a' || n[0] > 'z') return false;
  bool after_underscore = false;
  for (const char c : n) {
    if (c == '_') {
      if (after_underscore) return false;
      after_underscore = true;
      continue;
    }
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
    after_underscore = false;
  }
  return !after_underscore;
}

struct KeyDef {
  std::string attribute;
  AttributeType type = AttributeType::S;
  const YamlNode* node = nullptr;
};

std::optional<KeyDef> read_key(Reader& r, const YamlNode& node, const std::string& path) {
  if (!r.expect_map(node, path, {"attribute", "type"})) return std::nullopt;
  auto attribute = r.string(node, path, "attribute", true);
  auto type_text = r.string(node, path, "type", true);
  if (!attribute || !type_text) return std::nullopt;
  const auto type = parse_type(*type_text);
  if (!type || !is_key_type(*type)) {
    r.fail(*node.find("type"), Reader::join(path, "type"), "a key type is S, N or B, got \"" + *type_text + "\"");
    return std::nullopt;
  }
  return KeyDef{std::move(*attribute), *type, &node};
}

struct IndexDef {
  std::string name;
  bool global = true;
  KeyDef partition;
  std::optional<KeyDef> sort;
  ProjectionType projection = ProjectionType::all;
  std::vector<std::string> fields;
  const YamlNode* node = nullptr;
  std::string path;
};

std::optional<Attribute> read_attribute(Reader& r, const YamlNode& node, const std::string& base_path) {
  if (!r.expect_map(node, base_path, {"attribute", "type", "required", "optional", "omit_empty", "roles", "format", "json", "binary",
                                 "encryption", "tags"}))
    return std::nullopt;
  Attribute a;
  a.line = node.line;
  auto name = r.string(node, base_path, "attribute", true);
  if (!name) return std::nullopt;
  a.name = std::move(*name);
  const std::string path = base_path + " (" + a.name + ")";
  auto type_text = r.string(node, path, "type", true);
  if (!type_text) return std::nullopt;
  const auto type = parse_type(*type_text);
  if (!type) {
    r.fail(*node.find("type"), Reader::join(path, "type"), "unknown type \"" + *type_text + "\" (S, N, B, BOOL, NULL, M, L, SS, NS, BS)");
    return std::nullopt;
  }
  a.type = *type;
  if (!r.boolean(node, path, "required", a.required) || !r.boolean(node, path, "optional", a.optional) ||
      !r.boolean(node, path, "omit_empty", a.omit_empty) || !r.boolean(node, path, "json", a.json) ||
      !r.boolean(node, path, "binary", a.binary))
    return std::nullopt;
  if (a.required && a.optional) {
    r.fail(node, path, "required and optional are exclusive");
    return std::nullopt;
  }
  if (a.json && a.type != AttributeType::S) {
    r.fail(*node.find("json"), Reader::join(path, "json"), "json requires type S");
    return std::nullopt;
  }
  if (a.binary && a.type != AttributeType::B) {
    r.fail(*node.find("binary"), Reader::join(path, "binary"), "binary requires type B");
    return std::nullopt;
  }
  if (const auto* f = node.find("format")) {
    auto text = r.string(node, path, "format", true);
    if (!text) return std::nullopt;
    if (*text == "rfc3339nano") a.format = Format::rfc3339nano;
    else if (*text == "unix_seconds") a.format = Format::unix_seconds;
    else if (*text == "int") a.format = Format::integer;
    else {
      r.fail(*f, Reader::join(path, "format"), "unknown format \"" + *text + "\" (rfc3339nano, unix_seconds, int)");
      return std::nullopt;
    }
    const AttributeType needed = a.format == Format::rfc3339nano ? AttributeType::S : AttributeType::N;
    if (a.type != needed) {
      r.fail(*f, Reader::join(path, "format"), "format " + *text + " requires type " + std::string(to_string(needed)));
      return std::nullopt;
    }
  }
  if (const auto* roles = node.find("roles")) {
    if (roles->kind != YamlNode::Kind::sequence) {
      r.fail(*roles, Reader::join(path, "roles"), "expected a list of roles");
      return std::nullopt;
    }
    for (std::size_t i = 0; i < roles->items.size(); ++i) {
      const auto& role = roles->items[i];
      const auto role_path = Reader::join(path, "roles") + "[" + std::to_string(i) + "]";
      if (role.kind != YamlNode::Kind::scalar) {
        r.fail(role, role_path, "expected a string");
        return std::nullopt;
      }
      a.roles.push_back(role.text);
    }
  }
  if (const auto* e = node.find("encryption")) {
    if (e->kind != YamlNode::Kind::map) {
      r.fail(*e, Reader::join(path, "encryption"), "expected a map");
      return std::nullopt;
    }
    a.encrypted = true;
  }
  if (const auto* t = node.find("tags"); t != nullptr && t->kind != YamlNode::Kind::map) {
    r.fail(*t, Reader::join(path, "tags"), "expected a map");
    return std::nullopt;
  }
  return a;
}

std::optional<IndexDef> read_index(Reader& r, const YamlNode& node, const std::string& path) {
  if (!r.expect_map(node, path, {"name", "type", "partition", "sort", "projection"})) return std::nullopt;
  IndexDef ix;
  ix.node = &node;
  ix.path = path;
  auto name = r.string(node, path, "name", true);
  auto type = name ? r.string(node, path, "type", true) : std::nullopt;
  if (!name || !type) return std::nullopt;
  ix.name = std::move(*name);
  if (*type == "LSI") ix.global = false;
  else if (*type != "GSI") {
    r.fail(*node.find("type"), Reader::join(path, "type"), "expected GSI or LSI, got \"" + *type + "\"");
    return std::nullopt;
  }
  const auto* partition = node.find("partition");
  if (partition == nullptr) {
    r.fail(node, Reader::join(path, "partition"), "required");
    return std::nullopt;
  }
  auto pk = read_key(r, *partition, Reader::join(path, "partition"));
  if (!pk) return std::nullopt;
  ix.partition = std::move(*pk);
  if (const auto* sort = node.find("sort")) {
    auto sk = read_key(r, *sort, Reader::join(path, "sort"));
    if (!sk) return std::nullopt;
    ix.sort = std::move(*sk);
  }
  if (const auto* projection = node.find("projection")) {
    const auto ppath = Reader::join(path, "projection");
    if (!r.expect_map(*projection, ppath, {"type", "fields"})) return std::nullopt;
    auto ptype = r.string(*projection, ppath, "type", true);
    if (!ptype) return std::nullopt;
    if (*ptype == "ALL") ix.projection = ProjectionType::all;
    else if (*ptype == "KEYS_ONLY") ix.projection = ProjectionType::keys_only;
    else if (*ptype == "INCLUDE") ix.projection = ProjectionType::include;
    else {
      r.fail(*projection->find("type"), Reader::join(ppath, "type"), "expected ALL, KEYS_ONLY or INCLUDE, got \"" + *ptype + "\"");
      return std::nullopt;
    }
    if (const auto* fields = projection->find("fields")) {
      if (ix.projection != ProjectionType::include) {
        r.fail(*fields, Reader::join(ppath, "fields"), "fields are only for INCLUDE projections");
        return std::nullopt;
      }
      if (fields->kind != YamlNode::Kind::sequence) {
        r.fail(*fields, Reader::join(ppath, "fields"), "expected a list of attribute names");
        return std::nullopt;
      }
      for (const auto& f : fields->items) {
        if (f.kind != YamlNode::Kind::scalar || f.text.empty()) {
          r.fail(f, Reader::join(ppath, "fields"), "expected attribute names");
          return std::nullopt;
        }
        ix.fields.push_back(f.text);
      }
    }
    if (ix.projection == ProjectionType::include && ix.fields.empty()) {
      r.fail(*projection, ppath, "an INCLUDE projection names its fields");
      return std::nullopt;
    }
  }
  return ix;
}

// The model's schema from its parts; every cross-reference checked.
std::optional<Model> read_model(Reader& r, const YamlNode& node, const std::string& index_path) {
  if (!r.expect_map(node, index_path, {"name", "table", "naming", "keys", "attributes", "indexes"})) return std::nullopt;
  Model m;
  m.line = node.line;
  auto name = r.string(node, index_path, "name", true);
  if (!name) return std::nullopt;
  m.name = std::move(*name);
  const std::string path = index_path + " (" + m.name + ")";

  const auto* table = node.find("table");
  if (table == nullptr) {
    r.fail(node, Reader::join(path, "table"), "required");
    return std::nullopt;
  }
  if (!r.expect_map(*table, Reader::join(path, "table"), {"name"})) return std::nullopt;
  auto table_name = r.string(*table, Reader::join(path, "table"), "name", true);
  if (!table_name) return std::nullopt;
  m.table = std::move(*table_name);

  if (const auto* naming = node.find("naming")) {
    if (!r.expect_map(*naming, Reader::join(path, "naming"), {"convention"})) return std::nullopt;
    auto convention = r.string(*naming, Reader::join(path, "naming"), "convention", true);
    if (!convention) return std::nullopt;
    if (*convention == "camelCase") m.naming = NamingConvention::camel_case;
    else if (*convention == "snake_case") m.naming = NamingConvention::snake_case;
    else {
      r.fail(*naming->find("convention"), Reader::join(path, "naming.convention"),
             "expected camelCase or snake_case, got \"" + *convention + "\"");
      return std::nullopt;
    }
  }

  const auto* keys = node.find("keys");
  if (keys == nullptr) {
    r.fail(node, Reader::join(path, "keys"), "required");
    return std::nullopt;
  }
  const auto keys_path = Reader::join(path, "keys");
  if (!r.expect_map(*keys, keys_path, {"partition", "sort"})) return std::nullopt;
  const auto* partition_node = keys->find("partition");
  if (partition_node == nullptr) {
    r.fail(*keys, Reader::join(keys_path, "partition"), "required");
    return std::nullopt;
  }
  auto partition = read_key(r, *partition_node, Reader::join(keys_path, "partition"));
  if (!partition) return std::nullopt;
  std::optional<KeyDef> sort;
  if (const auto* sort_node = keys->find("sort")) {
    sort = read_key(r, *sort_node, Reader::join(keys_path, "sort"));
    if (!sort) return std::nullopt;
  }

  const auto* attributes = node.find("attributes");
  if (attributes == nullptr || attributes->kind != YamlNode::Kind::sequence || attributes->items.empty()) {
    r.fail(attributes != nullptr ? *attributes : node, Reader::join(path, "attributes"), "required: a non-empty list");
    return std::nullopt;
  }
  std::vector<std::string> attribute_paths;
  for (std::size_t i = 0; i < attributes->items.size(); ++i) {
    const auto& a_node = attributes->items[i];
    std::string a_path = Reader::join(path, "attributes") + "[" + std::to_string(i) + "]";
    auto a = read_attribute(r, a_node, a_path);
    if (!a) return std::nullopt;
    a_path += " (" + a->name + ")";
    if (m.attribute(a->name) != nullptr) {
      r.fail(a_node, a_path, "attribute \"" + a->name + "\" is declared twice");
      return std::nullopt;
    }
    if ((m.naming == NamingConvention::camel_case && !camel_case_name(a->name)) ||
        (m.naming == NamingConvention::snake_case && !snake_case_name(a->name))) {
      r.fail(a_node, a_path, "\"" + a->name + "\" does not follow the " +
                                 (m.naming == NamingConvention::camel_case ? "camelCase" : "snake_case") + " naming convention");
      return std::nullopt;
    }
    m.attributes.push_back(std::move(*a));
    attribute_paths.push_back(std::move(a_path));
  }

  std::vector<IndexDef> indexes;
  if (const auto* list = node.find("indexes")) {
    if (list->kind != YamlNode::Kind::sequence) {
      r.fail(*list, Reader::join(path, "indexes"), "expected a list");
      return std::nullopt;
    }
    for (std::size_t i = 0; i < list->items.size(); ++i) {
      auto ix = read_index(r, list->items[i], Reader::join(path, "indexes") + "[" + std::to_string(i) + "]");
      if (!ix) return std::nullopt;
      ix->path += " (" + ix->name + ")";
      for (const auto& other : indexes)
        if (other.name == ix->name) {
          r.fail(list->items[i], ix->path, "index \"" + ix->name + "\" is declared twice");
          return std::nullopt;
        }
      indexes.push_back(std::move(*ix));
    }
  }

  // A key attribute must be declared with the key's type, and is never encrypted.
  const auto key_attribute = [&](const KeyDef& key, const std::string& key_path) -> std::optional<std::size_t> {
    const auto pos = m.position(key.attribute);
    if (!pos) {
      r.fail(*key.node, key_path, "attribute \"" + key.attribute + "\" is not among the model's attributes");
      return std::nullopt;
    }
    const auto& a = m.attributes[*pos];
    if (a.type != key.type) {
      r.fail(*key.node, key_path, "type " + std::string(to_string(key.type)) + " differs from attribute " + a.name + "'s type " +
                                      std::string(to_string(a.type)));
      return std::nullopt;
    }
    if (a.encrypted) {
      r.fail(*key.node, key_path, "encrypted attribute " + a.name + " cannot be a key");
      return std::nullopt;
    }
    return pos;
  };

  ModelSchema& s = m.schema;
  s.table = m.table;
  s.naming = Naming::exact;
  s.initial_version = 0;  // DMS: an empty version is written as 0
  for (const auto& a : m.attributes) {
    s.fields.push_back(FieldSchema{a.name, a.name, Role::none, key_char(a.type), true, a.encrypted});
    s.codecs.push_back(lift::dynamorm::detail::FieldCodec{a.name, a.omit_empty,
                                                          a.format == Format::unix_seconds ? TimeFormat::epoch_seconds : TimeFormat::rfc3339});
  }
  const auto pk = key_attribute(*partition, Reader::join(keys_path, "partition"));
  if (!pk) return std::nullopt;
  s.partition_key = *pk;
  s.fields[*pk].role = Role::partition_key;
  if (sort) {
    const auto sk = key_attribute(*sort, Reader::join(keys_path, "sort"));
    if (!sk) return std::nullopt;
    if (*sk == *pk) {
      r.fail(*sort->node, Reader::join(keys_path, "sort"), "the sort key is the partition key");
      return std::nullopt;
    }
    s.sort_key = *sk;
    s.fields[*sk].role = Role::sort_key;
  }
  for (auto& ix : indexes) {
    IndexSchema out;
    out.name = ix.name;
    out.global = ix.global;
    out.projection = ix.projection;
    out.projected = ix.fields;
    const auto ipk = key_attribute(ix.partition, Reader::join(ix.path, "partition"));
    if (!ipk) return std::nullopt;
    if (!ix.global && *ipk != *pk) {
      r.fail(*ix.partition.node, Reader::join(ix.path, "partition"), "a local index shares the table's partition key " + partition->attribute);
      return std::nullopt;
    }
    if (!ix.global && !ix.sort) {
      r.fail(*ix.node, ix.path, "a local index needs a sort key");
      return std::nullopt;
    }
    if (ix.global) out.partition_field = *ipk;
    out.partition_attribute = ix.partition.attribute;
    out.partition_type = key_char(ix.partition.type);
    if (ix.sort) {
      const auto isk = key_attribute(*ix.sort, Reader::join(ix.path, "sort"));
      if (!isk) return std::nullopt;
      out.sort_field = *isk;
      out.sort_attribute = ix.sort->attribute;
      out.sort_type = key_char(ix.sort->type);
    }
    for (const auto& f : ix.fields)
      if (!m.attribute(f)) {
        r.fail(*ix.node, Reader::join(ix.path, "projection.fields"), "\"" + f + "\" is not among the model's attributes");
        return std::nullopt;
      }
    s.indexes.push_back(std::move(out));
  }

  // Roles: each at most once, on an attribute of the type it needs, agreeing with the keys.
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < m.attributes.size(); ++i) {
    const auto& a = m.attributes[i];
    const auto& a_path = attribute_paths[i];
    for (const auto& role : a.roles) {
      const auto bad = [&](std::string why) { return r.fail(attributes->items[i], a_path + ".roles", "role " + role + ": " + why); };
      if (const auto [it, inserted] = seen.emplace(role, i); !inserted) {
        bad(it->second != i ? "already held by " + m.attributes[it->second].name : std::string("given twice"));
        return std::nullopt;
      }
      const auto needs = [&](AttributeType t) {
        if (a.type == t) return true;
        return bad("needs type " + std::string(to_string(t)));
      };
      const auto lifecycle = [&](Role r_, std::optional<std::size_t>& slot, AttributeType t) {
        if (!needs(t)) return false;
        if (s.fields[i].role != Role::none) return bad("the attribute already has a key or lifecycle role");
        if (a.encrypted) return bad("an encrypted attribute cannot hold it");
        s.fields[i].role = r_;
        slot = i;
        return true;
      };
      bool ok = true;
      if (role == "pk") {
        if (i != *pk) ok = bad("the partition key is " + partition->attribute);
      } else if (role == "sk") {
        if (!s.sort_key || i != *s.sort_key) ok = bad(sort ? "the sort key is " + sort->attribute : std::string("the model has no sort key"));
      } else if (role == "created_at") {
        ok = lifecycle(Role::created_at, s.created_at, AttributeType::S);
      } else if (role == "updated_at") {
        ok = lifecycle(Role::updated_at, s.updated_at, AttributeType::S);
      } else if (role == "version") {
        ok = lifecycle(Role::version, s.version, AttributeType::N);
      } else if (role == "ttl") {
        ok = lifecycle(Role::ttl, s.ttl, AttributeType::N);
      } else if (role.starts_with("index_pk:") || role.starts_with("index_sk:")) {
        const bool is_pk = role.starts_with("index_pk:");
        const auto index_name = std::string_view(role).substr(9);
        const IndexDef* ix = nullptr;
        for (const auto& d : indexes)
          if (d.name == index_name) ix = &d;
        if (ix == nullptr) ok = bad("no index named \"" + std::string(index_name) + "\"");
        else if (is_pk && ix->partition.attribute != a.name) ok = bad("index " + ix->name + "'s partition key is " + ix->partition.attribute);
        else if (!is_pk && (!ix->sort || ix->sort->attribute != a.name)) ok = bad("index " + ix->name + " has another sort key");
      } else {
        ok = bad("unknown role (pk, sk, created_at, updated_at, version, ttl, index_pk:<name>, index_sk:<name>)");
      }
      if (!ok) return std::nullopt;
    }
  }

  s.refresh();
  if (auto checked = s.check(); !checked) {
    r.fail(node, path, checked.error().message);
    return std::nullopt;
  }
  return m;
}

Result<Document> read_document(const YamlNode& root, std::string_view source) {
  Reader r(source);
  if (!r.expect_map(root, "", {"dms_version", "namespace", "models"})) return std::move(*r.error);
  Document doc;
  const auto* version = root.find("dms_version");
  if (version == nullptr) return detail::located(kInvalidModel, source, root.line, "dms_version", "required");
  if (version->kind != YamlNode::Kind::scalar || version->text != "0.1")
    return detail::located(kInvalidModel, source, version->line, "dms_version", "unsupported version \"" + version->text + "\" (lift reads 0.1)");
  doc.dms_version = version->text;
  if (root.find("namespace") != nullptr) {
    auto ns = r.string(root, "", "namespace", true);
    if (!ns) return std::move(*r.error);
    doc.namespace_name = std::move(*ns);
  }
  const auto* models = root.find("models");
  if (models == nullptr || models->kind != YamlNode::Kind::sequence || models->items.empty())
    return detail::located(kInvalidModel, source, models != nullptr ? models->line : root.line, "models", "required: a non-empty list");
  for (std::size_t i = 0; i < models->items.size(); ++i) {
    auto m = read_model(r, models->items[i], "models[" + std::to_string(i) + "]");
    if (!m) return std::move(*r.error);
    if (doc.model(m->name) != nullptr)
      return detail::located(kInvalidModel, source, m->line, "models[" + std::to_string(i) + "]", "model \"" + m->name + "\" is defined twice");
    doc.models.push_back(std::move(*m));
  }
  return doc;
}

Result<std::string> read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{std::string(kInvalidModel), "cannot read " + path.string(), 400};
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

Result<boost::json::value> yaml_to_json(std::string_view text, std::string_view source) {
  auto tree = detail::parse_yaml(text, source, kInvalidModel);
  if (!tree) return std::move(tree).error();
  return detail::to_json(*tree);
}

Result<Document> parse(std::string_view text, std::string_view source) {
  auto tree = detail::parse_yaml(text, source, kInvalidModel);
  if (!tree) return std::move(tree).error();
  return read_document(*tree, source);
}

Result<Document> load_file(const std::filesystem::path& path) {
  auto text = read_text(path);
  if (!text) return std::move(text).error();
  return parse(*text, path.filename().string());
}

Result<Document> load_directory(const std::filesystem::path& directory) {
  std::error_code ec;
  if (!std::filesystem::is_directory(directory, ec)) return Error{std::string(kInvalidModel), directory.string() + " is not a directory", 400};
  std::vector<std::filesystem::path> files;
  for (std::filesystem::recursive_directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec)) {
    const auto ext = it->path().extension();
    if (it->is_regular_file() && (ext == ".yml" || ext == ".yaml" || ext == ".json")) files.push_back(it->path());
  }
  if (ec) return Error{std::string(kInvalidModel), "cannot list " + directory.string() + ": " + ec.message(), 400};
  if (files.empty()) return Error{std::string(kInvalidModel), "no DMS documents (*.yml, *.yaml, *.json) in " + directory.string(), 400};
  std::sort(files.begin(), files.end());  // deterministic: the first definition wins the message
  Document all;
  for (const auto& file : files) {
    auto doc = load_file(file);
    if (!doc) return std::move(doc).error();
    if (all.dms_version.empty()) {
      all.dms_version = doc->dms_version;
      all.namespace_name = doc->namespace_name;
    }
    for (auto& m : doc->models) {
      if (all.model(m.name) != nullptr)
        return detail::located(kInvalidModel, file.filename().string(), m.line, "", "model \"" + m.name + "\" is defined in two documents");
      all.models.push_back(std::move(m));
    }
  }
  return all;
}

// ---- items ----

namespace {

Error value_error(const std::string& attribute, std::string problem) {
  return Error{std::string(kValidation), attribute + ": " + problem, 400, {ErrorDetail{attribute, std::move(problem)}}};
}

std::string_view sv(const json::string& s) { return {s.data(), s.size()}; }

Result<Number> number_of(const json::value& v) {
  if (v.is_int64()) return Number(v.get_int64());
  if (v.is_uint64()) return Number(v.get_uint64());
  if (v.is_double()) {
    auto n = lift::dynamorm::detail::number_from_double(v.get_double());
    if (!n) return Error{std::string(kValidation), "not a number DynamoDB can store", 400};
    return std::move(*n);
  }
  if (v.is_string()) {
    auto n = Number::parse(sv(v.get_string()));
    if (!n) return Error{std::string(kValidation), "\"" + std::string(sv(v.get_string())) + "\" is not a number", 400};
    return std::move(*n);
  }
  return Error{std::string(kValidation), "expected a number", 400};
}

// JSON with object keys sorted at every level and no whitespace: the deterministic text of
// DMS `json: true` attributes.
json::value sorted(const json::value& v) {
  if (v.is_object()) {
    std::vector<std::pair<std::string_view, const json::value*>> entries;
    for (const auto& e : v.get_object()) entries.emplace_back(std::string_view(e.key().data(), e.key().size()), &e.value());
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    json::object out;
    for (const auto& [k, e] : entries) out[json::string_view(k.data(), k.size())] = sorted(*e);
    return out;
  }
  if (v.is_array()) {
    json::array out;
    for (const auto& e : v.get_array()) out.push_back(sorted(e));
    return out;
  }
  return v;
}

Result<AttributeValue> untyped(const json::value& v, int depth) {
  if (depth > detail::kMaxDepth) return Error{std::string(kValidation), "nested too deeply", 400};
  switch (v.kind()) {
    case json::kind::null:
      return AttributeValue::null();
    case json::kind::bool_:
      return AttributeValue::boolean(v.get_bool());
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: {
      auto n = number_of(v);
      if (!n) return std::move(n).error();
      return AttributeValue::number(std::move(*n));
    }
    case json::kind::string:
      return AttributeValue::string(std::string(sv(v.get_string())));
    case json::kind::array: {
      AttributeList list;
      for (const auto& e : v.get_array()) {
        auto a = untyped(e, depth + 1);
        if (!a) return std::move(a).error();
        list.push_back(std::move(*a));
      }
      return AttributeValue::list(std::move(list));
    }
    case json::kind::object: {
      AttributeMap map;
      for (const auto& e : v.get_object()) {
        auto a = untyped(e.value(), depth + 1);
        if (!a) return std::move(a).error();
        map.insert_or_assign(std::string(e.key()), std::move(*a));
      }
      return AttributeValue::map(std::move(map));
    }
  }
  return AttributeValue::null();
}

bool empty_value(const AttributeValue& v) {
  switch (v.type()) {
    case AttributeType::S: return v.as_string()->empty();
    case AttributeType::N: return *v.as_number() == Number();
    case AttributeType::B: return v.as_binary()->bytes.empty();
    case AttributeType::BOOL: return !*v.as_bool();
    case AttributeType::NULL_: return true;
    case AttributeType::M: return v.as_map()->empty();
    case AttributeType::L: return v.as_list()->empty();
    case AttributeType::SS: return v.as_string_set()->empty();
    case AttributeType::NS: return v.as_number_set()->empty();
    case AttributeType::BS: return v.as_binary_set()->empty();
  }
  return false;
}

Result<std::string> base64_of(const json::value& v) {
  if (!v.is_string()) return Error{std::string(kValidation), "expected base64 text", 400};
  auto bytes = base64::decode(sv(v.get_string()));
  if (!bytes) return Error{std::string(kValidation), "not standard base64", 400};
  return std::move(*bytes);
}

Result<AttributeValue> typed(const Attribute& a, const json::value& v) {
  const auto wrong = [&](std::string_view expected) {
    return Error{std::string(kValidation), "expected " + std::string(expected) + " for type " + std::string(to_string(a.type)), 400};
  };
  if (v.is_null()) return AttributeValue::null();  // DMS: null is stored as NULL (or omitted)
  switch (a.type) {
    case AttributeType::S:
      if (a.json) return AttributeValue::string(json::serialize(sorted(v)));
      if (!v.is_string()) return wrong("a string");
      if (a.format == Format::rfc3339nano && !lift::parse_rfc3339(sv(v.get_string())))
        return Error{std::string(kValidation), "\"" + std::string(sv(v.get_string())) + "\" is not an RFC 3339 date-time", 400};
      return AttributeValue::string(std::string(sv(v.get_string())));
    case AttributeType::N: {
      if (v.is_bool()) return wrong("a number");
      auto n = number_of(v);
      if (!n) return std::move(n).error();
      if (a.format == Format::integer || a.format == Format::unix_seconds) {
        if (!n->as_integer<std::int64_t>()) return Error{std::string(kValidation), "expected an integer, got " + n->text(), 400};
      }
      return AttributeValue::number(std::move(*n));
    }
    case AttributeType::B: {
      auto bytes = base64_of(v);
      if (!bytes) return std::move(bytes).error();
      return AttributeValue::binary(std::move(*bytes));
    }
    case AttributeType::BOOL:
      if (!v.is_bool()) return wrong("true or false");
      return AttributeValue::boolean(v.get_bool());
    case AttributeType::NULL_:
      if (!(v.is_bool() && v.get_bool())) return wrong("null or true");
      return AttributeValue::null();
    case AttributeType::M:
      if (!v.is_object()) return wrong("a map");
      return untyped(v, 0);
    case AttributeType::L:
      if (!v.is_array()) return wrong("a list");
      return untyped(v, 0);
    case AttributeType::SS:
    case AttributeType::NS:
    case AttributeType::BS: {
      if (!v.is_array()) return wrong("a list");
      const auto& elements = v.get_array();
      if (elements.empty()) return AttributeValue::null();  // DynamoDB has no empty sets
      std::vector<std::string> strings;
      std::vector<Number> numbers;
      std::vector<Binary> binaries;
      for (const auto& e : elements) {
        if (a.type == AttributeType::SS) {
          if (!e.is_string()) return wrong("strings");
          strings.emplace_back(sv(e.get_string()));
        } else if (a.type == AttributeType::NS) {
          if (e.is_bool() || e.is_null()) return wrong("numbers");
          auto n = number_of(e);
          if (!n) return std::move(n).error();
          numbers.push_back(std::move(*n));
        } else {
          auto bytes = base64_of(e);
          if (!bytes) return std::move(bytes).error();
          binaries.push_back(Binary{std::move(*bytes)});
        }
      }
      const auto repeated = [](auto values) {
        std::sort(values.begin(), values.end());
        return std::adjacent_find(values.begin(), values.end()) != values.end();
      };
      if ((a.type == AttributeType::SS && repeated(strings)) || (a.type == AttributeType::NS && repeated(numbers)) ||
          (a.type == AttributeType::BS && repeated(binaries)))
        return Error{std::string(kValidation), "a set holds a member twice", 400};
      if (a.type == AttributeType::SS) return AttributeValue::string_set(std::move(strings));
      if (a.type == AttributeType::NS) return AttributeValue::number_set(std::move(numbers));
      return AttributeValue::binary_set(std::move(binaries));
    }
  }
  return wrong("a value");
}

}  // namespace

Result<std::optional<AttributeValue>> value_from_json(const Attribute& attribute, const json::value& value, bool apply_omit_empty) {
  auto v = typed(attribute, value);
  if (!v) return value_error(attribute.name, std::move(v).error().message);
  if (apply_omit_empty && attribute.omit_empty && empty_value(*v)) return std::optional<AttributeValue>();
  return std::optional<AttributeValue>(std::move(*v));
}

Result<AttributeValue> untyped_value_from_json(const json::value& value) { return untyped(value, 0); }

Result<AttributeMap> item_from_json(const Model& model, const json::object& item, bool apply_omit_empty) {
  AttributeMap out;
  for (const auto& e : item) {
    const std::string name(e.key());
    const auto* a = model.attribute(name);
    if (a == nullptr) return value_error(name, "not an attribute of model " + model.name);
    auto v = value_from_json(*a, e.value(), apply_omit_empty);
    if (!v) return std::move(v).error();
    if (*v) out.insert_or_assign(name, std::move(**v));
  }
  return out;
}

json::value value_to_json(const AttributeValue& v) {
  switch (v.type()) {
    case AttributeType::S: return json::value(json::string_view(v.as_string()->data(), v.as_string()->size()));
    case AttributeType::N: {
      const auto& n = *v.as_number();
      if (auto i = n.as_integer<std::int64_t>()) return *i;
      return n.as_double();
    }
    case AttributeType::B: return json::value(base64::encode(v.as_binary()->bytes));
    case AttributeType::BOOL: return *v.as_bool();
    case AttributeType::NULL_: return nullptr;
    case AttributeType::M: return item_to_json(*v.as_map());
    case AttributeType::L: {
      json::array out;
      for (const auto& e : *v.as_list()) out.push_back(value_to_json(e));
      return out;
    }
    case AttributeType::SS: {
      json::array out;
      for (const auto& e : *v.as_string_set()) out.emplace_back(json::string_view(e.data(), e.size()));
      return out;
    }
    case AttributeType::NS: {
      json::array out;
      for (const auto& e : *v.as_number_set()) out.push_back(value_to_json(AttributeValue::number(e)));
      return out;
    }
    case AttributeType::BS: {
      json::array out;
      for (const auto& e : *v.as_binary_set()) out.emplace_back(base64::encode(e.bytes));
      return out;
    }
  }
  return nullptr;
}

json::object item_to_json(const AttributeMap& item) {
  json::object out;
  for (const auto& [name, value] : item) out[name] = value_to_json(value);
  return out;
}

}  // namespace lift::dynamorm::dms

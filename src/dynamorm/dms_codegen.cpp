// `lift dynamorm codegen`: C++ structs and Model<T> factories from DMS models, using only the
// public Model API, so that generated code is what a person would write by hand.
#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

#include "lift/dynamorm/dms.hpp"

namespace lift::dynamorm::dms {

namespace {

constexpr std::string_view kKeywords[] = {
    "alignas",  "alignof",   "and",       "and_eq",     "asm",          "auto",      "bitand",    "bitor",       "bool",
    "break",    "case",      "catch",     "char",       "char8_t",      "char16_t",  "char32_t",  "class",       "compl",
    "concept",  "const",     "consteval", "constexpr",  "constinit",    "const_cast", "continue", "co_await",    "co_return",
    "co_yield", "decltype",  "default",   "delete",     "do",           "double",    "dynamic_cast", "else",     "enum",
    "explicit", "export",    "extern",    "false",      "float",        "for",       "friend",    "goto",        "if",
    "inline",   "int",       "long",      "mutable",    "namespace",    "new",       "noexcept",  "not",         "not_eq",
    "nullptr",  "operator",  "or",        "or_eq",      "private",      "protected", "public",    "register",    "reinterpret_cast",
    "requires", "return",    "short",     "signed",     "sizeof",       "static",    "static_assert", "static_cast", "struct",
    "switch",   "template",  "this",      "thread_local", "throw",      "true",      "try",       "typedef",     "typeid",
    "typename", "union",     "unsigned",  "using",      "virtual",      "void",      "volatile",  "wchar_t",     "while",
    "xor",      "xor_eq",    "lift",      "std",        "boost"};

// A valid C++ identifier from any text: other characters become '_', a leading digit or a
// keyword gets an underscore, a reserved `_X`/`__` form is avoided.
std::string identifier(std::string_view text) {
  std::string out;
  for (const char c : text) out += std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '_';
  while (out.find("__") != std::string::npos) out.replace(out.find("__"), 2, "_");
  while (!out.empty() && out.front() == '_') out.erase(0, 1);
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out.front())) != 0) out.insert(0, "v");
  if (std::find(std::begin(kKeywords), std::end(kKeywords), out) != std::end(kKeywords)) out += '_';
  return out;
}

// A C++ string literal (escaped, so any attribute name is safe in the generated code).
std::string literal(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u >= 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
      out += "\"\"";  // ends the hex escape before the next character
    } else {
      out += c;
    }
  }
  return out + "\"";
}

struct Member {
  std::string name;
  std::string type;
  std::string initializer = "{}";
  bool rename = false;
};

Naming naming_of(NamingConvention c) {
  return c == NamingConvention::camel_case ? Naming::camel_case : c == NamingConvention::snake_case ? Naming::snake_case : Naming::exact;
}

constexpr const char* kTime = "std::chrono::system_clock::time_point";

std::string base_type(const Attribute& a, Role role, bool table_or_partition_key) {
  switch (a.type) {
    case AttributeType::S:
      if (table_or_partition_key || a.json) return "std::string";
      if (role == Role::created_at || role == Role::updated_at || a.format == Format::rfc3339nano) return kTime;
      return "std::string";
    case AttributeType::N:
      if (role == Role::version || a.format == Format::integer) return "std::int64_t";
      if (!table_or_partition_key && (role == Role::ttl || a.format == Format::unix_seconds)) return kTime;
      return "lift::dynamorm::Number";
    case AttributeType::B: return "lift::dynamorm::Binary";
    case AttributeType::BOOL: return "bool";
    case AttributeType::NULL_: return "lift::dynamorm::AttributeValue";
    case AttributeType::M: return "lift::dynamorm::AttributeMap";
    case AttributeType::L: return "lift::dynamorm::AttributeList";
    case AttributeType::SS: return "std::set<std::string>";
    case AttributeType::NS: return "std::set<lift::dynamorm::Number>";
    case AttributeType::BS: return "std::set<lift::dynamorm::Binary>";
  }
  return "lift::dynamorm::AttributeValue";
}

void generate_model(std::ostringstream& out, const Model& m) {
  const std::string type = identifier(m.name);
  const Naming naming = naming_of(m.naming);
  const auto& s = m.schema;

  std::vector<Member> members;
  std::set<std::string> used;
  for (std::size_t i = 0; i < m.attributes.size(); ++i) {
    const auto& a = m.attributes[i];
    const Role role = s.fields[i].role;
    bool partition_of_something = role == Role::partition_key || role == Role::sort_key;
    bool index_sort = false;
    for (const auto& ix : s.indexes) {
      if (ix.partition_attribute == a.name) partition_of_something = true;
      if (ix.sort_attribute && *ix.sort_attribute == a.name) index_sort = true;
    }
    Member member;
    std::string base = naming == Naming::exact ? a.name : attribute_name(a.name, Naming::snake_case);
    if (a.name == "PK" || a.name == "SK") base = a.name == "PK" ? "pk" : "sk";
    member.name = identifier(base);
    for (int n = 2; used.contains(member.name); ++n) member.name = identifier(base) + "_" + std::to_string(n);
    used.insert(member.name);
    member.type = base_type(a, role, partition_of_something);
    const bool lifecycle = role != Role::none && role != Role::ttl;
    if (a.optional && !a.omit_empty && !partition_of_something && !index_sort && !lifecycle && a.type != AttributeType::NULL_)
      member.type = "std::optional<" + member.type + ">";
    if (member.type == "std::int64_t") member.initializer = " = 0";
    else if (member.type == "bool") member.initializer = " = false";
    member.rename = attribute_name(member.name, naming) != a.name;
    members.push_back(std::move(member));
  }

  out << "// DMS model " << m.name << " (table " << m.table << ").\n";
  out << "struct " << type << " {\n";
  for (const auto& member : members) out << "  " << member.type << " " << member.name << member.initializer << ";\n";
  out << "};\n";
  out << "BOOST_DESCRIBE_STRUCT(" << type << ", (), (";
  for (std::size_t i = 0; i < members.size(); ++i) out << (i == 0 ? "" : ", ") << members[i].name;
  out << "))\n\n";

  const auto ref = [&](std::size_t field) { return "&" + type + "::" + members[field].name; };
  const std::string factory = identifier(attribute_name(m.name, Naming::snake_case) + "_model");
  out << "// The " << m.name << " model: keys, lifecycle roles, omit_empty and indexes as the DMS document gives them.\n";
  out << "inline lift::dynamorm::Model<" << type << "> " << factory << "(std::string table = " << literal(m.table) << ") {\n";
  out << "  return lift::dynamorm::Model<" << type << ">(std::move(table))\n";
  out << "      .naming(lift::dynamorm::Naming::"
      << (naming == Naming::camel_case ? "camel_case" : naming == Naming::snake_case ? "snake_case" : "exact") << ")\n";
  for (std::size_t i = 0; i < members.size(); ++i) {
    const Role role = s.fields[i].role;
    if (members[i].rename && role != Role::partition_key && role != Role::sort_key)
      out << "      .rename(" << ref(i) << ", " << literal(m.attributes[i].name) << ")\n";
  }
  out << "      .partition_key(" << ref(*s.partition_key) << ", " << literal(m.attributes[*s.partition_key].name) << ")\n";
  if (s.sort_key) out << "      .sort_key(" << ref(*s.sort_key) << ", " << literal(m.attributes[*s.sort_key].name) << ")\n";
  if (s.created_at) out << "      .created_at(" << ref(*s.created_at) << ")\n";
  if (s.updated_at) out << "      .updated_at(" << ref(*s.updated_at) << ")\n";
  if (s.version) out << "      .version(" << ref(*s.version) << ")\n";
  if (s.ttl && members[*s.ttl].type.find(kTime) != std::string::npos) out << "      .ttl(" << ref(*s.ttl) << ")\n";
  for (std::size_t i = 0; i < members.size(); ++i) {
    const auto& a = m.attributes[i];
    if (a.omit_empty) out << "      .omit_empty(" << ref(i) << ")\n";
    if (a.encrypted) out << "      .encrypted(" << ref(i) << ")\n";
    if (s.fields[i].role != Role::ttl && a.type == AttributeType::N && members[i].type.find(kTime) != std::string::npos)
      out << "      .epoch_seconds(" << ref(i) << ")\n";
  }
  for (const auto& ix : s.indexes) {
    const char* projection = ix.projection == ProjectionType::all         ? "all"
                             : ix.projection == ProjectionType::keys_only ? "keys_only"
                                                                          : "include";
    std::string projected = "{";
    for (std::size_t i = 0; i < ix.projected.size(); ++i) projected += (i == 0 ? "" : ", ") + literal(ix.projected[i]);
    projected += "}";
    if (ix.global) {
      out << "      .global_index(" << literal(ix.name) << ", " << ref(*ix.partition_field) << ", "
          << (ix.sort_field ? ref(*ix.sort_field) : std::string("nullptr")) << ", lift::dynamorm::ProjectionType::" << projection << ", "
          << "std::vector<std::string>" << projected << ")\n";
    } else {
      out << "      .local_index(" << literal(ix.name) << ", " << ref(*ix.sort_field) << ", lift::dynamorm::ProjectionType::" << projection
          << ", std::vector<std::string>" << projected << ")\n";
    }
  }
  out << "      .initial_version(0);  // DMS writes an empty version as 0\n";
  out << "}\n\n";
}

}  // namespace

std::string generate_header(const Document& document, const CodegenOptions& options) {
  std::string ns = options.cpp_namespace;
  if (ns.empty() && !document.namespace_name.empty()) {
    std::string_view rest = document.namespace_name;
    while (!rest.empty()) {
      const auto dot = rest.find('.');
      ns += (ns.empty() ? "" : "::") + identifier(rest.substr(0, dot));
      rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
    }
  }
  if (ns.empty()) ns = "dms";
  std::ostringstream out;
  out << "#pragma once\n";
  out << "// Generated by `lift dynamorm codegen`" << (options.source_name.empty() ? "" : " from " + options.source_name)
      << " (DMS " << document.dms_version << "); regenerate rather than edit.\n\n";
  out << "#include <chrono>\n#include <cstdint>\n#include <optional>\n#include <set>\n#include <string>\n#include <utility>\n#include <vector>\n\n";
  out << "#include <boost/describe/class.hpp>\n\n#include <lift/dynamorm/model.hpp>\n\n";
  out << "namespace " << ns << " {\n\n";
  for (const auto& m : document.models) generate_model(out, m);
  out << "}  // namespace " << ns << "\n";
  return out.str();
}

}  // namespace lift::dynamorm::dms

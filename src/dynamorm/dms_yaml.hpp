#pragma once
// The YAML documents of DMS and of the contract scenarios as a small tree with line numbers,
// built from yaml-cpp's parser events (not its Node API) so that anchors, aliases and tags can
// be refused and every node keeps the line it came from. Private to lift_dynamorm_dms.

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "lift/core/result.hpp"

namespace lift::dynamorm::dms::detail {

struct YamlEntry;

struct YamlNode {
  enum class Kind : unsigned char { null, scalar, sequence, map };
  Kind kind = Kind::null;
  std::string text;    // scalar text
  bool plain = false;  // an unquoted scalar (typed by the core schema); quoted ones are strings
  int line = 0;        // 1-based
  std::vector<YamlNode> items;                             // sequence
  std::vector<YamlEntry> entries;  // map, in document order

  [[nodiscard]] const YamlNode* find(std::string_view key) const;
};

struct YamlEntry {
  std::string key;
  YamlNode value;
};

inline const YamlNode* YamlNode::find(std::string_view key) const {
  for (const auto& e : entries)
    if (e.key == key) return &e.value;
  return nullptr;
}

inline constexpr int kMaxDepth = 64;

// Parses one document. Errors: `code` (status 400) "<source>:<line>: <problem>".
Result<YamlNode> parse_yaml(std::string_view text, std::string_view source, std::string_view code);
// A node as JSON (core-schema typing of plain scalars).
boost::json::value to_json(const YamlNode& node);
// "<source>:<line>[:<column>]: <path>: <problem>" with one detail {path, problem}; a column of 0
// is left out.
Error located(std::string_view code, std::string_view source, int line, std::string path, std::string problem, int column = 0);

// What the DMS and scenario readers share: reading a tree into typed values, stopping at the
// first problem, which is kept with its line and path and reported with error code `code`.
class TreeReader {
 public:
  TreeReader(std::string_view code, std::string_view source) : code_(code), source_(source) {}

  std::optional<Error> error;

  // Records the problem (only the first is kept); false, for `return fail(...)`.
  bool fail(const YamlNode& at, std::string path, std::string problem);
  // A map whose keys are all in `allowed`.
  bool expect_map(const YamlNode& node, const std::string& path, std::initializer_list<std::string_view> allowed);
  // The non-empty scalar `key` of `map`; nothing when absent (a problem if `required`) or wrong.
  std::optional<std::string> string(const YamlNode& map, const std::string& path, std::string_view key, bool required);
  // A plain true or false.
  bool boolean(const YamlNode& node, const std::string& path, bool& out);
  // The boolean `key` of `map`, left as it is when absent.
  bool boolean(const YamlNode& map, const std::string& path, std::string_view key, bool& out);

  // "path.key", or "key" at the top.
  static std::string join(const std::string& path, std::string_view key);

  [[nodiscard]] const std::string& source() const noexcept { return source_; }

 private:
  std::string code_;
  std::string source_;
};

}  // namespace lift::dynamorm::dms::detail

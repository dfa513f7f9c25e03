// Fuzzes the DMS and contract-scenario readers: any input is either read or refused with the
// typed error (never a crash or an escaping exception); whatever reads as a DMS document gives
// valid model schemas and a header; any YAML map is typed against a fixed model.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <boost/json/value.hpp>

#include "lift/dynamorm/contract.hpp"
#include "lift/dynamorm/dms.hpp"

namespace {

namespace dms = lift::dynamorm::dms;
namespace contract = lift::dynamorm::contract;

constexpr std::string_view kModel = R"(dms_version: "0.1"
models:
  - name: "M"
    table: { name: "things" }
    keys: { partition: { attribute: "PK", type: "S" }, sort: { attribute: "SK", type: "N" } }
    attributes:
      - { attribute: "PK", type: "S", roles: ["pk"] }
      - { attribute: "SK", type: "N", roles: ["sk"] }
      - { attribute: "s", type: "S", omit_empty: true }
      - { attribute: "j", type: "S", json: true }
      - { attribute: "b", type: "B" }
      - { attribute: "ss", type: "SS" }
      - { attribute: "ns", type: "NS", omit_empty: true }
      - { attribute: "bs", type: "BS" }
      - { attribute: "m", type: "M" }
      - { attribute: "l", type: "L" }
      - { attribute: "t", type: "BOOL" }
      - { attribute: "z", type: "NULL" }
      - { attribute: "version", type: "N", roles: ["version"] }
)";

const dms::Document& fixed_document() {
  static const dms::Document document = dms::parse(kModel).value();
  return document;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  auto document = dms::parse(text, "fuzz.yml");
  if (!document) {
    if (document.error().code != dms::kInvalidModel) std::abort();
  } else {
    for (const auto& model : document->models)
      if (!model.schema.check()) std::abort();
    (void)dms::generate_header(*document);
  }

  auto scenario = contract::parse_scenario(text, fixed_document(), "fuzz.yml");
  if (!scenario && scenario.error().code != contract::kInvalidScenario) std::abort();

  auto json = dms::yaml_to_json(text);
  if (!json) {
    if (json.error().code != dms::kInvalidModel) std::abort();
  } else if (json->is_object()) {
    auto item = dms::item_from_json(fixed_document().models[0], json->get_object());
    // What was typed reads back as JSON and types again (numbers beyond a double's precision
    // may then collide in a set, so a refusal is allowed).
    if (item) (void)dms::item_from_json(fixed_document().models[0], dms::item_to_json(*item), false);
  }
  return 0;
}

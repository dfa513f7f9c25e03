#pragma once
// What kind of event arrived. One function classifies any payload by asking every source's
// descriptor (lift/events/source.hpp); the runtime dispatch, the HTTP adapters and
// `lift events inspect` all use it, so they always agree. Detectors are disjoint, so the
// answer does not depend on their order; a payload no source claims is Kind::unknown().

#include <optional>
#include <span>
#include <string_view>

#include <boost/json/fwd.hpp>

#include "lift/events/source.hpp"

namespace lift::events {

// Classifies `event`. Never throws.
[[nodiscard]] Kind detect(const boost::json::value& event) noexcept;

// Every source lift knows, by kind name, then Kind::unknown() last (for listings and tests).
[[nodiscard]] std::span<const Kind> all_kinds() noexcept;

// The kind named `name` ("sqs", "dynamodb-stream", "unknown"), or nullopt.
[[nodiscard]] std::optional<Kind> kind_from_string(std::string_view name) noexcept;
[[nodiscard]] inline std::string_view to_string(Kind kind) noexcept { return kind.name(); }

// What lift sees in an event, as `lift events inspect` prints it: {"source": KIND, the fields
// that identify it, "records": N, "summary"?: [...], "error"?: {code, message}} (the error the
// runtime would answer for a malformed event of a known kind). Never throws for valid JSON.
[[nodiscard]] boost::json::object inspect(const boost::json::value& event);

}  // namespace lift::events

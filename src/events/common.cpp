#include "lift/events/common.hpp"

#include <array>

namespace lift::events {

Error invalid_event(std::string_view field, std::string_view problem) {
  std::string message;
  message.reserve(field.size() + problem.size() + 2);
  if (!field.empty()) message.append(field).append(": ");
  message.append(problem);
  return Error{"InvalidEvent", std::move(message), 400, {ErrorDetail{std::string(field), std::string(problem)}}};
}

std::optional<ArnParts> split_arn(std::string_view arn) noexcept {
  std::array<std::string_view, 4> parts{};
  if (!arn.starts_with("arn:")) return std::nullopt;
  std::string_view rest = arn.substr(4);
  for (auto& part : parts) {
    const auto colon = rest.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    part = rest.substr(0, colon);
    rest.remove_prefix(colon + 1);
  }
  return ArnParts{parts[0], parts[1], parts[2], parts[3], rest};
}

namespace detail {

Error remap_to_invalid_event(Error error) {
  error.code = "InvalidEvent";
  error.status = 400;
  return error;
}

std::string kebab_name(std::string_view member) {
  std::string name(member);
  for (auto& c : name) {
    if (c == '_') c = '-';
  }
  return name;
}

}  // namespace detail

}  // namespace lift::events

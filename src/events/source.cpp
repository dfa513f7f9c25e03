#include "lift/events/source.hpp"

#include <chrono>
#include <cstdio>

#include "lift/core/glob.hpp"
#include "lift/core/random.hpp"
#include "lift/core/utf8.hpp"

namespace lift::events {

Error invalid_sample(std::string_view problem) { return Error{"InvalidSample", std::string(problem), 400}; }

std::string sample_trace_id() {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  char epoch[17];
  std::snprintf(epoch, sizeof epoch, "%08llx", static_cast<unsigned long long>(seconds));
  return "Root=1-" + std::string(epoch) + "-" + random_hex(24);
}

void Summary::add(std::string_view name, std::string_view text) {
  if (!text.empty()) fields[name] = text;
}

std::string_view string_member(const boost::json::value& event, std::string_view name) noexcept {
  const auto* object = event.if_object();
  if (object == nullptr) return {};
  const auto* member = object->if_contains(name);
  if (member == nullptr || !member->is_string()) return {};
  return member->get_string();
}

const boost::json::value* member_at(const boost::json::value& root, std::initializer_list<std::string_view> path) noexcept {
  const boost::json::value* at = &root;
  for (auto name : path) {
    const auto* object = at->if_object();
    if (object == nullptr) return nullptr;
    at = object->if_contains(name);
    if (at == nullptr) return nullptr;
  }
  return at;
}

std::string_view string_at(const boost::json::value& root, std::initializer_list<std::string_view> path) noexcept {
  const auto* found = member_at(root, path);
  return found != nullptr && found->is_string() ? std::string_view(found->get_string()) : std::string_view();
}

std::string_view records_event_source(const boost::json::value& event) noexcept {
  const auto* records = member_at(event, {"Records"});
  if (records == nullptr || !records->is_array() || records->get_array().empty()) return {};
  const auto& first = records->get_array().front();
  auto source = string_member(first, "eventSource");
  return source.empty() ? string_member(first, "EventSource") : source;
}

std::vector<const boost::json::value*> array_items(const boost::json::value& event, std::string_view name) {
  std::vector<const boost::json::value*> items;
  const auto* array = member_at(event, {name});
  if (array == nullptr || !array->is_array()) return items;
  items.reserve(array->get_array().size());
  for (const auto& item : array->get_array()) items.push_back(&item);
  return items;
}

boost::json::value with_array_items(const boost::json::value& event, std::string_view name, std::span<const std::size_t> indices) {
  const auto* object = event.if_object();
  if (object == nullptr) return boost::json::value(event, boost::json::storage_ptr());
  boost::json::object out;
  out.reserve(object->size());
  for (const auto& member : *object) {
    if (member.key() != name) out.emplace(member.key(), member.value());
  }
  boost::json::array picked;
  if (const auto* items = object->if_contains(name); items != nullptr && items->is_array()) {
    for (const auto i : indices) {
      if (i < items->get_array().size()) picked.push_back(items->get_array()[i]);
    }
  }
  out[name] = std::move(picked);
  return out;
}

bool name_or_arn(std::string_view pattern, std::string_view name, std::string_view arn) noexcept {
  return glob_match(pattern, pattern.starts_with("arn:") ? arn : name);
}

std::string shorten(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  // Cut at a UTF-8 character boundary.
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  std::string out(text.substr(0, cut));
  out += "...";
  return out;
}

void add_payload(boost::json::object& item, std::string_view name, std::string_view bytes) {
  if (valid_utf8(bytes)) {
    item[name] = shorten(bytes);
  } else {
    item[std::string(name) + "_bytes"] = bytes.size();
  }
}

}  // namespace lift::events

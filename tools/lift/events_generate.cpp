#include "events_generate.hpp"

#include <cctype>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/describe/members.hpp>
#include <boost/json/serialize.hpp>
#include <boost/mp11/algorithm.hpp>

#include "commands.hpp"
#include "lift/events/all_sources.hpp"

namespace lift::cli {
namespace {

template <class T>
inline constexpr bool is_optional = false;
template <class T>
inline constexpr bool is_optional<std::optional<T>> = true;

// The flag of a SampleOptions member: group_id is --group-id.
std::string flag_of(std::string_view member) {
  std::string out = "--";
  for (const char c : member) out += c == '_' ? '-' : c;
  return out;
}

// What a value of the member is called in `lift events list`: group_id is GROUP_ID.
std::string placeholder_of(std::string_view member) {
  std::string out;
  for (const char c : member) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// The help the descriptor gives the member (sample_options names every member: checked where
// the source is declared, LIFT_EVENT_SOURCE).
std::string help_of(std::span<const events::SampleOption> options, std::string_view member) {
  for (const auto& option : options) {
    if (option.name == member) return std::string(option.help);
  }
  return {};
}

// Calls f(member name, member) for each member of a source's SampleOptions.
template <class Options, class F>
void for_each_member(Options& options, F&& f) {
  boost::mp11::mp_for_each<boost::describe::describe_members<Options, boost::describe::mod_public>>(
      [&](auto member) { f(std::string_view(member.name), options.*member.pointer); });
}

// Calls f(type_identity<D>) for each source.
template <class F>
void for_each_source(F&& f) {
  boost::mp11::mp_for_each<boost::mp11::mp_transform<std::type_identity, events::AllSources>>(f);
}

template <class T>
void add_member_option(CLI::App& command, std::string_view name, std::string help, T& value) {
  const auto flag = flag_of(name);
  if constexpr (std::is_same_v<T, bool>) {
    command.add_flag(flag, value, std::move(help));
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    // Repeatable (CLI11 takes every value given); values given replace the default ones.
    auto* option = command.add_option(flag, value, std::move(help));
    if (!value.empty()) option->capture_default_str();
  } else if constexpr (is_optional<T>) {
    command.add_option(flag, value, std::move(help));
  } else {
    static_assert(std::is_same_v<T, std::string> || std::is_arithmetic_v<T>, "a SampleOptions member type the CLI cannot read");
    command.add_option(flag, value, std::move(help))->capture_default_str();
  }
}

template <class T>
std::string usage_of(std::string_view name, const T&) {
  if constexpr (std::is_same_v<T, bool>) {
    return flag_of(name);
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    return flag_of(name) + " " + placeholder_of(name) + "...";
  } else {
    return flag_of(name) + " " + placeholder_of(name);
  }
}

int print_sample(std::string_view kind, const Result<boost::json::value>& sample) {
  if (!sample) {
    std::cerr << "lift events generate " << kind << ": " << sample.error().message << '\n';
    return kExitUsage;
  }
  std::cout << boost::json::serialize(*sample) << '\n';
  return kExitOk;
}

}  // namespace

void add_sample_generators(CLI::App& generate, int& exit_code) {
  // A source's subcommand only chooses; the sample is printed once the whole command line has
  // parsed, so that nothing is printed for a line that is refused.
  auto chosen = std::make_shared<std::function<int()>>();
  auto known = std::make_shared<std::string>();
  for_each_source([&](auto source) {
    using D = typename decltype(source)::type;
    auto options = std::make_shared<typename D::SampleOptions>();
    auto* command = generate.add_subcommand(std::string(D::info.name), std::string(D::info.title));
    for_each_member(*options, [&](std::string_view name, auto& value) {
      add_member_option(*command, name, help_of(D::sample_options, name), value);
    });
    command->callback([options, chosen] { *chosen = [options] { return print_sample(D::info.name, D::sample(*options)); }; });
    if (!known->empty()) *known += ", ";
    *known += D::info.name;
  });
  // A word that names no source lands here rather than in CLI11's "A subcommand is required".
  auto unknown = std::make_shared<std::vector<std::string>>();
  generate.add_option("SOURCE", *unknown, "the event source (`lift events list` names them)");
  generate.require_subcommand(0, 1);
  generate.callback([chosen, known, unknown, &exit_code] {
    if (!unknown->empty()) {
      std::cerr << "lift events generate: " << (*chosen ? "unexpected argument '" : "no event source named '")
                << unknown->front() << "'; the sources are: " << *known << '\n';
      exit_code = kExitUsage;
    } else if (!*chosen) {
      std::cerr << "lift events generate: name an event source: " << *known << '\n';
      exit_code = kExitUsage;
    } else {
      exit_code = (*chosen)();
    }
  });
}

void print_sources(std::ostream& out) {
  for_each_source([&](auto source) {
    using D = typename decltype(source)::type;
    typename D::SampleOptions defaults;
    std::string flags;
    for_each_member(defaults, [&](std::string_view name, const auto& value) {
      if (!flags.empty()) flags += ' ';
      flags += usage_of(name, value);
    });
    out << D::info.name << '\t' << D::info.title << '\t' << flags << '\n';
  });
}

}  // namespace lift::cli

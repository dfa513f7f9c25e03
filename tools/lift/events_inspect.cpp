#include "events_inspect.hpp"

#include <fstream>
#include <iostream>
#include <iterator>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "commands.hpp"
#include "lift/events/detect.hpp"

namespace lift::cli {

int inspect_event(const std::string& source) {
  std::string text;
  if (source == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream file(source, std::ios::binary);
    if (!file) {
      std::cerr << "lift events: cannot read the event file " << source << '\n';
      return kExitUsage;
    }
    text.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  }
  boost::json::error_code error;
  const auto event = boost::json::parse(text, error);
  if (error) {
    std::cerr << "lift events: the event is not valid JSON: " << error.message() << '\n';
    return kExitUsage;
  }
  std::cout << boost::json::serialize(events::inspect(event)) << '\n';
  return kExitOk;
}

}  // namespace lift::cli

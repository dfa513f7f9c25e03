#include "lift/middleware/ip_allow_list.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <optional>
#include <utility>

#include "lift/app/errors.hpp"
#include "lift/core/json_text.hpp"
#include "lift/core/log_line.hpp"
#include "lift/middleware/source_ip.hpp"
#include "lift/resilience/errors.hpp"
#include "lift/security/secrets.hpp"

namespace lift::mw {

namespace {

constexpr std::string_view kWhat = "IP allow-list";
constexpr std::string_view kUnavailable = "IpAllowListUnavailable";
constexpr std::chrono::seconds kQuietAfterFailure{30};

// An address as 16 bytes, IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d), so that both spellings of
// an IPv4 client meet the same ranges. The bits an IPv4 address adds to a prefix: 96.
constexpr int kMappedBits = 96;

std::optional<std::array<unsigned char, 16>> parse_address(std::string_view text, bool& v4) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  char buffer[INET6_ADDRSTRLEN] = {};
  std::memcpy(buffer, text.data(), text.size());
  std::array<unsigned char, 16> out{};
  in_addr a4{};
  if (inet_pton(AF_INET, buffer, &a4) == 1) {
    out[10] = 0xff;
    out[11] = 0xff;
    std::memcpy(out.data() + 12, &a4, 4);
    v4 = true;
    return out;
  }
  in6_addr a6{};
  if (inet_pton(AF_INET6, buffer, &a6) == 1) {
    std::memcpy(out.data(), &a6, 16);
    v4 = false;
    return out;
  }
  return std::nullopt;
}

bool prefix_matches(const unsigned char* a, const unsigned char* b, int prefix) {
  const int whole = prefix / 8;
  if (std::memcmp(a, b, static_cast<std::size_t>(whole)) != 0) return false;
  const int rest = prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}

// The ranges of a list: commas or whitespace between them (an SSM StringList is comma-separated).
std::vector<std::string> split_ranges(std::string_view text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ',' || text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) ++i;
    const auto start = i;
    while (i < text.size() && text[i] != ',' && text[i] != ' ' && text[i] != '\t' && text[i] != '\n' && text[i] != '\r') ++i;
    if (i > start) out.emplace_back(text.substr(start, i - start));
  }
  return out;
}

// Every range, or a message naming each that does not parse.
Result<std::vector<IpRange>> parse_ranges(const std::vector<std::string>& texts, std::string_view field) {
  std::vector<IpRange> ranges;
  std::string bad;
  for (const auto& text : texts) {
    auto range = parse_ip_range(text);
    if (!range) {
      if (!bad.empty()) bad += "; ";
      bad += range.error().message;
      continue;
    }
    ranges.push_back(*range);
  }
  if (!bad.empty()) return resilience::invalid_configuration(kWhat, field, bad);
  return ranges;
}

void log_line(std::string_view message, std::string_view parameter, std::string_view error) {
  std::string line = R"({"level":"WARN","message":)";
  append_json_string(line, message);
  line += R"(,"parameter":)";
  append_json_string(line, parameter);
  line += R"(,"error":)";
  append_json_string(line, error);
  line += "}\n";
  write_log_line(stderr, line);
}

// The configured ranges and, with an SSM parameter, the last good ranges read from it.
class AllowList {
 public:
  AllowList(std::vector<IpRange> fixed, std::string parameter, std::shared_ptr<security::SecretsProvider> parameters)
      : fixed_(std::move(fixed)), parameter_(std::move(parameter)), parameters_(std::move(parameters)) {}

  // The parameter's ranges now (the cache fetches again when its TTL has run out).
  Result<std::shared_ptr<const std::vector<IpRange>>> dynamic_ranges(bool at_start) {
    const auto now = std::chrono::steady_clock::now();
    {
      // After a failed fetch the last good list answers for a while: an outage of SSM must not
      // make every request wait for its own failed fetch.
      std::lock_guard lock(mutex_);
      if (last_good_ && now < quiet_until_) return last_good_;
    }
    auto text = parameters_->parameter(parameter_);
    std::unique_lock lock(mutex_);
    if (!text) {
      if (!last_good_) return std::move(text).error();
      log_line("the IP allow-list parameter cannot be read; the last good list is kept", parameter_, text.error().message);
      quiet_until_ = now + kQuietAfterFailure;
      return last_good_;
    }
    if (last_good_ && (*text == last_text_ || *text == rejected_text_)) return last_good_;
    lock.unlock();
    auto parsed = parse_ranges(split_ranges(*text), "parameter " + parameter_);
    lock.lock();
    if (!parsed) {
      if (at_start || !last_good_) return std::move(parsed).error();
      // Logged once per bad value, not once per request.
      log_line("the IP allow-list parameter holds ranges that do not parse; the last good list is kept", parameter_, parsed.error().message);
      rejected_text_ = std::move(*text);
      return last_good_;
    }
    last_text_ = std::move(*text);
    last_good_ = std::make_shared<const std::vector<IpRange>>(std::move(*parsed));
    return last_good_;
  }

  Result<bool> allows(std::string_view address) {
    for (const auto& r : fixed_)
      if (ip_in_range(address, r)) return true;
    if (parameter_.empty()) return false;
    auto ranges = dynamic_ranges(false);
    if (!ranges) return Error{std::string(kUnavailable), "the IP allow-list is unavailable", 503};  // fails closed
    for (const auto& r : **ranges)
      if (ip_in_range(address, r)) return true;
    return false;
  }

  [[nodiscard]] bool has_parameter() const { return !parameter_.empty(); }

 private:
  const std::vector<IpRange> fixed_;
  const std::string parameter_;
  const std::shared_ptr<security::SecretsProvider> parameters_;
  std::mutex mutex_;
  std::string last_text_;      // the value last_good_ was read from
  std::string rejected_text_;  // the last value that did not parse
  std::shared_ptr<const std::vector<IpRange>> last_good_;
  std::chrono::steady_clock::time_point quiet_until_{};
};

}  // namespace

Result<IpRange> parse_ip_range(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return Error{"InvalidIpRange", "\"" + std::string(text) + "\": " + std::string(why), 400};
  };
  std::string_view address = text;
  std::optional<int> prefix;
  if (const auto slash = text.find('/'); slash != std::string_view::npos) {
    address = text.substr(0, slash);
    const auto digits = text.substr(slash + 1);
    int n = -1;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (digits.empty() || digits.size() > 3 || ec != std::errc{} || end != digits.data() + digits.size() || n < 0)
      return bad("the prefix length is not a number");
    prefix = n;
  }
  bool v4 = false;
  const auto parsed = parse_address(address, v4);
  if (!parsed) return bad("not an IPv4 or IPv6 address");
  const int family_bits = v4 ? 32 : 128;
  if (prefix && *prefix > family_bits) return bad("the prefix is longer than " + std::to_string(family_bits) + " bits");
  IpRange range;
  std::copy(parsed->begin(), parsed->end(), range.address);
  range.prefix = (v4 ? kMappedBits : 0) + prefix.value_or(family_bits);
  // Bits past the prefix: "10.0.0.1/8" most likely meant something else.
  IpRange network = range;
  for (int bit = range.prefix; bit < 128; ++bit) network.address[bit / 8] &= static_cast<unsigned char>(~(0x80 >> (bit % 8)));
  if (std::memcmp(network.address, range.address, 16) != 0) return bad("has bits set past its prefix length");
  return range;
}

bool ip_in_range(std::string_view address, const IpRange& range) {
  bool v4 = false;
  const auto parsed = parse_address(address, v4);
  return parsed && prefix_matches(parsed->data(), range.address, range.prefix);
}

Result<Middleware> ip_allow_list(IpAllowListOptions options) {
  std::vector<std::string> texts;
  for (const auto& c : options.cidrs) {
    auto split = split_ranges(c);
    if (split.empty()) return resilience::invalid_configuration(kWhat, "cidrs", "an empty range");
    texts.insert(texts.end(), split.begin(), split.end());
  }
  auto fixed = parse_ranges(texts, "cidrs");
  if (!fixed) return std::move(fixed).error();
  if (!options.parameter.empty() && !options.parameters)
    return resilience::invalid_configuration(kWhat, "parameters", "a SecretsProvider is required to read parameter " + options.parameter);
  if (options.parameter.empty() && fixed->empty())
    return resilience::invalid_configuration(kWhat, "cidrs", "no ranges: give cidrs or an SSM parameter (an empty list would refuse everyone)");
  auto list = std::make_shared<AllowList>(std::move(*fixed), std::move(options.parameter), std::move(options.parameters));
  if (list->has_parameter()) {
    // Read at start-up: a missing or malformed parameter is a deployment error, found now.
    if (auto first = list->dynamic_ranges(true); !first) {
      if (first.error().code == resilience::kInvalidConfiguration) return std::move(first).error();
      return resilience::invalid_configuration(kWhat, "parameter", "cannot be read: " + first.error().message);
    }
  }
  return Middleware([list](Context& ctx, const Next& next) -> Result<void> {
    const auto address = trusted_source_ip(ctx);
    if (address.empty()) return errors::forbidden("the request has no client address to check against the allow-list");
    auto allowed = list->allows(address);
    if (!allowed) return std::move(allowed).error();
    if (!*allowed) return errors::forbidden("the client address is not allowed");
    return next();
  });
}

}  // namespace lift::mw

#pragma once
// An IP allow-list: requests from addresses outside the listed ranges are refused with 403.
//
//   LIFT_TRY(allow, lift::mw::ip_allow_list({.cidrs = {"203.0.113.0/24", "2001:db8::/32"}}));
//   app.use(std::move(allow));
//
//   // Or the ranges from an SSM parameter (String or StringList: ranges separated by commas or
//   // whitespace), read through the secrets cache and fetched again when its TTL runs out:
//   auto secrets = lift::security::SecretsProvider::from_aws({.ttl = std::chrono::minutes(5)});
//   LIFT_TRY(allow, lift::mw::ip_allow_list({.parameter = "/partner/allowed-ips", .parameters = *secrets}));
//
// Ranges are CIDR blocks (IPv4 "10.0.0.0/8", IPv6 "2001:db8::/32") or single addresses. A range
// that does not parse, has bits set past its prefix ("10.0.0.1/8": a likely typo of the block
// meant) or a prefix too long for its family is an InvalidConfiguration error at start-up naming
// every bad range; so is an empty list. An SSM parameter is read once at start-up (its ranges
// checked the same way), so a function never starts without a good list. Later, a value that
// does not parse (logged once per value), or SSM out of reach once the cache's TTL has run out
// (logged, then not asked again for 30 s so that requests do not each wait for a failed fetch),
// keeps the last good list: an outage of SSM does not lock every client out, and a removed range
// stops being allowed at the first good read after the TTL. An IPv4 client matches IPv4 ranges whether
// it arrives as "192.0.2.1" or IPv4-mapped ("::ffff:192.0.2.1"), and the other way round.
//
// The client address (trusted_source_ip, lift/middleware/source_ip.hpp) comes from the event's
// request context, never from a header a client can write; a request without one is refused.
// Refusal: 403 Forbidden in the one error shape, naming no range.
//
// Thread safety: the middleware keeps its parsed ranges behind a lock (a snapshot is taken per
// request, the parse happens outside it); every worker of lift::run(app) can share it.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "lift/app/middleware.hpp"
#include "lift/core/result.hpp"

namespace lift::security {
class SecretsProvider;
}

namespace lift::mw {

struct IpAllowListOptions {
  std::vector<std::string> cidrs{};  // ranges given in configuration
  std::string parameter{};           // an SSM parameter holding more ranges (optional)
  std::shared_ptr<security::SecretsProvider> parameters{};  // its cache: required with `parameter`
};

Result<Middleware> ip_allow_list(IpAllowListOptions options);

// One CIDR block, for tests and tools: the address as 16 bytes (IPv4 as IPv4-mapped IPv6) and
// the prefix length over those 128 bits.
struct IpRange {
  unsigned char address[16]{};
  int prefix = 0;
};
// "a.b.c.d[/n]" or an IPv6 address with an optional "/n"; an error message when it is not one.
Result<IpRange> parse_ip_range(std::string_view text);
// Whether `address` (an IPv4 or IPv6 address as text) is inside `range`; false when it does not parse.
bool ip_in_range(std::string_view address, const IpRange& range);

}  // namespace lift::mw

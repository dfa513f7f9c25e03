#include "lift/security/audit.hpp"

#include <cstdio>
#include <ctime>

#include <boost/json/serialize.hpp>

namespace lift::security {

namespace json = boost::json;

std::string_view to_string(AuditOutcome outcome) noexcept {
  switch (outcome) {
    case AuditOutcome::success: return "success";
    case AuditOutcome::denied: return "denied";
    case AuditOutcome::failure: return "failure";
  }
  return "failure";
}

namespace {

// RFC 3339 in UTC with milliseconds: 2026-01-01T00:00:00.000Z
std::string rfc3339(std::chrono::system_clock::time_point time) {
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
  auto seconds = static_cast<std::time_t>(millis / 1000);
  auto fraction = static_cast<int>(millis % 1000);
  if (fraction < 0) {
    fraction += 1000;
    --seconds;
  }
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, fraction);
  return buffer;
}

void put(json::object& out, std::string_view key, std::string_view value) {
  if (!value.empty()) out[key] = value;
}

}  // namespace

std::string audit_line(const AuditRecord& record, const Masker& masker, std::chrono::system_clock::time_point now) {
  json::object out;
  out["type"] = "audit";
  out["time"] = rfc3339(record.time.value_or(now));
  put(out, "actor", record.actor);
  put(out, "tenant", record.tenant);
  put(out, "action", record.action);
  put(out, "resource", record.resource);
  out["outcome"] = to_string(record.outcome);
  put(out, "reason", masker.mask_text(record.reason));
  put(out, "request_id", record.request_id);
  put(out, "source_ip", record.source_ip);
  if (!record.details.empty()) out["details"] = masker.mask(record.details);
  return json::serialize(out);
}

AuditLog::AuditLog(AuditSink sink, Masker masker, std::function<std::chrono::system_clock::time_point()> clock)
    : sink_(std::move(sink)), masker_(std::move(masker)), clock_(std::move(clock)) {
  if (!sink_) {
    sink_ = [](std::string_view line) {
      std::string whole(line);
      whole += '\n';
      std::fwrite(whole.data(), 1, whole.size(), stdout);
      std::fflush(stdout);
    };
  }
}

void AuditLog::write(const AuditRecord& record) const {
  sink_(audit_line(record, masker_, clock_ ? clock_() : std::chrono::system_clock::now()));
}

}  // namespace lift::security

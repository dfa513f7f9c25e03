#include "lift/security/audit.hpp"

#include <boost/json/serialize.hpp>

#include "lift/core/time.hpp"

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

void put(json::object& out, std::string_view key, std::string_view value) {
  if (!value.empty()) out[key] = value;
}

}  // namespace

std::string audit_line(const AuditRecord& record, const Masker& masker, std::chrono::system_clock::time_point now) {
  json::object out;
  out["type"] = "audit";
  out["time"] = lift::rfc3339(record.time.value_or(now));
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

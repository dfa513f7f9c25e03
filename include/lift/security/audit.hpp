#pragma once
// Audit records: who did what to which resource, with what outcome, written as one JSON line
// to a pluggable sink (stdout by default, where Lambda sends it to CloudWatch Logs).
//
//   lift::security::AuditLog audit;
//   audit.write({.actor = who.subject, .tenant = who.tenant.value_or(""), .action = "todo.delete",
//                .resource = "todo/42", .outcome = lift::security::AuditOutcome::success,
//                .request_id = ctx.request_id()});

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "lift/security/masking.hpp"

namespace lift::security {

enum class AuditOutcome { success, denied, failure };
std::string_view to_string(AuditOutcome outcome) noexcept;  // "success", "denied", "failure"

struct AuditRecord {
  std::string actor{};      // subject or API key id
  std::string tenant{};
  std::string action{};     // "todo.delete"
  std::string resource{};   // "todo/42"
  AuditOutcome outcome = AuditOutcome::success;
  std::string reason{};     // why it was denied or failed
  std::string request_id{};
  std::string source_ip{};
  std::optional<std::chrono::system_clock::time_point> time{};  // unset: the log's clock
  boost::json::object details{};  // masked before writing
};

// Receives one complete line (without the newline).
using AuditSink = std::function<void(std::string_view line)>;

// {"type":"audit","time":"2026-01-01T00:00:00.000Z","actor",...}; empty members are left out.
std::string audit_line(const AuditRecord& record, const Masker& masker,
                       std::chrono::system_clock::time_point now);

// Thread safety: one AuditLog may be shared by every worker of lift::run(app); records are
// formatted independently and the default sink writes each line whole. A custom sink is called
// from several threads at once and must be thread-safe itself.
class AuditLog {
 public:
  // `sink` null: a line on stdout (one fwrite, which stdio serialises, then a flush).
  explicit AuditLog(AuditSink sink = {}, Masker masker = Masker{},
                    std::function<std::chrono::system_clock::time_point()> clock = {});
  void write(const AuditRecord& record) const;

 private:
  AuditSink sink_;
  Masker masker_;
  std::function<std::chrono::system_clock::time_point()> clock_;
};

}  // namespace lift::security

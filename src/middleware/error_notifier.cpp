#include "lift/middleware/error_notifier.hpp"

#include <algorithm>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "lift/app/context.hpp"
#include "lift/core/env.hpp"
#include "lift/core/json_text.hpp"
#include "lift/core/log_line.hpp"

namespace lift::mw {
namespace {

using Clock = std::chrono::steady_clock;

Error config_error(std::string message) { return Error{"Config", std::move(message), 500}; }

// What one failed request reports.
struct Failure {
  std::string route;
  std::string method;
  std::string error_code;
  int status = 500;
  std::string request_id;
  std::string trace_id;
};

// The de-duplicating window: per route and error code, when the current window began and how
// many errors it has swallowed.
class Windows {
 public:
  Windows(std::chrono::seconds window, std::size_t max_tracked) : window_(window), max_tracked_(max_tracked) {}

  // nullopt: suppressed (counted); else send, carrying the count suppressed since the last message.
  std::optional<std::size_t> admit(const std::string& key, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    auto found = windows_.find(key);
    if (found != windows_.end() && now - found->second.began < window_) {
      ++found->second.suppressed;
      return std::nullopt;
    }
    std::size_t carried = 0;
    if (found != windows_.end()) {
      carried = found->second.suppressed;
      found->second = Window{now, 0};
      return carried;
    }
    if (windows_.size() >= max_tracked_) forget_oldest(now);
    windows_.emplace(key, Window{now, 0});
    return carried;
  }

 private:
  struct Window {
    Clock::time_point began;
    std::size_t suppressed = 0;
  };

  // Expired windows first; when none has, the oldest one (its suppressed count is lost).
  void forget_oldest(Clock::time_point now) {
    std::erase_if(windows_, [&](const auto& entry) { return now - entry.second.began >= window_ && entry.second.suppressed == 0; });
    if (windows_.size() < max_tracked_) return;
    const auto oldest = std::min_element(windows_.begin(), windows_.end(),
                                         [](const auto& a, const auto& b) { return a.second.began < b.second.began; });
    windows_.erase(oldest);
  }

  std::chrono::seconds window_;
  std::size_t max_tracked_;
  std::mutex mutex_;
  std::unordered_map<std::string, Window> windows_;
};

// "arn:aws:sns:us-east-1:123456789012:alerts" -> "us-east-1"; empty when it is not an SNS topic ARN.
std::string topic_region(std::string_view arn) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const auto colon = arn.find(':', start);
    parts.push_back(arn.substr(start, colon - start));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  if (parts.size() != 6 || parts[0] != "arn" || parts[2] != "sns" || parts[3].empty() || parts[4].empty() || parts[5].empty()) return {};
  return std::string(parts[3]);
}

// Subjects are printable ASCII, at most 100 characters.
std::string subject_of(std::string_view function, std::string_view code) {
  std::string subject = "lift error: " + std::string(function.empty() ? "function" : function) + " " + std::string(code);
  for (char& c : subject)
    if (c < 0x20 || c > 0x7e) c = '?';
  if (subject.size() > 100) subject.resize(100);
  return subject;
}

// ,"key":"value" (JSON-escaped, malformed UTF-8 replaced).
void append_field(std::string& out, std::string_view key, std::string_view value) {
  out += ",\"";
  out += key;
  out += "\":";
  append_json_string(out, value, InvalidUtf8::replace);
}

struct Notifier {
  std::string topic_arn;
  std::chrono::seconds window;
  std::chrono::milliseconds timeout;
  std::shared_ptr<aws::SnsClient> sns;
  std::string function_name;
  std::FILE* log;
  std::unique_ptr<Windows> windows;

  void notify(const Failure& failure, Clock::duration time_left) {
    const auto admitted = windows->admit(failure.route + '\n' + failure.error_code, Clock::now());
    if (!admitted) return;
    std::string message = R"({"source":"lift.error_notifier","function":)";
    append_json_string(message, function_name, InvalidUtf8::replace);
    append_field(message, "route", failure.route);
    append_field(message, "method", failure.method);
    append_field(message, "error_code", failure.error_code);
    message += ",\"status\":" + std::to_string(failure.status);
    append_field(message, "request_id", failure.request_id);
    append_field(message, "trace_id", failure.trace_id);
    message += ",\"suppressed\":" + std::to_string(*admitted);
    message += ",\"window_seconds\":" + std::to_string(window.count()) + "}";

    aws::PublishRequest request{.topic_arn = topic_arn, .message = std::move(message), .subject = subject_of(function_name, failure.error_code)};
    if (!failure.error_code.empty()) request.attributes["error_code"] = aws::MessageAttribute::string(failure.error_code);
    if (!function_name.empty()) request.attributes["function"] = aws::MessageAttribute::string(function_name);
    // Never longer than the timeout, and never past what is left of the invocation.
    const auto budget = std::min<Clock::duration>(timeout, std::max<Clock::duration>(time_left / 2, Clock::duration::zero()));
    auto published = sns->publish(request, Clock::now() + budget);
    if (published) return;
    std::string line = R"({"level":"WARN","message":"error notification not published","source":"lift.error_notifier")";
    append_field(line, "topic_arn", topic_arn);
    append_field(line, "error_type", published.error().code);
    append_field(line, "error", published.error().message);
    append_field(line, "request_id", failure.request_id);
    line += "}\n";
    write_log_line(log, line);
  }
};

}  // namespace

Result<Middleware> error_notifier(ErrorNotifierOptions options) {
  if (options.topic_arn.empty()) return config_error("the error notifier needs an SNS topic ARN");
  const std::string region = topic_region(options.topic_arn);
  if (region.empty())
    return config_error("the error notifier's topic '" + options.topic_arn + "' is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)");
  if (options.window.count() <= 0) return config_error("the error notifier's window must be positive");
  if (options.publish_timeout.count() <= 0) return config_error("the error notifier's publish timeout must be positive");
  if (options.max_tracked == 0) return config_error("the error notifier must track at least one route and code");
  if (!options.sns) {
    aws::RetryPolicy single;
    single.max_attempts = 1;  // a retry would not fit in the timeout; the next window tries again
    auto client = aws::SnsClient::create({.region = region, .retry = single});
    if (!client) return std::move(client).error();
    options.sns = std::make_shared<aws::SnsClient>(std::move(*client));
  }
  auto notifier = std::make_shared<Notifier>(Notifier{
      std::move(options.topic_arn), options.window, options.publish_timeout, std::move(options.sns),
      options.function_name.empty() ? env_or("AWS_LAMBDA_FUNCTION_NAME", "") : std::move(options.function_name),
      options.log != nullptr ? options.log : stderr, std::make_unique<Windows>(options.window, options.max_tracked)});

  return [notifier](Context& ctx, const Next& next) -> Result<void> {
    const auto failure_of = [&](std::string code, int status) {
      return Failure{std::string(ctx.route()), std::string(ctx.method()), std::move(code), status, std::string(ctx.request_id()),
                     ctx.has_invocation() ? ctx.invocation().trace_id : std::string()};
    };
    const auto time_left = [&]() -> Clock::duration { return ctx.remaining_time(); };
    // An exception going further out (no recover inside) is reported, then goes on its way.
    auto result = [&]() -> Result<void> {
      try {
        return next();
      } catch (...) {
        notifier->notify(failure_of("UnhandledException", 500), time_left());
        throw;
      }
    }();
    if (!result) {
      if (result.error().status >= 500) notifier->notify(failure_of(result.error().code, result.error().status), time_left());
    } else if (ctx.response().status >= 500) {
      notifier->notify(failure_of("Http" + std::to_string(ctx.response().status), ctx.response().status), time_left());
    }
    return result;
  };
}

}  // namespace lift::mw

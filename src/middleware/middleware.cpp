#include "lift/middleware/middleware.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>

#include "lift/app/errors.hpp"
#include "lift/core/compression.hpp"
#include "lift/core/deadline.hpp"
#include "lift/core/json_text.hpp"
#include "lift/core/log_line.hpp"
#include "lift/core/uuid.hpp"
#include "lift/http/fields.hpp"
#include "lift/resilience/errors.hpp"

namespace lift::mw {

namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

bool sane_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) { return c > 0x20 && c < 0x7F && c != '"' && c != '\\'; });
}

// `,"key":"value"` for a log line; the value escaped whatever bytes it holds.
void add_text(std::string& line, std::string_view key, std::string_view value) {
  line += ",\"";
  line += key;
  line += "\":";
  append_json_string(line, value, InvalidUtf8::replace);
}

bool is_text(std::string_view content_type) {
  return content_type.starts_with("text/") || content_type.find("json") != std::string_view::npos ||
         content_type.find("xml") != std::string_view::npos || content_type.find("javascript") != std::string_view::npos;
}

}  // namespace

Middleware recover() {
  return [](Context& ctx, const Next& next) -> Result<void> {
    try {
      return next();
    } catch (const std::exception& e) {
      std::string line = R"({"level":"ERROR","message":"unhandled exception")";
      add_text(line, "error_type", typeid(e).name());
      add_text(line, "error", e.what());
      add_text(line, "request_id", ctx.request_id());
      add_text(line, "route", ctx.route());
      line += "}\n";
      write_log_line(stderr, line);
    } catch (...) {
      write_log_line(stderr, "{\"level\":\"ERROR\",\"message\":\"unhandled exception\",\"error_type\":\"unknown\"}\n");
    }
    return errors::internal();
  };
}

Middleware request_id(std::string header) {
  return [header = std::move(header)](Context& ctx, const Next& next) -> Result<void> {
    if (auto given = ctx.header(header); given && sane_id(*given)) {
      ctx.set_request_id(*given);
    } else if (ctx.request_id().empty()) {
      ctx.set_request_id(uuid());
    }  // else ctx.request_id() is already the Lambda (or API Gateway) one
    // A streamed answer's headers leave with its first piece, before next() returns.
    if (ctx.streaming()) ctx.set_header(header, ctx.request_id());
    auto result = next();
    ctx.set_header(header, ctx.request_id());
    return result;
  };
}

Middleware access_log(std::FILE* out) {
  return [out](Context& ctx, const Next& next) -> Result<void> {
    const auto began = std::chrono::steady_clock::now();
    auto result = next();
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - began);
    const int status = result ? ctx.response().status : result.error().status;
    std::string line;
    line.reserve(256);
    line += R"({"level":")";
    line += status >= 500 ? "ERROR" : (status >= 400 ? "WARN" : "INFO");
    line += R"(","message":"request")";
    add_text(line, "method", ctx.method());
    add_text(line, "path", ctx.path());
    add_text(line, "route", ctx.route());
    line += ",\"status\":";
    line += std::to_string(status);
    line += ",\"duration_ms\":";
    append_json_number(line, static_cast<double>(elapsed.count()) / 1000.0);  // microseconds: 3 decimals at most
    add_text(line, "request_id", ctx.request_id());
    if (!ctx.request().source_ip.empty()) add_text(line, "source_ip", ctx.request().source_ip);
    if (auto agent = ctx.header("user-agent")) add_text(line, "user_agent", *agent);
    if (!result) add_text(line, "error_code", result.error().code);
    line += "}\n";
    write_log_line(out, line);
    return result;
  };
}

Middleware cors(CorsOptions options) {
  const bool any_origin = std::find(options.allow_origins.begin(), options.allow_origins.end(), "*") != options.allow_origins.end();
  // Joined before `options` is moved into the closure (init-captures run in order).
  std::string methods = join(options.allow_methods);
  std::string headers = join(options.allow_headers);
  std::string expose = join(options.expose_headers);
  return [options = std::move(options), any_origin, methods = std::move(methods), headers = std::move(headers),
          expose = std::move(expose)](Context& ctx, const Next& next) -> Result<void> {
    auto origin = ctx.header("origin");
    if (!origin) return next();
    const bool allowed = any_origin || std::find(options.allow_origins.begin(), options.allow_origins.end(), *origin) != options.allow_origins.end();
    const std::string allow_origin = any_origin && !options.allow_credentials ? std::string("*") : std::string(*origin);

    if (ctx.method() == "OPTIONS" && ctx.header("access-control-request-method")) {
      http::Response preflight = http::Response::empty(allowed ? 204 : 403);
      if (allowed) {
        preflight.headers.add("access-control-allow-origin", allow_origin);
        preflight.headers.add("access-control-allow-methods", methods);
        // Echoing the requested headers would allow anything; only the configured ones pass.
        preflight.headers.add("access-control-allow-headers", headers);
        preflight.headers.add("access-control-max-age", std::to_string(options.max_age.count()));
        if (options.allow_credentials) preflight.headers.add("access-control-allow-credentials", "true");
      }
      preflight.headers.add("vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
      ctx.respond(std::move(preflight));
      return {};
    }

    const auto add_headers = [&] {
      auto& r = ctx.response().headers;
      r.set("access-control-allow-origin", allow_origin);
      if (options.allow_credentials) r.set("access-control-allow-credentials", "true");
      if (!expose.empty()) r.set("access-control-expose-headers", expose);
      // Added to, never replaced: the handler or other middleware may vary the answer on more.
      if (allow_origin != "*") http::add_token(r, "vary", "Origin");
    };
    // A streamed answer's headers leave with its first piece, before next() returns.
    if (allowed && ctx.streaming()) add_headers();
    auto result = next();
    if (allowed) add_headers();
    return result;
  };
}

Middleware body_limit(std::size_t max_bytes) {
  return [max_bytes](Context& ctx, const Next& next) -> Result<void> {
    if (ctx.body().size() > max_bytes) {
      const auto bytes = [](std::size_t n) { return std::to_string(n) + (n == 1 ? " byte" : " bytes"); };
      return errors::payload_too_large("the body is " + bytes(ctx.body().size()) + "; the limit is " + bytes(max_bytes));
    }
    return next();
  };
}

Middleware deadline(std::chrono::milliseconds margin) {
  return [margin](Context& ctx, const Next& next) -> Result<void> {
    if (ctx.remaining_time() <= margin) return errors::timeout("not enough time left to handle the request");
    auto result = next();
    if (result && ctx.has_invocation() && ctx.invocation().expired()) return errors::timeout();
    return result;
  };
}

Result<Middleware> deadline(DeadlineOptions options) {
  const auto invalid = [](std::string field, std::string message) {
    return resilience::invalid_configuration("lift::mw::deadline", field, std::move(message));
  };
  if (options.margin.count() < 0) return invalid("margin", "must not be negative");
  for (const auto& [route, budget] : options.routes) {
    const auto slash = route.find('/');
    if (slash == std::string::npos || (slash > 0 && (slash < 2 || route[slash - 1] != ' ')))
      return invalid("routes", "\"" + route + "\" is not \"METHOD /pattern\" or \"/pattern\"");
    if (budget.count() <= 0) return invalid("routes", "the budget of \"" + route + "\" must be over zero");
  }
  for (const auto& [tenant, budget] : options.tenants) {
    if (budget.count() <= 0) return invalid("tenants", "the budget of tenant \"" + tenant + "\" must be over zero");
  }
  return Middleware([options = std::move(options)](Context& ctx, const Next& next) -> Result<void> {
    if (ctx.remaining_time() <= options.margin) return errors::timeout("not enough time left to handle the request");
    const auto budget = [&]() -> std::optional<std::chrono::milliseconds> {
      if (!options.tenants.empty()) {
        std::string_view tenant;
        if (options.tenant) {
          if (auto found = options.tenant(ctx)) tenant = *found;
        } else if (ctx.has_invocation()) {
          tenant = ctx.invocation().tenant_id;
        }
        if (const auto found = options.tenants.find(tenant); !tenant.empty() && found != options.tenants.end()) return found->second;
      }
      if (options.routes.empty() || ctx.route().empty()) return std::nullopt;
      std::string key(ctx.method());
      key += ' ';
      key += ctx.route();
      if (const auto found = options.routes.find(key); found != options.routes.end()) return found->second;
      if (const auto found = options.routes.find(ctx.route()); found != options.routes.end()) return found->second;
      return std::nullopt;
    }();
    if (!budget) {
      auto result = next();
      if (result && ctx.has_invocation() && ctx.invocation().expired()) return errors::timeout();
      return result;
    }
    const auto started = std::chrono::steady_clock::now();
    auto own = started + *budget;
    if (const auto outer = InvocationDeadline::current(); outer && *outer < own) own = *outer;
    Result<void> result;
    {
      const InvocationDeadline scope(own);
      result = next();
    }
    if (!result) return result;
    if (std::chrono::steady_clock::now() - started > *budget)
      return errors::timeout("the request took longer than its budget of " + std::to_string(budget->count()) + " ms");
    if (ctx.has_invocation() && ctx.invocation().expired()) return errors::timeout();
    return result;
  });
}

Middleware security_headers() {
  struct Field {
    std::string_view name;
    std::string_view value;
  };
  // The last one only on errors.
  static constexpr Field kFields[] = {
      {"strict-transport-security", "max-age=63072000; includeSubDomains"},
      {"x-content-type-options", "nosniff"},
      {"x-frame-options", "DENY"},
      {"referrer-policy", "no-referrer"},
      {"content-security-policy", "default-src 'none'; frame-ancestors 'none'"},
      {"cache-control", "no-store"},
  };
  return [](Context& ctx, const Next& next) -> Result<void> {
    if (ctx.streaming()) {
      // A streamed answer's headers leave with its first piece, before next() returns.
      auto& h = ctx.response().headers;
      for (std::size_t i = 0; i + 1 < std::size(kFields); ++i) {
        if (!h.contains(kFields[i].name)) h.add(kFields[i].name, kFields[i].value);
      }
    }
    auto result = next();
    auto& h = ctx.response().headers;
    const std::size_t wanted = !result || ctx.response().status >= 400 ? std::size(kFields) : std::size(kFields) - 1;
    // One allocation for these and the couple more outer middleware usually add.
    h.reserve(h.size() + wanted + 2);
    for (std::size_t i = 0; i < wanted; ++i) {
      if (!h.contains(kFields[i].name)) h.add(kFields[i].name, kFields[i].value);
    }
    return result;
  };
}

Middleware compression(std::size_t min_bytes) {
  return [min_bytes](Context& ctx, const Next& next) -> Result<void> {
    auto result = next();
    // A streamed body is never held whole: it goes as it is written.
    if (!result || ctx.streaming()) return result;
    auto& response = ctx.response();
    // q=0 is not looked at: clients that refuse gzip do not list it.
    auto accept = ctx.header("accept-encoding");
    if (!accept || !http::lists_token(*accept, "gzip") || response.binary || response.body.size() < min_bytes ||
        response.headers.contains("content-encoding") || !is_text(response.headers.value_or("content-type", "")))
      return result;
    auto compressed = compression::deflate(response.body, compression::Framing::gzip);
    if (!compressed || compressed->size() >= response.body.size()) return result;
    response.body = std::move(*compressed);
    response.binary = true;
    response.headers.set("content-encoding", "gzip");
    http::add_token(response.headers, "vary", "Accept-Encoding");
    return result;
  };
}

}  // namespace lift::mw

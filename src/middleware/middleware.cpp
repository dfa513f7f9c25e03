#include "lift/middleware/middleware.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>

#include <boost/json/serialize.hpp>
#include <boost/json/object.hpp>

#include "lift/app/errors.hpp"
#include "lift/core/compression.hpp"
#include "lift/core/uuid.hpp"

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

// Whether a comma-separated header value lists `token` (case-insensitive, ignoring q=0 is
// not needed for gzip: clients that refuse it do not send it).
bool lists_token(std::string_view value, std::string_view token) {
  std::size_t start = 0;
  while (start <= value.size()) {
    auto end = value.find(',', start);
    if (end == std::string_view::npos) end = value.size();
    auto item = value.substr(start, end - start);
    if (auto semi = item.find(';'); semi != std::string_view::npos) item = item.substr(0, semi);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (http::iequals(item, token)) return true;
    start = end + 1;
  }
  return false;
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
      boost::json::object line{{"level", "ERROR"},
                               {"message", "unhandled exception"},
                               {"error_type", typeid(e).name()},
                               {"error", e.what()},
                               {"request_id", ctx.request_id()},
                               {"route", ctx.route()}};
      std::string text = boost::json::serialize(line);
      text += '\n';
      std::fwrite(text.data(), 1, text.size(), stderr);
    } catch (...) {
      std::string text = "{\"level\":\"ERROR\",\"message\":\"unhandled exception\",\"error_type\":\"unknown\"}\n";
      std::fwrite(text.data(), 1, text.size(), stderr);
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
    auto result = next();
    ctx.set_header(header, ctx.request_id());
    return result;
  };
}

Middleware access_log(std::FILE* out) {
  return [out](Context& ctx, const Next& next) -> Result<void> {
    const auto began = std::chrono::steady_clock::now();
    auto result = next();
    const auto elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began).count();
    const int status = result ? ctx.response().status : result.error().status;
    boost::json::object line;
    line.reserve(10);
    line.emplace("level", status >= 500 ? "ERROR" : (status >= 400 ? "WARN" : "INFO"));
    line.emplace("message", "request");
    line.emplace("method", ctx.method());
    line.emplace("path", ctx.path());
    line.emplace("route", ctx.route());
    line.emplace("status", status);
    line.emplace("duration_ms", static_cast<double>(static_cast<long long>(elapsed * 1000)) / 1000.0);
    line.emplace("request_id", ctx.request_id());
    if (!ctx.request().source_ip.empty()) line.emplace("source_ip", ctx.request().source_ip);
    if (auto agent = ctx.header("user-agent")) line.emplace("user_agent", *agent);
    if (!result) line.emplace("error_code", result.error().code);
    std::string text = boost::json::serialize(line);
    text += '\n';
    std::fwrite(text.data(), 1, text.size(), out);  // one write per line
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

    auto result = next();
    if (allowed) {
      auto& r = ctx.response().headers;
      r.set("access-control-allow-origin", allow_origin);
      if (options.allow_credentials) r.set("access-control-allow-credentials", "true");
      if (!expose.empty()) r.set("access-control-expose-headers", expose);
      if (allow_origin != "*") r.set("vary", "Origin");
    }
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
    if (!result) return result;
    auto& response = ctx.response();
    auto accept = ctx.header("accept-encoding");
    if (!accept || !lists_token(*accept, "gzip") || response.binary || response.body.size() < min_bytes ||
        response.headers.contains("content-encoding") || !is_text(response.headers.value_or("content-type", "")))
      return result;
    auto compressed = compression::deflate(response.body, compression::Framing::gzip);
    if (!compressed || compressed->size() >= response.body.size()) return result;
    response.body = std::move(*compressed);
    response.binary = true;
    response.headers.set("content-encoding", "gzip");
    response.headers.set("vary", "Accept-Encoding");
    return result;
  };
}

}  // namespace lift::mw

// `lift aws sign`: SigV4-signs a raw HTTP request and shows every step, for debugging
// signatures against AWS's own examples or a service that refuses a request.
// `lift aws curl`: signs a request addressed by URL and sends it with the framework's own
// HTTP client, or with --dry-run shows what would be signed.

#include <chrono>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <sstream>

#include "commands.hpp"
#include "lift/aws/credentials.hpp"
#include "lift/aws/http_client.hpp"
#include "lift/aws/sigv4.hpp"

namespace lift::cli {
namespace {

struct SignOptions {
  std::string request_file = "-";
  std::string access_key;
  std::string secret_key;
  std::string token;
  std::string region;
  std::string service;
  std::string date;  // YYYYMMDDTHHMMSSZ
  bool query = false;
  bool no_normalize = false;
  bool sign_body = false;
  bool unsigned_payload = false;
  bool omit_session_token = false;
  long long expires = 3600;
  bool dry_run = false;
};

std::optional<std::chrono::system_clock::time_point> parse_amz_date(const std::string& text) {
  std::tm tm{};
  std::istringstream in(text);
  in >> std::get_time(&tm, "%Y%m%dT%H%M%SZ");
  if (in.fail() || text.size() != 16) return std::nullopt;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

int run_sign(SignOptions options) {
  std::string raw;
  if (options.request_file == "-") {
    raw.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream file(options.request_file, std::ios::binary);
    if (!file) {
      std::cerr << "lift aws sign: cannot read " << options.request_file << '\n';
      return kExitUsage;
    }
    raw.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  }
  auto request = aws::parse_http_request(raw);
  if (!request) {
    std::cerr << "lift aws sign: " << request.error().message << '\n';
    return kExitUsage;
  }

  // Flags first, then the credential chain and region the AWS SDKs use.
  aws::SigningParams params;
  if (!options.access_key.empty() || !options.secret_key.empty()) {
    params.credentials = {options.access_key, options.secret_key, options.token};
  } else {
    auto found = aws::CredentialsChain::standard().get();
    if (!found) {
      std::cerr << "lift aws sign: " << found.error().message << '\n';
      return kExitUsage;
    }
    params.credentials = std::move(*found);
  }
  params.region = options.region.empty() ? aws::resolve_region().value_or("") : options.region;
  params.service = options.service;
  if (!options.date.empty()) {
    auto time = parse_amz_date(options.date);
    if (!time) {
      std::cerr << "lift aws sign: --date expects YYYYMMDDTHHMMSSZ, got '" << options.date << "'\n";
      return kExitUsage;
    }
    params.time = *time;
  }
  params.mode = options.query ? aws::SigningMode::query : aws::SigningMode::header;
  params.normalize_path = !options.no_normalize;
  params.sign_body = options.sign_body;
  params.unsigned_payload = options.unsigned_payload;
  params.omit_session_token = options.omit_session_token;
  params.expires = std::chrono::seconds(options.expires);

  auto signed_request = aws::sign(*request, params);
  if (!signed_request) {
    std::cerr << "lift aws sign: " << signed_request.error().message << '\n';
    return kExitUsage;
  }
  std::cout << "# canonical request\n" << signed_request->canonical_request << "\n\n# string to sign\n"
            << signed_request->string_to_sign << "\n\n# signature\n" << signed_request->signature << '\n';
  if (!options.dry_run) std::cout << "\n# signed request\n" << aws::format_http_request(signed_request->request) << '\n';
  return kExitOk;
}

struct CurlOptions {
  std::string method;
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string data;                  // the body, "@file" or "@-" for stdin
  std::string access_key;
  std::string secret_key;
  std::string token;
  std::string region;
  std::string service;
  std::string date;
  double timeout_seconds = 30;
  bool include = false;
  bool omit_session_token = false;
  bool dry_run = false;
};

// "dynamodb.eu-west-1.amazonaws.com" -> "dynamodb": the first label names the service for
// most regional endpoints.
std::string service_from_host(std::string_view host) { return std::string(host.substr(0, host.find('.'))); }

Result<std::string> read_body(const std::string& data) {
  if (data.empty() || data.front() != '@') return data;
  if (data == "@-") return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  std::ifstream file(data.substr(1), std::ios::binary);
  if (!file) return Error{"usage", "cannot read " + data.substr(1), 400};
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

int run_curl(const CurlOptions& options) {
  const auto fail = [](const std::string& message) {
    std::cerr << "lift aws curl: " << message << '\n';
    return kExitUsage;
  };
  auto url = aws::parse_url(options.url);
  if (!url) return fail(url.error().message);
  auto body = read_body(options.data);
  if (!body) return fail(body.error().message);
  aws::HttpRequest request{options.method, options.url, {}, std::move(*body)};
  for (const auto& header : options.headers) {
    const auto colon = header.find(':');
    if (colon == std::string::npos || colon == 0) return fail("a header is 'Name: value', not '" + header + "'");
    std::string_view value = std::string_view(header).substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    request.headers.emplace_back(header.substr(0, colon), std::string(value));
  }

  aws::SigningParams params;
  if (!options.access_key.empty() || !options.secret_key.empty()) {
    params.credentials = {options.access_key, options.secret_key, options.token};
  } else {
    auto found = aws::CredentialsChain::standard().get();
    if (!found) return fail(found.error().message);
    params.credentials = std::move(*found);
  }
  params.region = options.region.empty() ? aws::resolve_region().value_or("") : options.region;
  params.service = options.service.empty() ? service_from_host(url->host) : options.service;
  params.omit_session_token = options.omit_session_token;
  if (!options.date.empty()) {
    auto time = parse_amz_date(options.date);
    if (!time) return fail("--date expects YYYYMMDDTHHMMSSZ, got '" + options.date + "'");
    params.time = *time;
  }
  auto steps = aws::sign_in_place(request, params);
  if (!steps) return fail(steps.error().message);
  if (options.dry_run) {
    std::cout << "# canonical request\n" << steps->canonical_request << "\n\n# string to sign\n" << steps->string_to_sign
              << "\n\n# authorization\n";
    for (const auto& [name, value] : request.headers) {
      if (name == "Authorization") std::cout << name << ": " << value << '\n';
    }
    return kExitOk;
  }

  aws::HttpClient client;
  const auto timeout = std::chrono::milliseconds(static_cast<long long>(options.timeout_seconds * 1000));
  auto response = client.send(request, std::chrono::steady_clock::now() + timeout);
  if (!response) {
    std::cerr << "lift aws curl: " << response.error().code << ": " << response.error().message << '\n';
    return kExitFunctionError;
  }
  if (options.include) {
    std::cout << "HTTP " << response->status << "\r\n";
    for (const auto& [name, value] : response->headers) std::cout << name << ": " << value << "\r\n";
    std::cout << "\r\n";
  }
  std::cout << response->body;
  if (!response->body.empty() && response->body.back() != '\n') std::cout << '\n';
  if (response->status < 200 || response->status >= 300) {
    std::cerr << "lift aws curl: HTTP " << response->status << '\n';
    return kExitFunctionError;
  }
  return kExitOk;
}

}  // namespace

void add_aws_command(CLI::App& app, int& exit_code) {
  auto* aws = app.add_subcommand("aws", "Talk to AWS: sign requests, send signed requests");
  aws->require_subcommand(1);
  auto options = std::make_shared<SignOptions>();
  auto* sign = aws->add_subcommand("sign", "SigV4-sign a raw HTTP request and print each step");
  sign->add_option("-r,--request", options->request_file, "raw HTTP request file, or - for stdin")->capture_default_str();
  sign->add_option("--access-key", options->access_key, "access key id (default: the credentials chain: environment, web identity, AWS_PROFILE, container, IMDS)");
  sign->add_option("--secret-key", options->secret_key, "secret access key");
  sign->add_option("--token", options->token, "session token");
  sign->add_option("--region", options->region, "region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile)");
  sign->add_option("--service", options->service, "signing name of the service, e.g. dynamodb")->required();
  sign->add_option("--date", options->date, "signing time YYYYMMDDTHHMMSSZ (default now)");
  sign->add_flag("--query", options->query, "presigned URL instead of an Authorization header");
  sign->add_option("--expires", options->expires, "presigned URL lifetime in seconds")->capture_default_str();
  sign->add_flag("--no-normalize", options->no_normalize, "S3 style: sign the path as sent");
  sign->add_flag("--sign-body", options->sign_body, "add x-amz-content-sha256");
  sign->add_flag("--unsigned-payload", options->unsigned_payload, "sign UNSIGNED-PAYLOAD instead of the body hash");
  sign->add_flag("--omit-session-token", options->omit_session_token,
                 "sign without the session token, then add X-Amz-Security-Token");
  sign->add_flag("--dry-run", options->dry_run, "print the steps only, not the signed request");
  sign->callback([options, &exit_code] { exit_code = run_sign(*options); });

  auto curl_options = std::make_shared<CurlOptions>();
  auto* curl = aws->add_subcommand("curl", "SigV4-sign a request and send it (exit 1 for a non-2xx answer)");
  curl->add_option("method", curl_options->method, "HTTP method")->required();
  curl->add_option("url", curl_options->url, "http(s) URL")->required();
  curl->add_option("-H,--header", curl_options->headers, "header 'Name: value' (repeatable)");
  curl->add_option("-d,--data", curl_options->data, "body, @file, or @- for stdin");
  curl->add_option("--service", curl_options->service, "signing name (default: the host's first label)");
  curl->add_option("--region", curl_options->region, "region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile)");
  curl->add_option("--access-key", curl_options->access_key, "access key id (default: the credential chain)");
  curl->add_option("--secret-key", curl_options->secret_key, "secret access key");
  curl->add_option("--token", curl_options->token, "session token");
  curl->add_option("--date", curl_options->date, "signing time YYYYMMDDTHHMMSSZ (default now)");
  curl->add_option("--timeout", curl_options->timeout_seconds, "seconds for the whole exchange")->capture_default_str();
  curl->add_flag("-i,--include", curl_options->include, "print the status line and headers before the body");
  curl->add_flag("--omit-session-token", curl_options->omit_session_token,
                 "sign without the session token, then add X-Amz-Security-Token");
  curl->add_flag("--dry-run", curl_options->dry_run, "print canonical request, string to sign and Authorization; send nothing");
  curl->callback([curl_options, &exit_code] { exit_code = run_curl(*curl_options); });
}

}  // namespace lift::cli

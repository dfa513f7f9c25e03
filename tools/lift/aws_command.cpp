// `lift aws sign`: SigV4-signs a raw HTTP request and shows every step, for debugging
// signatures against AWS's own examples or a service that refuses a request.

#include <chrono>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <sstream>

#include "commands.hpp"
#include "lift/aws/credentials.hpp"
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

}  // namespace

void add_aws_command(CLI::App& app, int& exit_code) {
  auto* aws = app.add_subcommand("aws", "Talk to AWS: sign requests");
  aws->require_subcommand(1);
  auto options = std::make_shared<SignOptions>();
  auto* sign = aws->add_subcommand("sign", "SigV4-sign a raw HTTP request and print each step");
  sign->add_option("-r,--request", options->request_file, "raw HTTP request file, or - for stdin")->capture_default_str();
  sign->add_option("--access-key", options->access_key, "access key id (default: environment, then AWS_PROFILE)");
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
  sign->add_flag("--dry-run", options->dry_run, "print the steps only, not the signed request");
  sign->callback([options, &exit_code] { exit_code = run_sign(*options); });
}

}  // namespace lift::cli

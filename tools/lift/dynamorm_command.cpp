// `lift dynamorm contract` and `lift dynamorm codegen`: DynamORM's cross-language contract
// scenarios run through lift's mapper, and C++ models generated from DMS documents.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "lift/aws/dynamodb.hpp"
#include "lift/aws/http_client.hpp"
#include "lift/aws/kms.hpp"
#include "lift/core/text.hpp"
#include "lift/dynamorm/contract.hpp"
#include "lift/dynamorm/dms.hpp"
#include "lift/dynamorm/encryption.hpp"
#include "lift/dynamorm/kms_key_provider.hpp"
#include "lift/dynamorm/memory_engine.hpp"

namespace lift::cli {
namespace {

namespace dms = lift::dynamorm::dms;
namespace contract = lift::dynamorm::contract;

struct ContractOptions {
  std::string dms_path;
  std::string endpoint;
  std::string key_provider;
  std::vector<std::string> scenarios;
};

struct CodegenOptions {
  std::string model_file;
  std::string output;
  std::string cpp_namespace;
};

Result<dms::Document> load_dms(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return dms::load_directory(path);
  return dms::load_file(path);
}

// Tables are created only where that is harmless: the embedded engine and local endpoints.
bool local_endpoint(const std::string& endpoint) {
  const auto url = aws::parse_url(endpoint);
  return url && aws::is_local_endpoint(*url);
}

std::string default_endpoint() {
  for (const char* name : {"DYNAMODB_ENDPOINT", "LIFT_DYNAMODB_ENDPOINT"})
    if (const char* v = std::getenv(name); v != nullptr && *v != '\0') return v;
  return "memory:";
}

// Where encrypted attributes' data keys come from: "kms:KEY" (a key id, ARN or alias; the KMS
// client takes the standard credentials and AWS_ENDPOINT_URL_KMS), "local-env:VAR" or
// "local-file:PATH" (a base64 32-byte master key, kept off the command line where `ps` shows it).
Result<std::shared_ptr<const lift::dynamorm::KeyProvider>> key_provider_from(const std::string& spec) {
  const auto usage = [&](std::string why) {
    return Error{"Usage", "--key-provider " + spec + ": " + std::move(why) + " (kms:KEY_ID, local-env:VAR or local-file:PATH)", 400};
  };
  const auto colon = spec.find(':');
  if (colon == std::string::npos || colon + 1 == spec.size()) return usage("expected KIND:VALUE");
  const std::string kind = spec.substr(0, colon), value = spec.substr(colon + 1);
  if (kind == "kms") {
    auto kms = aws::KmsClient::create();
    if (!kms) return std::move(kms).error();
    auto provider = lift::dynamorm::KmsKeyProvider::create(std::move(*kms), value);
    if (!provider) return std::move(provider).error();
    return std::shared_ptr<const lift::dynamorm::KeyProvider>(std::move(*provider));
  }
  std::string key;
  if (kind == "local-env") {
    const char* set = std::getenv(value.c_str());
    if (set == nullptr || *set == '\0') return usage(value + " is not set");
    key = set;
  } else if (kind == "local-file") {
    std::ifstream in(value, std::ios::binary);
    if (!in) return usage("cannot read " + value);
    std::ostringstream text;
    text << in.rdbuf();
    key = text.str();
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();  // `openssl rand -base64 32 > FILE`
  } else {
    return usage("unknown kind " + kind);
  }
  auto provider = lift::dynamorm::LocalKeyProvider::from_base64(lift::trim_blanks(key));
  if (!provider) return usage(provider.error().message);
  return std::shared_ptr<const lift::dynamorm::KeyProvider>(std::move(*provider));
}

// The encrypted attributes of the models the scenarios use, "Model.attribute".
std::vector<std::string> encrypted_attributes(const dms::Document& document, const std::vector<contract::Scenario>& scenarios) {
  std::vector<std::string> names;
  for (const auto& scenario : scenarios) {
    const auto* model = document.model(scenario.model);
    if (model == nullptr) continue;
    for (const auto& attribute : model->attributes) {
      const std::string name = model->name + "." + attribute.name;
      if (attribute.encrypted && std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
  }
  return names;
}

int run_contract(const ContractOptions& options) {
  auto document = load_dms(options.dms_path);
  if (!document) {
    std::cerr << "lift dynamorm contract: " << document.error().message << '\n';
    return kExitUsage;
  }
  // Every scenario is read and checked before anything runs: bad input changes no table.
  std::vector<contract::Scenario> scenarios;
  for (const auto& path : options.scenarios) {
    auto scenario = contract::load_scenario(path, *document);
    if (!scenario) {
      std::cerr << "lift dynamorm contract: " << scenario.error().message << '\n';
      return kExitUsage;
    }
    scenarios.push_back(std::move(*scenario));
  }

  std::shared_ptr<const lift::dynamorm::KeyProvider> keys;
  if (!options.key_provider.empty()) {
    auto provider = key_provider_from(options.key_provider);
    if (!provider) {
      std::cerr << "lift dynamorm contract: " << provider.error().message << '\n';
      return kExitUsage;
    }
    keys = std::move(*provider);
  } else if (const auto encrypted = encrypted_attributes(*document, scenarios); !encrypted.empty()) {
    // Not an error: failing closed is DMS's rule, and a scenario may expect it.
    std::string list;
    for (const auto& name : encrypted) list += (list.empty() ? "" : ", ") + name;
    std::cerr << "lift dynamorm contract: no --key-provider: writes and reads of the encrypted attributes " << list
              << " fail closed (ErrEncryptionNotConfigured)\n";
  }

  const std::string endpoint = options.endpoint.empty() ? default_endpoint() : options.endpoint;
  const bool memory = endpoint.starts_with("memory:");
  // The command's own engine: scenarios of one run share it, nothing outlives the process.
  auto engine = memory ? std::make_unique<lift::dynamorm::MemoryEngine>() : nullptr;
  aws::DynamoDbOptions client_options;
  if (memory) client_options.transport = lift::dynamorm::memory_transport(*engine);
  else client_options.endpoint = endpoint;
  auto client = aws::DynamoDbClient::create(std::move(client_options));
  if (!client) {
    std::cerr << "lift dynamorm contract: " << client.error().message << '\n';
    return kExitUsage;
  }

  int passed = 0, failed = 0;
  contract::RunOptions run_options;
  run_options.create_table = memory || local_endpoint(endpoint);
  run_options.keys = keys;
  run_options.on_step = [&](const contract::StepResult& r) {
    std::cout << r.line() << '\n' << std::flush;
    (r.passed ? passed : failed) += 1;
  };
  for (const auto& scenario : scenarios) (void)contract::run(scenario, *document, *client, run_options);
  std::cout << passed << " passed, " << failed << " failed\n";
  return failed == 0 ? kExitOk : kExitFunctionError;
}

int run_codegen(const CodegenOptions& options) {
  auto document = dms::load_file(options.model_file);
  if (!document) {
    std::cerr << "lift dynamorm codegen: " << document.error().message << '\n';
    return kExitUsage;
  }
  dms::CodegenOptions codegen;
  codegen.cpp_namespace = options.cpp_namespace;
  codegen.source_name = std::filesystem::path(options.model_file).filename().string();
  const std::string header = dms::generate_header(*document, codegen);
  if (options.output.empty() || options.output == "-") {
    std::cout << header;
    return kExitOk;
  }
  // Written beside the target and renamed, so a build never sees half a header.
  const std::string temporary = options.output + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << header;
    if (!out) {
      std::cerr << "lift dynamorm codegen: cannot write " << options.output << '\n';
      return kExitUsage;
    }
  }
  std::error_code ec;
  std::filesystem::rename(temporary, options.output, ec);
  if (ec) {
    std::cerr << "lift dynamorm codegen: cannot write " << options.output << ": " << ec.message() << '\n';
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace

void add_dynamorm_command(CLI::App& app, int& exit_code) {
  auto* dynamorm = app.add_subcommand("dynamorm", "DynamORM: run the cross-language contract scenarios, generate C++ from DMS models");
  dynamorm->require_subcommand(1);

  auto contract_options = std::make_shared<ContractOptions>();
  auto* run = dynamorm->add_subcommand(
      "contract", "Run DynamORM contract scenarios (exit 0: all steps pass, 1: a step failed, 2: bad input)");
  run->add_option("--dms", contract_options->dms_path, "DMS document or directory of them (*.yml, *.yaml, *.json)")->required();
  run->add_option("--endpoint", contract_options->endpoint,
                  "memory: (the embedded engine) or a DynamoDB URL (default: DYNAMODB_ENDPOINT, LIFT_DYNAMODB_ENDPOINT, memory:)");
  run->add_option("--key-provider", contract_options->key_provider,
                  "data keys of encrypted attributes: kms:KEY_ID (KMS, standard credentials), local-env:VAR or local-file:PATH "
                  "(a base64 32-byte key); without one they fail closed");
  run->add_option("scenarios", contract_options->scenarios, "scenario files")->required();
  run->callback([contract_options, &exit_code] { exit_code = run_contract(*contract_options); });

  auto codegen_options = std::make_shared<CodegenOptions>();
  auto* codegen = dynamorm->add_subcommand("codegen", "Generate a C++ header (structs and Model<T> factories) from a DMS document");
  codegen->add_option("model", codegen_options->model_file, "DMS document")->required();
  codegen->add_option("-o,--output", codegen_options->output, "header to write (default: stdout)");
  codegen->add_option("--namespace", codegen_options->cpp_namespace, "C++ namespace (default: the DMS namespace, a.b → a::b)");
  codegen->callback([codegen_options, &exit_code] { exit_code = run_codegen(*codegen_options); });
}

}  // namespace lift::cli

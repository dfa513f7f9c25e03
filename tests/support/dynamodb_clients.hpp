#pragma once
// DynamoDB client options for the two stores tests run against: an embedded engine of the test's
// own, and dynalite on a loopback endpoint (support/dynalite.hpp starts it).

#include <memory>
#include <string>

#include "lift/aws/dynamodb.hpp"
#include "lift/aws/http_client.hpp"
#include "lift/dynamorm/memory_engine.hpp"

namespace lift::testing_support {

// Calls answered in-process by `engine`, which must outlive the client.
inline aws::DynamoDbOptions memory_client_options(dynamorm::MemoryEngine& engine) {
  aws::DynamoDbOptions options;
  options.region = "us-east-1";
  options.transport = dynamorm::memory_transport(engine);
  return options;
}

// Calls to dynalite at `endpoint` ("http://127.0.0.1:PORT"), never through a proxy the
// environment names.
inline aws::DynamoDbOptions dynalite_client_options(const std::string& endpoint) {
  aws::DynamoDbOptions options;
  options.region = "us-east-1";
  options.endpoint = endpoint;
  aws::HttpClientOptions http;
  http.proxy = "";
  options.http = std::make_shared<aws::HttpClient>(http);
  return options;
}

}  // namespace lift::testing_support

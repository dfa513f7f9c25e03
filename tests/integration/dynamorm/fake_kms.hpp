#pragma once
// A KMS fake for the DynamORM tests (the mapper's KmsKeyProvider, `lift dynamorm contract --key-provider kms:`).
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "lift/core/base64.hpp"
#include "support/local_server.hpp"

namespace lift::testing_support {

// A KMS on 127.0.0.1 that keeps the data keys it made and opens one only under the context and
// key it was made with (InvalidCiphertextException otherwise), as KMS does.
class FakeKms {
 public:
  [[nodiscard]] std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }
  [[nodiscard]] int decrypts() const {
    std::lock_guard lock(mutex_);
    return decrypts_;
  }
  // The KeyId of every GenerateDataKey, in order.
  [[nodiscard]] std::vector<std::string> key_ids() const {
    std::lock_guard lock(mutex_);
    return key_ids_;
  }

 private:
  struct Made {
    std::string key;
    boost::json::value context;
  };

  lift::testing_support::HttpServerResponse respond(const lift::testing_support::HttpServerRequest& request) {
    using lift::testing_support::make_response;
    const auto action = std::string(request["X-Amz-Target"]);
    const auto body = boost::json::parse(request.body()).as_object();
    const auto context = body.contains("EncryptionContext") ? body.at("EncryptionContext") : boost::json::value(boost::json::object{});
    std::lock_guard lock(mutex_);
    if (action == "TrentService.GenerateDataKey") {
      key_ids_.emplace_back(body.contains("KeyId") && body.at("KeyId").is_string() ? std::string(body.at("KeyId").as_string()) : "");
      const std::string blob = "blob-" + std::to_string(made_.size());
      const std::string key(32, static_cast<char>('a' + made_.size() % 26));
      made_[blob] = Made{key, context};
      return make_response(200, boost::json::serialize(boost::json::object{{"CiphertextBlob", lift::base64::encode(blob)},
                                                                           {"Plaintext", lift::base64::encode(key)},
                                                                           {"KeyId", kKeyArn}}),
                           "application/x-amz-json-1.1");
    }
    if (action == "TrentService.Decrypt") {
      ++decrypts_;
      const auto blob = lift::base64::decode(body.at("CiphertextBlob").as_string()).value();
      const auto found = made_.find(blob);
      if (found == made_.end() || found->second.context != context)
        return make_response(400, R"({"__type":"InvalidCiphertextException","message":"invalid ciphertext"})", "application/x-amz-json-1.1");
      return make_response(200, boost::json::serialize(boost::json::object{{"Plaintext", lift::base64::encode(found->second.key)},
                                                                           {"KeyId", kKeyArn}}),
                           "application/x-amz-json-1.1");
    }
    return make_response(400, R"({"__type":"UnsupportedOperationException"})", "application/x-amz-json-1.1");
  }

  static constexpr const char* kKeyArn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  mutable std::mutex mutex_;
  std::map<std::string, Made> made_;
  int decrypts_ = 0;
  std::vector<std::string> key_ids_;
  lift::testing_support::LocalServer server_{[this](lift::testing_support::LocalServer::Socket& socket) {
    lift::testing_support::serve_http(socket, [this](const lift::testing_support::HttpServerRequest& request, int) { return respond(request); });
  }};
};

}  // namespace lift::testing_support

#pragma once
// STS answers for the FakeService of the credential and cross-account tests, and the reading of
// the query-protocol forms STS receives.

#include <algorithm>
#include <string>
#include <string_view>

#include "integration/aws/fake_service.hpp"

namespace lift::testing_support {

// A query-protocol form parameter as sent (still percent-encoded; "" when absent).
inline std::string form_value(const std::string& body, const std::string& name) {
  const auto key = name + "=";
  for (std::size_t start = 0; start < body.size();) {
    const auto end = std::min(body.find('&', start), body.size());
    if (body.compare(start, key.size(), key) == 0) return body.substr(start + key.size(), end - start - key.size());
    start = end + 1;
  }
  return {};
}

// `action`'s answer (AssumeRole, AssumeRoleWithWebIdentity) with the credentials of access key
// `key`: secret "secret-<key>", session token "token-<key>".
inline FakeAnswer sts_credentials(std::string_view action, const std::string& key,
                                  std::string_view expiration = "2099-01-01T00:00:00Z") {
  const std::string name(action);
  return FakeAnswer{200,
                    "<" + name + "Response><" + name + "Result><Credentials><AccessKeyId>" + key +
                        "</AccessKeyId><SecretAccessKey>secret-" + key + "</SecretAccessKey><SessionToken>token-" + key +
                        "</SessionToken><Expiration>" + std::string(expiration) + "</Expiration></Credentials></" + name +
                        "Result></" + name + "Response>",
                    "text/xml"};
}

// STS's error document.
inline FakeAnswer sts_error(unsigned status, std::string_view code, std::string_view message = "denied here") {
  return FakeAnswer{status,
                    "<ErrorResponse><Error><Type>Sender</Type><Code>" + std::string(code) + "</Code><Message>" +
                        std::string(message) + "</Message></Error></ErrorResponse>",
                    "text/xml"};
}

}  // namespace lift::testing_support

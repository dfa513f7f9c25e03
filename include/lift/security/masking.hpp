#pragma once
// PII masking for logs and audit records: values under sensitive field names are replaced, and
// sensitive patterns inside any string are masked (e-mail addresses, card numbers that pass the
// Luhn check, bearer tokens, JWTs).
//
//   lift::security::Masker masker;
//   auto safe = masker.mask(event);            // boost::json::value, recursively
//   auto line = masker.mask_text("card 4111 1111 1111 1111");  // "card **** **** **** 1111"

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

namespace lift::security {

struct MaskingRules {
  // A field is sensitive when its name, split into words (camelCase, '_', '-', '.', ':', ' '),
  // contains one of these as consecutive words, case-insensitively ("api_key" matches "apiKey"
  // and "X-Api-Key"). A one-word rule of four letters or more also matches inside a word
  // ("creditcardnumber", "userpassword"): masking too much is the safe mistake.
  std::vector<std::string> fields = {"password", "passwd", "pwd", "secret", "token", "authorization",
                                     "api_key", "apikey", "cookie", "set_cookie", "card", "cvv", "cvc",
                                     "pan", "ssn", "private_key", "credential", "credentials", "pin"};
  std::string replacement = "***";
  bool emails = true;   // "jane@example.com" -> "j***@example.com"
  bool cards = true;    // 13 to 19 digits (spaces or dashes between) passing Luhn: keep the last 4
  bool tokens = true;   // "Bearer xyz" -> "Bearer ***"; "eyJ...x.y.z" JWTs -> replacement
};

class Masker {
 public:
  explicit Masker(MaskingRules rules = {});

  [[nodiscard]] bool sensitive_field(std::string_view name) const;
  // Masks patterns in free text.
  [[nodiscard]] std::string mask_text(std::string_view text) const;
  // A copy with sensitive fields replaced (whatever their type) and strings masked.
  [[nodiscard]] boost::json::value mask(const boost::json::value& value) const;
  void mask_in_place(boost::json::value& value) const;

  [[nodiscard]] const MaskingRules& rules() const noexcept { return rules_; }

 private:
  MaskingRules rules_;
  std::vector<std::vector<std::string>> field_words_;
};

// The e-mail and card maskers alone.
std::string mask_email(std::string_view email);          // "j***@example.com"
bool luhn_valid(std::string_view digits) noexcept;        // digits only

}  // namespace lift::security

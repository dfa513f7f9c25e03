// PII masking without regular expressions: each pattern is a small hand-written scanner, so
// masking stays linear in the input and cannot blow the stack on hostile text.
#include "lift/security/masking.hpp"

#include <algorithm>

namespace lift::security {

namespace json = boost::json;

namespace {

bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_lower(c) || is_upper(c) || is_digit(c); }
char lower(char c) { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

// "X-Api-Key" -> {x, api, key}; "APIKey" -> {api, key}; "cardNumber" -> {card, number}.
std::vector<std::string> words_of(std::string_view name) {
  std::vector<std::string> words;
  std::string word;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (!is_alnum(c)) {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
      continue;
    }
    const bool boundary = !word.empty() && is_upper(c) &&
                          (is_lower(name[i - 1]) || is_digit(name[i - 1]) || (i + 1 < name.size() && is_lower(name[i + 1])));
    if (boundary) {
      words.push_back(std::move(word));
      word.clear();
    }
    word += lower(c);
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

bool local_char(char c) { return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'; }
bool domain_char(char c) { return is_alnum(c) || c == '.' || c == '-'; }
bool base64url_char(char c) { return is_alnum(c) || c == '-' || c == '_'; }
bool b64token_char(char c) { return base64url_char(c) || c == '.' || c == '~' || c == '+' || c == '/' || c == '='; }

// The end of a JWT starting at `at` ("eyJ" + 3 base64url segments), or 0.
std::size_t jwt_end(std::string_view text, std::size_t at) {
  if (text.substr(at, 3) != "eyJ") return 0;
  std::size_t i = at;
  for (int segment = 0; segment < 3; ++segment) {
    const std::size_t start = i;
    while (i < text.size() && base64url_char(text[i])) ++i;
    if (i == start && segment < 2) return 0;
    if (segment < 2) {
      if (i >= text.size() || text[i] != '.') return 0;
      ++i;
    }
  }
  return i;
}

// "Bearer <token>": the end of the token, or 0; `token_at` receives where it starts.
std::size_t bearer_end(std::string_view text, std::size_t at, std::size_t& token_at) {
  static constexpr std::string_view kBearer = "bearer";
  if (text.size() - at < kBearer.size() + 2) return 0;
  for (std::size_t k = 0; k < kBearer.size(); ++k)
    if (lower(text[at + k]) != kBearer[k]) return 0;
  std::size_t i = at + kBearer.size();
  if (text[i] != ' ') return 0;
  while (i < text.size() && text[i] == ' ') ++i;
  token_at = i;
  while (i < text.size() && b64token_char(text[i])) ++i;
  return i > token_at ? i : 0;
}

// local@domain.tld starting at `at`: the end, or 0; `at_sign` receives the '@' position.
std::size_t email_end(std::string_view text, std::size_t at, std::size_t& at_sign) {
  std::size_t i = at;
  while (i < text.size() && local_char(text[i])) ++i;
  if (i == at || i >= text.size() || text[i] != '@') return 0;
  at_sign = i++;
  const std::size_t domain = i;
  while (i < text.size() && domain_char(text[i])) ++i;
  while (i > domain && (text[i - 1] == '.' || text[i - 1] == '-')) --i;  // trailing punctuation of a sentence
  const auto host = text.substr(domain, i - domain);
  const auto dot = host.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || host.size() - dot - 1 < 2) return 0;
  for (std::size_t k = dot + 1; k < host.size(); ++k)
    if (!is_lower(lower(host[k]))) return 0;
  return i;
}

// 13 to 19 digits, single spaces or dashes between groups: the end, or 0.
std::size_t card_end(std::string_view text, std::size_t at, std::string& digits) {
  digits.clear();
  std::size_t i = at;
  std::size_t end = 0;
  while (i < text.size()) {
    if (is_digit(text[i])) {
      digits += text[i++];
      end = i;
      if (digits.size() > 19) return 0;
    } else if ((text[i] == ' ' || text[i] == '-') && i + 1 < text.size() && is_digit(text[i + 1]) && !digits.empty()) {
      ++i;
    } else {
      break;
    }
  }
  if (end < text.size() && is_alnum(text[end])) return 0;
  if (digits.size() < 13 || !luhn_valid(digits)) return 0;
  return end;
}

}  // namespace

bool luhn_valid(std::string_view digits) noexcept {
  if (digits.empty()) return false;
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (!is_digit(*it)) return false;
    int d = *it - '0';
    if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

std::string mask_email(std::string_view email) {
  const auto at = email.rfind('@');
  if (at == std::string_view::npos || at == 0) return "***";
  return std::string(1, email.front()) + "***" + std::string(email.substr(at));
}

Masker::Masker(MaskingRules rules) : rules_(std::move(rules)) {
  for (const auto& field : rules_.fields) {
    auto words = words_of(field);
    if (!words.empty()) field_words_.push_back(std::move(words));
  }
}

bool Masker::sensitive_field(std::string_view name) const {
  const auto words = words_of(name);
  for (const auto& rule : field_words_) {
    if (rule.size() == 1 && rule.front().size() >= 4) {
      for (const auto& word : words)
        if (word.find(rule.front()) != std::string::npos) return true;
      continue;
    }
    for (std::size_t start = 0; start + rule.size() <= words.size(); ++start) {
      bool match = true;
      for (std::size_t k = 0; k < rule.size() && match; ++k) {
        const auto& word = words[start + k];
        // The last word may be plural ("tokens", "credentials").
        match = word == rule[k] || (k + 1 == rule.size() && word.size() == rule[k].size() + 1 && word.back() == 's' &&
                                    word.compare(0, rule[k].size(), rule[k]) == 0);
      }
      if (match) return true;
    }
  }
  return false;
}

std::string Masker::mask_text(std::string_view text) const {
  std::string out;
  out.reserve(text.size());
  std::string digits;
  std::size_t i = 0;
  while (i < text.size()) {
    const char previous = i == 0 ? ' ' : text[i - 1];
    const bool run_start = !local_char(previous);
    std::size_t end = 0;
    std::size_t mark = 0;
    if (run_start && rules_.tokens && (end = bearer_end(text, i, mark)) != 0) {
      out.append(text.substr(i, mark - i));
      out += rules_.replacement;
    } else if (run_start && rules_.tokens && (end = jwt_end(text, i)) != 0) {
      out += rules_.replacement;
    } else if (run_start && rules_.emails && (end = email_end(text, i, mark)) != 0) {
      out += text[i];
      out += rules_.replacement;
      out.append(text.substr(mark, end - mark));
    } else if (rules_.cards && is_digit(text[i]) && !is_alnum(previous) && (end = card_end(text, i, digits)) != 0) {
      std::size_t left = digits.size();
      for (std::size_t k = i; k < end; ++k) {
        if (is_digit(text[k])) out += left-- > 4 ? '*' : text[k];
        else out += text[k];
      }
    } else {
      out += text[i];
      end = i + 1;
    }
    i = end;
  }
  return out;
}

void Masker::mask_in_place(json::value& value) const {
  if (auto* object = value.if_object()) {
    for (auto& member : *object) {
      if (sensitive_field(member.key())) {
        if (!member.value().is_null()) member.value() = rules_.replacement;
      } else {
        mask_in_place(member.value());
      }
    }
  } else if (auto* array = value.if_array()) {
    for (auto& element : *array) mask_in_place(element);
  } else if (auto* text = value.if_string()) {
    if (rules_.emails || rules_.cards || rules_.tokens) {
      auto masked = mask_text(*text);
      if (masked != std::string_view(*text)) *text = masked;
    }
  }
}

json::value Masker::mask(const json::value& value) const {
  json::value copy = value;
  mask_in_place(copy);
  return copy;
}

}  // namespace lift::security

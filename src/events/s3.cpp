#include "lift/events/s3.hpp"

namespace lift::events {

namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes '+' and %XX; a malformed escape is copied as it is and reported through `ok`.
std::string decode(std::string_view encoded, bool& ok) {
  ok = true;
  std::string out;
  out.reserve(encoded.size());
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    const char c = encoded[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      const int hi = i + 1 < encoded.size() ? hex_value(encoded[i + 1]) : -1;
      const int lo = i + 2 < encoded.size() ? hex_value(encoded[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        ok = false;
        out += c;
        continue;
      }
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string encode_s3_key(std::string_view key) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(key.size());
  for (const char c : key) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') || (byte >= '0' && byte <= '9') ||
        std::string_view("-_.*/").find(c) != std::string_view::npos) {
      out += c;
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
  return out;
}

Result<std::string> decode_s3_key(std::string_view encoded) {
  bool ok = true;
  auto out = decode(encoded, ok);
  if (!ok) return invalid_event("key", "invalid percent-encoding");
  return out;
}

std::string S3Object::decoded_key() const {
  bool ok = true;
  return decode(key, ok);
}

void lift_rules(lift::json::Rules<S3Event>& r) { r.field(&S3Event::Records).required(); }
void lift_rules(lift::json::Rules<S3Record>& r) { r.field(&S3Record::s3).required(); }
void lift_rules(lift::json::Rules<S3Entity>& r) {
  r.field(&S3Entity::bucket).required();
  r.field(&S3Entity::object).required();
}
void lift_rules(lift::json::Rules<S3Bucket>& r) { r.field(&S3Bucket::name).required(); }
void lift_rules(lift::json::Rules<S3Object>& r) { r.field(&S3Object::key).required(); }

Result<S3Event> parse_s3(const boost::json::value& event) {
  auto out = parse_event<S3Event>(event);
  if (!out) return out;
  for (std::size_t i = 0; i < out->Records.size(); ++i) {
    bool ok = true;
    (void)decode(out->Records[i].s3.object.key, ok);
    if (!ok) return invalid_event("Records[" + std::to_string(i) + "].s3.object.key", "invalid percent-encoding");
  }
  return out;
}

Result<void> lift_from_json(const boost::json::value& json, S3EventBridgeObject& out) { return detail::read_kebab(json, out); }
boost::json::value lift_to_json(const S3EventBridgeObject& object) { return detail::write_kebab(object); }
Result<void> lift_from_json(const boost::json::value& json, S3EventBridgeDetail& out) { return detail::read_kebab(json, out); }
boost::json::value lift_to_json(const S3EventBridgeDetail& value) { return detail::write_kebab(value); }

Result<S3EventBridgeEvent> parse_s3_eventbridge(const boost::json::value& event) {
  auto out = parse_eventbridge<S3EventBridgeDetail>(event);
  if (!out) return out;
  if (out->source != "aws.s3") return invalid_event("source", "expected \"aws.s3\"");
  if (out->detail.bucket.name.empty()) return invalid_event("detail.bucket.name", "is required");
  if (out->detail.object.key.empty()) return invalid_event("detail.object.key", "is required");
  return out;
}

}  // namespace lift::events

#include "lift/events/s3.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/grammar/alnum_chars.hpp>
#include <boost/url/grammar/lut_chars.hpp>

#include "lift/core/percent.hpp"

namespace lift::events {

namespace {

// Decodes '+' and %XX; a malformed escape is copied as it is and reported through `ok`.
std::string decode(std::string_view encoded, bool& ok) {
  std::string out;
  ok = percent::decode(encoded, out, percent::Plus::space);
  return out;
}

}  // namespace

std::string encode_s3_key(std::string_view key) {
  static constexpr auto kKept = boost::urls::grammar::lut_chars(boost::urls::grammar::alnum_chars) + "-_.*/";
  return boost::urls::encode(key, kKept, boost::urls::encoding_opts(/*space_as_plus=*/true));
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

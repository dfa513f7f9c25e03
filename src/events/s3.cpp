#include "lift/events/s3.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/grammar/alnum_chars.hpp>
#include <boost/url/grammar/lut_chars.hpp>

#include <chrono>

#include "lift/core/base64.hpp"
#include "lift/core/glob.hpp"
#include "lift/core/percent.hpp"
#include "lift/core/random.hpp"
#include "lift/core/time.hpp"

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

namespace {

// The eventName a direct notification would carry.
std::string s3_event_name(const S3EventBridgeEvent& event) {
  const auto& detail = event.detail;
  const std::string reason = detail.reason.value_or("");
  if (event.detail_type == "Object Created") {
    if (reason == "PutObject") return "ObjectCreated:Put";
    if (reason == "PostObject" || reason == "POST Object") return "ObjectCreated:Post";
    if (reason == "CopyObject") return "ObjectCreated:Copy";
    if (reason == "CompleteMultipartUpload") return "ObjectCreated:CompleteMultipartUpload";
    return "ObjectCreated:*";
  }
  const bool marker = detail.deletion_type == std::optional<std::string>("Delete Marker Created");
  if (reason == "Lifecycle Expiration") return marker ? "LifecycleExpiration:DeleteMarkerCreated" : "LifecycleExpiration:Delete";
  return marker ? "ObjectRemoved:DeleteMarkerCreated" : "ObjectRemoved:Delete";
}

S3Record record_from(const S3EventBridgeEvent& event) {
  const auto& detail = event.detail;
  S3Record record;
  record.eventVersion = "2.1";
  record.eventSource = "aws:s3";
  record.awsRegion = event.region;
  record.eventTime = event.time;
  record.eventName = s3_event_name(event);
  if (detail.requester) record.userIdentity = S3Identity{*detail.requester};
  if (detail.source_ip_address) record.requestParameters = S3RequestParameters{*detail.source_ip_address};
  if (detail.request_id) record.responseElements = std::map<std::string, std::string>{{"x-amz-request-id", *detail.request_id}};
  record.s3.s3SchemaVersion = "1.0";
  record.s3.bucket.name = detail.bucket.name;
  record.s3.bucket.arn = "arn:aws:s3:::" + detail.bucket.name;
  for (const auto& resource : event.resources) {
    // The resource keeps the partition (aws-cn, aws-us-gov).
    if (resource.ends_with(":::" + detail.bucket.name)) record.s3.bucket.arn = resource;
  }
  record.s3.object.key = encode_s3_key(detail.object.key);
  record.s3.object.urlDecodedKey = detail.object.key;
  record.s3.object.size = detail.object.size;
  record.s3.object.eTag = detail.object.etag;
  record.s3.object.versionId = detail.object.version_id;
  record.s3.object.sequencer = detail.object.sequencer;
  return record;
}

}  // namespace

void S3::summarize(const boost::json::value& event, Summary& out) {
  out.note(parse_s3(event));
  const auto records = raw_records(event);
  out.records = records.size();
  out.add("bucket", string_at(*records.front(), {"s3", "bucket", "name"}));
  for (const auto* r : records) {
    const auto encoded = string_at(*r, {"s3", "object", "key"});
    auto key = decode_s3_key(encoded);
    out.items.push_back(boost::json::object{{"eventName", string_at(*r, {"eventName"})},
                                            {"bucket", string_at(*r, {"s3", "bucket", "name"})},
                                            {"key", key ? std::string_view(*key) : encoded}});
  }
}

bool S3::matches(std::string_view pattern, const Record& r) {
  const auto& bucket = r.s3.bucket.name;
  const std::string key = r.s3.object.decoded_key();
  if (pattern.starts_with("arn:")) {
    const std::string bucket_arn = r.s3.bucket.arn.empty() ? "arn:aws:s3:::" + bucket : r.s3.bucket.arn;
    return glob_match(pattern, bucket_arn) || glob_match(pattern, bucket_arn + "/" + key);
  }
  const auto slash = pattern.find('/');
  if (slash == std::string_view::npos) return glob_match(pattern, bucket);
  return glob_match(pattern.substr(0, slash), bucket) && glob_match(pattern.substr(slash + 1), key);
}

bool S3::adaptable(const boost::json::value& event) noexcept {
  const auto type = string_member(event, "detail-type");
  return string_member(event, "source") == "aws.s3" && (type == "Object Created" || type == "Object Deleted");
}

Result<S3Event> S3::adapt(const boost::json::value& event) {
  auto typed = parse_s3_eventbridge(event);
  if (!typed) return std::move(typed).error();
  S3Event out;
  out.Records.push_back(record_from(*typed));
  return out;
}

Result<S3EventBridgeEvent> parse_s3_eventbridge(const boost::json::value& event) {
  auto out = parse_eventbridge<S3EventBridgeDetail>(event);
  if (!out) return out;
  if (out->source != "aws.s3") return invalid_event("source", "expected \"aws.s3\"");
  if (out->detail.bucket.name.empty()) return invalid_event("detail.bucket.name", "is required");
  if (out->detail.object.key.empty()) return invalid_event("detail.object.key", "is required");
  return out;
}

Result<boost::json::value> S3::sample(const SampleOptions& options) {
  if (options.bucket.empty() || options.key.empty()) return invalid_sample("an S3 object has a bucket and a key");
  if (options.event_name.empty()) return invalid_sample("the event name is empty (ObjectCreated:Put, ObjectRemoved:Delete, ...)");
  if (options.size < 0) return invalid_sample("the object's size is negative");
  if (options.region.empty()) return invalid_sample("the region is empty");
  boost::json::object object{{"key", encode_s3_key(options.key)}};
  // Deletions name no size or eTag.
  if (!options.event_name.starts_with("ObjectRemoved") && !options.event_name.starts_with("LifecycleExpiration")) {
    object["size"] = options.size;
    object["eTag"] = random_hex(32);
  }
  object["sequencer"] = "00" + random_hex(16);
  boost::json::object record{
      {"eventVersion", "2.1"},
      {"eventSource", "aws:s3"},
      {"awsRegion", options.region},
      {"eventTime", rfc3339(std::chrono::system_clock::now())},
      {"eventName", options.event_name},
      {"userIdentity", {{"principalId", "AWS:AIDAINPONIXQXHT3IKHL2"}}},
      {"requestParameters", {{"sourceIPAddress", "203.0.113.10"}}},
      {"responseElements", {{"x-amz-request-id", random_hex(16)}, {"x-amz-id-2", base64::encode(random_hex(40))}}},
      {"s3",
       {{"s3SchemaVersion", "1.0"},
        {"configurationId", "lift-notification"},
        {"bucket",
         {{"name", options.bucket}, {"ownerIdentity", {{"principalId", "A3NL1KOZZKExample"}}}, {"arn", "arn:aws:s3:::" + options.bucket}}},
        {"object", std::move(object)}}}};
  return boost::json::value{{"Records", boost::json::array{boost::json::value(std::move(record))}}};
}

}  // namespace lift::events

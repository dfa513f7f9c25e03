#pragma once
// Amazon S3 event notifications, as they arrive directly (Records[].s3) and through
// EventBridge (detail-type "Object Created", "Object Deleted", ...).
//
// Object keys: a direct notification URL-encodes the key ("New+File.jpg", "Happy%20Face.jpg");
// S3Object::decoded_key() gives the real key ('+' is a space, %XX a byte). Through EventBridge
// the key is not encoded: use detail.object.key as it is.
//
//   auto event = lift::events::parse_s3(json);
//   for (const auto& r : event->Records) get_object(r.s3.bucket.name, r.s3.object.decoded_key());

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "lift/events/common.hpp"
#include "lift/events/eventbridge.hpp"

namespace lift::events {

// Percent-decoding of an S3 key as notifications encode it: '+' is a space, %XX a byte.
// Errors: "InvalidEvent" for a '%' not followed by two hex digits.
Result<std::string> decode_s3_key(std::string_view encoded);
// The key as a notification writes it (form encoding: ' ' as '+', letters, digits and "-_.*/"
// kept, every other byte %XX), so that decode_s3_key gives it back.
std::string encode_s3_key(std::string_view key);

struct S3Identity {
  std::string principalId;
};
BOOST_DESCRIBE_STRUCT(S3Identity, (), (principalId))

struct S3RequestParameters {
  std::string sourceIPAddress;
};
BOOST_DESCRIBE_STRUCT(S3RequestParameters, (), (sourceIPAddress))

struct S3Bucket {
  std::string name;
  std::optional<S3Identity> ownerIdentity;
  std::string arn;
};
BOOST_DESCRIBE_STRUCT(S3Bucket, (), (name, ownerIdentity, arn))

struct S3Object {
  std::string key;  // URL-encoded, as S3 sends it
  std::optional<std::string> urlDecodedKey;  // some producers add it; decoded_key() does not need it
  std::optional<std::int64_t> size;          // absent for deletions
  std::optional<std::string> eTag;
  std::optional<std::string> versionId;
  std::optional<std::string> sequencer;

  // The key decoded (see decode_s3_key); a malformed escape is kept as it is (parse_s3 refuses
  // events that have one).
  [[nodiscard]] std::string decoded_key() const;
};
BOOST_DESCRIBE_STRUCT(S3Object, (), (key, urlDecodedKey, size, eTag, versionId, sequencer))

struct S3Entity {
  std::string s3SchemaVersion;
  std::string configurationId;
  S3Bucket bucket;
  S3Object object;
};
BOOST_DESCRIBE_STRUCT(S3Entity, (), (s3SchemaVersion, configurationId, bucket, object))

struct S3Record {
  std::string eventVersion;
  std::string eventSource;  // "aws:s3"
  std::string awsRegion;
  std::string eventTime;  // RFC 3339
  std::string eventName;  // "ObjectCreated:Put", "ObjectRemoved:Delete", "s3:ObjectRestore:Completed", ...
  std::optional<S3Identity> userIdentity;
  std::optional<S3RequestParameters> requestParameters;
  std::optional<std::map<std::string, std::string>> responseElements;  // x-amz-request-id, x-amz-id-2
  S3Entity s3;
  // Present on the event types they describe; kept as sent.
  std::optional<boost::json::object> glacierEventData;
  std::optional<boost::json::object> restoreEventData;
  std::optional<boost::json::object> replicationEventData;
  std::optional<boost::json::object> intelligentTieringEventData;
  std::optional<boost::json::object> lifecycleEventData;
};
BOOST_DESCRIBE_STRUCT(S3Record, (),
                      (eventVersion, eventSource, awsRegion, eventTime, eventName, userIdentity, requestParameters,
                       responseElements, s3, glacierEventData, restoreEventData, replicationEventData,
                       intelligentTieringEventData, lifecycleEventData))

struct S3Event {
  std::vector<S3Record> Records;
};
BOOST_DESCRIBE_STRUCT(S3Event, (), (Records))

// Required: Records, each record's s3 with bucket.name and object.key.
void lift_rules(lift::json::Rules<S3Event>& r);
void lift_rules(lift::json::Rules<S3Record>& r);
void lift_rules(lift::json::Rules<S3Entity>& r);
void lift_rules(lift::json::Rules<S3Bucket>& r);
void lift_rules(lift::json::Rules<S3Object>& r);

// Errors: "InvalidEvent" naming the path, including `Records[0].s3.object.key: invalid
// percent-encoding`.
Result<S3Event> parse_s3(const boost::json::value& event);

// ---- through EventBridge (members in kebab-case: request_id is "request-id") ----

struct S3EventBridgeBucket {
  std::string name;
};
BOOST_DESCRIBE_STRUCT(S3EventBridgeBucket, (), (name))

struct S3EventBridgeObject {
  std::string key;  // not URL-encoded
  std::optional<std::int64_t> size;
  std::optional<std::string> etag;
  std::optional<std::string> version_id;  // "version-id"
  std::optional<std::string> sequencer;
};
BOOST_DESCRIBE_STRUCT(S3EventBridgeObject, (), (key, size, etag, version_id, sequencer))

struct S3EventBridgeDetail {
  std::string version;
  S3EventBridgeBucket bucket;
  S3EventBridgeObject object;
  std::optional<std::string> request_id;  // "request-id"
  std::optional<std::string> requester;
  std::optional<std::string> source_ip_address;
  std::optional<std::string> reason;         // "PutObject", "Lifecycle Expiration", ...
  std::optional<std::string> deletion_type;  // "Delete Marker Created", "Permanently Deleted"
  std::optional<std::string> restore_expiry_time;
  std::optional<std::string> source_storage_class;
  std::optional<std::string> destination_storage_class;
};
BOOST_DESCRIBE_STRUCT(S3EventBridgeDetail, (),
                      (version, bucket, object, request_id, requester, source_ip_address, reason, deletion_type,
                       restore_expiry_time, source_storage_class, destination_storage_class))

Result<void> lift_from_json(const boost::json::value& json, S3EventBridgeObject& out);
boost::json::value lift_to_json(const S3EventBridgeObject& object);
Result<void> lift_from_json(const boost::json::value& json, S3EventBridgeDetail& out);
boost::json::value lift_to_json(const S3EventBridgeDetail& detail);

using S3EventBridgeEvent = EventBridgeEvent<S3EventBridgeDetail>;

// parse_eventbridge<S3EventBridgeDetail>, with source "aws.s3" and detail.bucket.name and
// detail.object.key present.
Result<S3EventBridgeEvent> parse_s3_eventbridge(const boost::json::value& event);

// Options of a sample event (`lift events generate s3`).
struct S3SampleOptions {
  std::string bucket = "my-bucket";
  std::string key = "uploads/photo.jpg";
  std::string event_name = "ObjectCreated:Put";
  std::int64_t size = 1024;
  std::string region = "us-east-1";
};
BOOST_DESCRIBE_STRUCT(S3SampleOptions, (), (bucket, key, event_name, size, region))

// The S3 source: routed by "bucket" or "bucket/key-glob" (over the decoded key), or by the
// bucket's or the object's ARN ("arn:aws:s3:::bucket/key"). Object notifications delivered
// through EventBridge ("Object Created", "Object Deleted") reach the same routes as an S3Record
// built from the EventBridge detail (the key URL-encoded as S3 sends it; ctx.record() is then
// the EventBridge event). S3 has no partial batch response: the first failure fails the
// invocation.
struct S3 {
  static constexpr SourceInfo info{"s3", "Amazon S3 event notifications (direct or through EventBridge)"};
  using Event = S3Event;
  using Record = S3Record;
  using adapts = EventBridge;
  static bool detect(const boost::json::value& event) noexcept { return records_event_source(event) == "aws:s3"; }
  static void summarize(const boost::json::value& event, Summary& out);
  using SampleOptions = S3SampleOptions;
  static constexpr SampleOption sample_options[] = {
      {"bucket", "the bucket's name"},
      {"key", "the object's key (written URL-encoded, as S3 does)"},
      {"event_name", "ObjectCreated:Put, ObjectRemoved:Delete, ..."},
      {"size", "the object's size in bytes"},
      {"region", "the AWS region"},
  };
  // One record; an ObjectRemoved event has no size or eTag, as S3 sends it.
  static Result<boost::json::value> sample(const SampleOptions& options);
  static Result<Event> parse(const boost::json::value& event) { return parse_s3(event); }
  static std::span<const Record> records(const Event& event) noexcept { return event.Records; }
  static std::vector<const boost::json::value*> raw_records(const boost::json::value& event) { return array_items(event, "Records"); }
  static bool matches(std::string_view pattern, const Record& r);
  static std::string describe(const Record& r) { return "the S3 object " + r.s3.bucket.name + "/" + r.s3.object.decoded_key(); }
  static constexpr Failures failures = Failures::fail_invocation;
  static std::string_view item_id(const Record& r) noexcept { return r.s3.object.key; }
  // A pattern names the bucket first: "/key" is a mistake.
  static std::optional<std::string> check_pattern(std::string_view pattern) {
    if (!pattern.starts_with("arn:") && pattern.starts_with('/')) return "it starts with the bucket (\"bucket/key-glob\")";
    return std::nullopt;
  }
  // An EventBridge event from aws.s3 with detail-type "Object Created" or "Object Deleted".
  static bool adaptable(const boost::json::value& event) noexcept;
  // That event as a notification of one record.
  static Result<Event> adapt(const boost::json::value& event);
};
LIFT_EVENT_SOURCE(S3);

}  // namespace lift::events

#pragma once
// Amazon SNS's Publish and PublishBatch over the AWS query protocol (a form-encoded POST,
// Version 2010-03-31, XML answers; SigV4 service "sns"), retried by the standard policy and
// bounded by the caller's deadline.
//
//   auto sns = lift::aws::SnsClient::create();
//   if (!sns) return sns.error();
//   auto sent = sns->publish({.topic_arn = arn, .message = "disk full", .subject = "alert"},
//                            std::chrono::steady_clock::now() + 2s);
//   if (!sent) log(sent.error().code);   // "SNS.NotFound", "SNS.AuthorizationError", ...
//
// Thread safety: a client's settings are fixed once created and it sends over a thread-safe
// HTTP client and credentials chain; share one across every worker of lift::run(app).

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lift/aws/message_attribute.hpp"
#include "lift/aws/service_options.hpp"
#include "lift/core/result.hpp"

namespace lift::aws {

// Error codes are "SNS." and the code of SNS's XML error ("SNS.NotFound", "SNS.AuthorizationError",
// "SNS.InvalidParameter", "SNS.KMSAccessDenied", ...); those callers act on are named here.
inline constexpr std::string_view kSnsNotFound = "SNS.NotFound";
inline constexpr std::string_view kSnsAuthorizationError = "SNS.AuthorizationError";
inline constexpr std::string_view kSnsThrottling = "SNS.Throttling";  // retried
// A request SNS would refuse, answered without a call (no target, empty message, ...).
inline constexpr std::string_view kSnsInvalidParameter = "SNS.InvalidParameter";
inline constexpr std::string_view kSnsInvalidParameterValue = "SNS.InvalidParameterValue";
inline constexpr std::string_view kSnsEmptyBatchRequest = "SNS.EmptyBatchRequest";
inline constexpr std::string_view kSnsTooManyEntriesInBatchRequest = "SNS.TooManyEntriesInBatchRequest";
inline constexpr std::string_view kSnsBatchEntryIdsNotDistinct = "SNS.BatchEntryIdsNotDistinct";
inline constexpr std::string_view kSnsInvalidBatchEntryId = "SNS.InvalidBatchEntryId";
inline constexpr std::string_view kSnsBatchRequestTooLong = "SNS.BatchRequestTooLong";
// An answer that is not SNS's XML (status kept, 502 for a 2xx).
inline constexpr std::string_view kSnsMalformedResponse = "SNS.MalformedResponse";

inline constexpr std::size_t kSnsMaxBatchEntries = 10;
// The most a message (or a whole batch) may weigh: body, subject and attributes' names, types
// and values, in bytes.
inline constexpr std::size_t kSnsMaxPayloadBytes = 256 * 1024;

using SnsOptions = ServiceOptions;

struct PublishRequest {
  // Exactly one of these three: a topic, an endpoint of a mobile push target, or an SMS number.
  std::string topic_arn{};
  std::string target_arn{};
  std::string phone_number{};
  std::string message{};
  std::string subject{};  // e-mail subscriptions: up to 100 printable ASCII characters, no line break
  // "json": `message` is a JSON object of a text per protocol, with at least a "default" one.
  std::string message_structure{};
  MessageAttributes attributes{};  // String, Number, Binary and String.Array
  std::string message_group_id{};  // FIFO topics: required
  std::string deduplication_id{};  // FIFO topics without content-based deduplication
};

struct PublishResult {
  std::string message_id{};
  std::string sequence_number{};  // FIFO topics
};

struct PublishBatchEntry {
  std::string id{};  // unique in the batch: letters, digits, '-', '_', up to 80
  std::string message{};
  std::string subject{};
  std::string message_structure{};
  MessageAttributes attributes{};
  std::string message_group_id{};
  std::string deduplication_id{};
};

struct PublishBatchRequest {
  std::string topic_arn{};
  std::vector<PublishBatchEntry> entries{};  // 1..10, 256 KB in all
};

struct PublishedBatchEntry {
  std::string id{};
  std::string message_id{};
  std::string sequence_number{};
};

struct PublishBatchResult {
  std::vector<PublishedBatchEntry> successful{};
  std::vector<BatchEntryFailure> failed{};  // as SQS's: id, code, message, sender fault
};

class SnsClient {
 public:
  using Deadline = std::chrono::steady_clock::time_point;

  // Errors ("Config"): an endpoint that is not an http(s) URL, a region that is not a region name.
  static Result<SnsClient> create(SnsOptions options = {});

  SnsClient(SnsClient&&) noexcept;
  SnsClient& operator=(SnsClient&&) noexcept;
  ~SnsClient();

  Result<PublishResult> publish(const PublishRequest& request, Deadline deadline);
  // Entries SNS refuses are in `failed`; the call fails only when SNS refuses the whole batch.
  Result<PublishBatchResult> publish_batch(const PublishBatchRequest& request, Deadline deadline);

  [[nodiscard]] const std::string& endpoint() const;
  [[nodiscard]] const std::string& region() const;

 private:
  struct Impl;
  explicit SnsClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

using QueryParameters = std::vector<std::pair<std::string, std::string>>;

// Pure halves of the calls, for tests and fuzzing.
//
// The query parameters after Action and Version, in the order the AWS SDKs write them. Errors:
// the kSns* validation codes above, status 400.
Result<QueryParameters> publish_parameters(const PublishRequest& request);
Result<QueryParameters> publish_batch_parameters(const PublishBatchRequest& request);

// Answers (the XML bodies). Errors: kSnsMalformedResponse (502).
Result<PublishResult> parse_publish(std::string_view body);
Result<PublishBatchResult> parse_publish_batch(std::string_view body);

// SNS's XML error answer as an Error coded "SNS.<Code>". Never fails.
Error parse_sns_error(int http_status, std::string_view body);

}  // namespace lift::aws

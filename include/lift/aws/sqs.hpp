#pragma once
// Amazon SQS over its JSON protocol (application/x-amz-json-1.0, X-Amz-Target AmazonSQS.<Op>,
// SigV4 service "sqs"): send (one or a batch), receive, delete (one or a batch), change a
// message's visibility, find a queue's URL. Retried by the standard policy and bounded by the
// caller's deadline; the MD5 digests SQS returns of bodies and attributes are checked, as the
// AWS SDKs check them.
//
//   auto sqs = lift::aws::SqsClient::create();
//   if (!sqs) return sqs.error();
//   auto sent = sqs->send_message({.queue_url = url, .body = R"({"order":42})"}, std::chrono::steady_clock::now() + 2s);
//   if (!sent) log(sent.error().code);   // "SQS.QueueDoesNotExist", ...
//
// Thread safety: a client's settings are fixed once created and it sends over a thread-safe
// HTTP client and credentials chain; share one across every worker of lift::run(app).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lift/aws/message_attribute.hpp"
#include "lift/aws/service_options.hpp"
#include "lift/core/result.hpp"

namespace lift::aws {

// Error codes are "SQS." and the AWS error name without its "Exception" suffix ("SQS.QueueDoesNotExist",
// "SQS.ReceiptHandleIsInvalid", "SQS.OverLimit", ...); those callers act on are named here.
inline constexpr std::string_view kSqsQueueDoesNotExist = "SQS.QueueDoesNotExist";
inline constexpr std::string_view kSqsThrottling = "SQS.RequestThrottled";  // retried
// A request SQS would refuse, answered without a call (bad delay, empty body, ...).
inline constexpr std::string_view kSqsInvalidParameterValue = "SQS.InvalidParameterValue";
inline constexpr std::string_view kSqsEmptyBatchRequest = "SQS.EmptyBatchRequest";
inline constexpr std::string_view kSqsTooManyEntriesInBatchRequest = "SQS.TooManyEntriesInBatchRequest";
inline constexpr std::string_view kSqsBatchEntryIdsNotDistinct = "SQS.BatchEntryIdsNotDistinct";
inline constexpr std::string_view kSqsInvalidBatchEntryId = "SQS.InvalidBatchEntryId";
// An answer that is not SQS's JSON, or whose MD5 digests do not match what was sent or received
// (status kept, 502 for a 2xx).
inline constexpr std::string_view kSqsMalformedResponse = "SQS.MalformedResponse";

inline constexpr std::size_t kSqsMaxBatchEntries = 10;

using SqsOptions = ServiceOptions;

struct SendMessageRequest {
  std::string queue_url{};
  std::string body{};
  MessageAttributes attributes{};
  std::optional<int> delay_seconds{};  // 0..900; standard queues only
  std::string message_group_id{};     // FIFO queues: required; empty: not sent
  std::string deduplication_id{};     // FIFO queues without content-based deduplication
};

struct SentMessage {
  std::string message_id{};
  std::string md5_of_body{};
  std::string md5_of_attributes{};
  std::string sequence_number{};  // FIFO queues
};

struct SendMessageBatchEntry {
  std::string id{};  // unique in the batch: letters, digits, '-', '_', up to 80
  std::string body{};
  MessageAttributes attributes{};
  std::optional<int> delay_seconds{};
  std::string message_group_id{};
  std::string deduplication_id{};
};

struct SendMessageBatchRequest {
  std::string queue_url{};
  std::vector<SendMessageBatchEntry> entries{};  // 1..10
};

struct SentBatchEntry {
  std::string id{};
  SentMessage message{};
};

struct SendMessageBatchResult {
  std::vector<SentBatchEntry> successful{};
  std::vector<BatchEntryFailure> failed{};
};

struct ReceiveMessageRequest {
  std::string queue_url{};
  int max_messages = 1;                    // 1..10
  std::optional<int> wait_time_seconds{};  // 0..20: long polling (keep the deadline longer)
  std::optional<int> visibility_timeout{}; // 0..43200
  std::vector<std::string> attribute_names{};          // system attributes: "All", "SentTimestamp", ...
  std::vector<std::string> message_attribute_names{};  // "All", names, or "prefix.*"
  std::string receive_request_attempt_id{};            // FIFO queues
};

struct ReceivedMessage {
  std::string message_id{};
  std::string receipt_handle{};
  std::string body{};
  std::string md5_of_body{};
  std::map<std::string, std::string> attributes{};  // system attributes asked for
  MessageAttributes message_attributes{};
  std::string md5_of_message_attributes{};
};

struct DeleteMessageBatchEntry {
  std::string id{};
  std::string receipt_handle{};
};

struct DeleteMessageBatchResult {
  std::vector<std::string> successful{};  // ids
  std::vector<BatchEntryFailure> failed{};
};

class SqsClient {
 public:
  using Deadline = std::chrono::steady_clock::time_point;

  // Errors ("Config"): an endpoint that is not an http(s) URL, a region that is not a region name.
  static Result<SqsClient> create(SqsOptions options = {});

  SqsClient(SqsClient&&) noexcept;
  SqsClient& operator=(SqsClient&&) noexcept;
  ~SqsClient();

  Result<SentMessage> send_message(const SendMessageRequest& request, Deadline deadline);
  // Entries SQS refuses are in `failed`; the call fails only when SQS refuses the whole batch.
  Result<SendMessageBatchResult> send_message_batch(const SendMessageBatchRequest& request, Deadline deadline);
  // No message is an empty list (after up to wait_time_seconds).
  Result<std::vector<ReceivedMessage>> receive_message(const ReceiveMessageRequest& request, Deadline deadline);
  Result<void> delete_message(std::string_view queue_url, std::string_view receipt_handle, Deadline deadline);
  Result<DeleteMessageBatchResult> delete_message_batch(std::string_view queue_url,
                                                        const std::vector<DeleteMessageBatchEntry>& entries, Deadline deadline);
  // 0..43200 seconds; 0 makes the message visible again at once.
  Result<void> change_message_visibility(std::string_view queue_url, std::string_view receipt_handle, int visibility_timeout,
                                         Deadline deadline);
  // `owner_account_id`: the queue's account when it is another's; empty: not sent.
  Result<std::string> get_queue_url(std::string_view queue_name, Deadline deadline, std::string_view owner_account_id = {});

  [[nodiscard]] const std::string& endpoint() const;
  [[nodiscard]] const std::string& region() const;

 private:
  struct Impl;
  explicit SqsClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Pure halves of the calls, for tests and fuzzing.
//
// Request bodies (JSON text). Errors: the kSqs* validation codes above, status 400.
Result<std::string> send_message_body(const SendMessageRequest& request);
Result<std::string> send_message_batch_body(const SendMessageBatchRequest& request);
Result<std::string> receive_message_body(const ReceiveMessageRequest& request);

// Answers. A member of the wrong type, a body that is not a JSON object, or an MD5 that does not
// match give kSqsMalformedResponse (502). `sent` is what was sent, to check the digests against.
Result<SentMessage> parse_send_message(std::string_view body, const SendMessageRequest& sent);
Result<SendMessageBatchResult> parse_send_message_batch(std::string_view body, const SendMessageBatchRequest& sent);
Result<std::vector<ReceivedMessage>> parse_receive_message(std::string_view body);
Result<DeleteMessageBatchResult> parse_delete_message_batch(std::string_view body);

// SQS's error answer as an Error coded as described above. Never fails.
Error parse_sqs_error(int http_status, std::string_view body, std::string_view error_type = {});

// The MD5 SQS computes of message attributes (hex): names sorted, each length-prefixed with its
// type and value. Empty for no attributes.
std::string sqs_attributes_md5(const MessageAttributes& attributes);

}  // namespace lift::aws

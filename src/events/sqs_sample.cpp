// The sample SQS event (`lift events generate sqs`). Compiled on its own rather than in a unity
// batch with the source's model: event detection links every source's model into every
// function, and the MD5 of the sample's bodies would bring OpenSSL's digest code along, whose
// static initialiser (a CPU feature probe) would then run at every cold start.
#include <chrono>
#include <string>

#include "lift/core/base64.hpp"
#include "lift/core/digest.hpp"
#include "lift/core/hex.hpp"
#include "lift/core/random.hpp"
#include "lift/core/time.hpp"
#include "lift/core/uuid.hpp"
#include "lift/events/sqs.hpp"

namespace lift::events {

Result<boost::json::value> Sqs::sample(const SampleOptions& options) {
  if (options.queue.empty()) return invalid_sample("the queue's name is empty");
  if (options.body.empty()) return invalid_sample("an SQS event has at least one message");
  if (options.region.empty()) return invalid_sample("the region is empty");
  const bool fifo = options.fifo || options.queue.ends_with(".fifo");
  if (fifo && options.group_id.empty()) return invalid_sample("a FIFO queue's message has a group id");
  const std::string queue = fifo && !options.queue.ends_with(".fifo") ? options.queue + ".fifo" : options.queue;
  const auto md5 = [](std::string_view text) { return hex::encode(digest::md5(text)); };
  const auto now = epoch_ms(std::chrono::system_clock::now());
  const std::string sequence_base = random_digits(14);
  boost::json::array records;
  for (std::size_t i = 0; i < options.body.size(); ++i) {
    const auto& body = options.body[i];
    boost::json::object attributes{{"ApproximateReceiveCount", "1"},
                                   {"SentTimestamp", std::to_string(now - 200 + static_cast<std::int64_t>(i))},
                                   {"SenderId", "AIDAIENQZJOLO23YVJ4VO"},
                                   {"ApproximateFirstReceiveTimestamp", std::to_string(now)}};
    if (fifo) {
      attributes["SequenceNumber"] = "1" + sequence_base + std::to_string(100000 + i);
      attributes["MessageGroupId"] = options.group_id;
      attributes["MessageDeduplicationId"] = md5(body + std::to_string(i));
    }
    records.push_back(boost::json::object{{"messageId", uuid()},
                                          {"receiptHandle", "AQEB" + base64::encode(random_hex(48))},
                                          {"body", body},
                                          {"attributes", std::move(attributes)},
                                          {"messageAttributes", boost::json::object{}},
                                          {"md5OfBody", md5(body)},
                                          {"eventSource", "aws:sqs"},
                                          {"eventSourceARN", "arn:aws:sqs:" + options.region + ":" + std::string(kSampleAccount) + ":" + queue},
                                          {"awsRegion", options.region}});
  }
  return boost::json::value{{"Records", std::move(records)}};
}

}  // namespace lift::events

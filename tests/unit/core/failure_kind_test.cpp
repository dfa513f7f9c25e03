// Which failures are worth another attempt: the classification the AWS clients' retries, the
// resilience retry and the circuit breaker share.
#include "lift/core/failure_kind.hpp"

#include <gtest/gtest.h>

namespace {

using lift::classify_error;
using lift::classify_failure;
using lift::FailureKind;

TEST(FailureKind, ClassifiesFailuresLikeTheSdks) {
  EXPECT_EQ(classify_failure(400, "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException"),
            FailureKind::throttling);
  EXPECT_EQ(classify_failure(400, "ThrottlingException"), FailureKind::throttling);
  EXPECT_EQ(classify_failure(503, "SlowDown"), FailureKind::throttling);
  EXPECT_EQ(classify_failure(429, ""), FailureKind::throttling);
  EXPECT_EQ(classify_failure(500, "InternalServerError"), FailureKind::transient);
  EXPECT_EQ(classify_failure(502, ""), FailureKind::transient);
  EXPECT_EQ(classify_failure(504, ""), FailureKind::transient);
  EXPECT_EQ(classify_failure(0, ""), FailureKind::transient);  // the connection dropped
  EXPECT_EQ(classify_failure(400, "RequestTimeout"), FailureKind::transient);
  EXPECT_EQ(classify_failure(400, "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"), FailureKind::fatal);
  EXPECT_EQ(classify_failure(400, "ValidationException"), FailureKind::fatal);
  EXPECT_EQ(classify_failure(403, "AccessDeniedException"), FailureKind::fatal);
  EXPECT_EQ(classify_failure(404, ""), FailureKind::fatal);
}

TEST(FailureKind, ClassifiesTransportCodesAndServiceErrors) {
  EXPECT_EQ(classify_error({"Http.Timeout", "", 504}), FailureKind::timeout);
  EXPECT_EQ(classify_error({"Http.ConnectFailed", "", 502}), FailureKind::transient);
  EXPECT_EQ(classify_error({"Http.ConnectionLost", "", 502}), FailureKind::transient);
  for (const char* fatal : {"Http.TlsFailed", "Http.ResponseTooLarge", "Http.MalformedResponse", "Http.InvalidUrl",
                            "Http.InvalidRequest", "Http.ProxyFailed"})
    EXPECT_EQ(classify_error({fatal, "", 502}), FailureKind::fatal) << fatal;
  EXPECT_EQ(classify_error({"DynamoDB.ProvisionedThroughputExceeded", "", 400}), FailureKind::throttling);
  EXPECT_EQ(classify_error({"DynamoDB.Throttling", "", 400}), FailureKind::throttling);
  EXPECT_EQ(classify_error({"DynamoDB.ConditionalCheckFailed", "", 400}), FailureKind::fatal);
  EXPECT_EQ(classify_error({"ThrottlingException", "", 400}), FailureKind::throttling);
  EXPECT_EQ(classify_error({"Whatever", "", 503}), FailureKind::transient);
}

TEST(FailureKind, RetryableIsEveryKindButFatal) {
  EXPECT_TRUE(lift::is_retryable({"Anything", "", 500}));  // an Error's default status is 500
  EXPECT_TRUE(lift::is_retryable({"TooManyRequests", "", 429}));
  EXPECT_TRUE(lift::is_retryable({"Http.Timeout", "", 504}));
  EXPECT_FALSE(lift::is_retryable({"NotFound", "", 404}));
  EXPECT_FALSE(lift::is_retryable({"NotImplemented", "", 501}));
  EXPECT_FALSE(lift::is_retryable({"DynamoDB.ConditionalCheckFailed", "", 400}));
}

}  // namespace

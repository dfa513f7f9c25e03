#pragma once
// Every typed event model and the batch response, for code that handles several sources.

#include "lift/events/authorizer.hpp"
#include "lift/events/batch.hpp"
#include "lift/events/cloudwatch_logs.hpp"
#include "lift/events/cognito.hpp"
#include "lift/events/common.hpp"
#include "lift/events/detect.hpp"
#include "lift/events/dynamodb_stream.hpp"
#include "lift/events/eventbridge.hpp"
#include "lift/events/firehose.hpp"
#include "lift/events/http_sources.hpp"
#include "lift/events/kafka.hpp"
#include "lift/events/kinesis.hpp"
#include "lift/events/s3.hpp"
#include "lift/events/sns.hpp"
#include "lift/events/source.hpp"
#include "lift/events/sqs.hpp"

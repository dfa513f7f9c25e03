// The runtime loop against a scripted Runtime API: every endpoint and header, errors,
// streaming, misbehaving answers and concurrent workers.
#include "lift/runtime/runtime.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <set>
#include <string>
#include <vector>
#include <stdexcept>
#include <thread>

#include "lift/core/base64.hpp"
#include "support/fake_runtime_api.hpp"
#include "support/json.hpp"

namespace {

using lift::testing_support::json_of;
using namespace lift::runtime;
using lift::testing_support::FakeRuntimeApi;
using lift::testing_support::invocation;
using lift::testing_support::ScriptedAnswer;
using lift::testing_support::hang_up_after_reading;
using lift::testing_support::never_answer;
using lift::testing_support::short_answer;
using namespace std::chrono_literals;

Options options_for(const FakeRuntimeApi& api, unsigned concurrency = 1) {
  Options options;
  options.runtime_api = api.endpoint();
  options.concurrency = concurrency;
  return options;
}

TEST(Runtime, PostsTheHandlersResponseAndPassesTheWholeContext) {
  FakeRuntimeApi api({invocation("req-1", R"({"n":1})",
                                 {{"Lambda-Runtime-Trace-Id", "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Sampled=1"},
                                  {"Lambda-Runtime-Client-Context", R"({"env":{}})"},
                                  {"Lambda-Runtime-Cognito-Identity", R"({"cognitoIdentityId":"c"})"},
                                  {"Lambda-Runtime-Aws-Tenant-Id", "tenant-a"},
                                  {"Lambda-Runtime-Invocation-Id", "inv-9"}}),
                      invocation("req-2", R"({"n":2})")});
  std::vector<InvocationContext> seen;
  std::vector<std::string> traces;
  const int code = run(
      [&](const Invocation& in) -> lift::Result<Response> {
        seen.push_back(in.context);
        const char* trace = std::getenv("_X_AMZN_TRACE_ID");
        traces.emplace_back(trace != nullptr ? trace : "<unset>");
        return Response{"{\"echo\":" + in.payload + "}", "application/json"};
      },
      options_for(api));
  EXPECT_EQ(code, 1);  // the API went away
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].request_id, "req-1");
  EXPECT_EQ(seen[0].invoked_function_arn, "arn:aws:lambda:us-east-1:123456789012:function:test");
  EXPECT_GT(seen[0].remaining().count(), 0);
  EXPECT_EQ(seen[0].trace_id, "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Sampled=1");
  EXPECT_EQ(seen[0].client_context, R"({"env":{}})");
  EXPECT_EQ(seen[0].cognito_identity, R"({"cognitoIdentityId":"c"})");
  EXPECT_EQ(seen[0].tenant_id, "tenant-a");
  EXPECT_EQ(seen[0].invocation_id, "inv-9");
  // Single concurrency exports the trace id for code that reads it from the environment.
  EXPECT_EQ(traces[0], seen[0].trace_id);
  EXPECT_EQ(traces[1], "<unset>");

  auto responses = api.requests_to("/response");
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_EQ(responses[0].method, "POST");
  EXPECT_EQ(responses[0].target, "/2018-06-01/runtime/invocation/req-1/response");
  EXPECT_EQ(responses[0].body, R"({"echo":{"n":1}})");
  EXPECT_EQ(responses[0].header("Content-Type"), "application/json");
  EXPECT_EQ(responses[0].header("Lambda-Runtime-Invocation-Id"), "inv-9");
  EXPECT_EQ(responses[1].header("Lambda-Runtime-Invocation-Id"), "");
  // One kept-alive connection for everything until the API hung up.
  auto all = api.requests();
  ASSERT_GE(all.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(all[i].connection, 1) << all[i].target;
  EXPECT_EQ(api.requests().front().target, "/2018-06-01/runtime/invocation/next");
}

TEST(Runtime, TheTraceIdIsRewrittenInPlaceSoTheEnvironmentDoesNotGrow) {
  // glibc's setenv keeps every value it was given: one new string per invocation for the life of
  // the process. The runtime rewrites one buffer instead: same address, new value.
  std::vector<ScriptedAnswer> script;
  for (int i = 0; i < 50; ++i) {
    const std::string root = "Root=1-5bef4de7-" + std::string(24 - std::to_string(i).size(), '0') + std::to_string(i);
    script.push_back(invocation("req-" + std::to_string(i), "{}", {{"Lambda-Runtime-Trace-Id", root + ";Sampled=1"}}));
  }
  FakeRuntimeApi api(std::move(script));
  std::set<const char*> addresses;
  std::vector<std::string> seen, expected;
  (void)run(
      [&](const Invocation& in) -> lift::Result<Response> {
        const char* trace = std::getenv("_X_AMZN_TRACE_ID");
        addresses.insert(trace);
        seen.emplace_back(trace != nullptr ? trace : "<unset>");
        expected.push_back(in.context.trace_id);
        return Response{"{}"};
      },
      options_for(api));
  ASSERT_EQ(seen.size(), 50u);
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(addresses.size(), 1u);
}

TEST(Runtime, AFailedResultBecomesATypedError) {
  FakeRuntimeApi api({invocation("req-1", "{}")});
  (void)run([](const Invocation&) -> lift::Result<Response> { return lift::Error{"OrderNotFound", "no order 7", 404}; },
            options_for(api));
  auto errors = api.requests_to("/error");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].target, "/2018-06-01/runtime/invocation/req-1/error");
  EXPECT_EQ(errors[0].header("Lambda-Runtime-Function-Error-Type"), "OrderNotFound");
  auto body = json_of(errors[0].body);
  EXPECT_EQ(body.at("errorType").as_string(), "OrderNotFound");
  EXPECT_EQ(body.at("errorMessage").as_string(), "no order 7");
  EXPECT_TRUE(body.at("stackTrace").is_array());
  EXPECT_TRUE(api.requests_to("/response").empty());
}

struct PaymentDeclined : std::runtime_error {
  using std::runtime_error::runtime_error;
};

TEST(Runtime, HandlerExceptionsNeverKillTheProcess) {
  FakeRuntimeApi api({invocation("a", "{}"), invocation("b", "{}"), invocation("c", "{}")});
  int calls = 0;
  (void)run(
      [&](const Invocation& in) -> lift::Result<Response> {
        ++calls;
        if (in.context.request_id == "a") throw PaymentDeclined("card declined");
        if (in.context.request_id == "b") throw 42;
        return Response{"\"ok\""};
      },
      options_for(api));
  EXPECT_EQ(calls, 3);
  auto errors = api.requests_to("/error");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].header("Lambda-Runtime-Function-Error-Type"), "(anonymous namespace)::PaymentDeclined");
  EXPECT_EQ(json_of(errors[0].body).at("errorMessage").as_string(), "card declined");
  EXPECT_EQ(errors[1].header("Lambda-Runtime-Function-Error-Type"), "int");
  ASSERT_EQ(api.requests_to("/response").size(), 1u);
}

TEST(Runtime, OversizeResponsesAreReportedNotSent) {
  FakeRuntimeApi api({invocation("big", "{}"), invocation("fits", "{}")});
  Options options = options_for(api);
  options.max_response_bytes = 1000;
  (void)run(
      [](const Invocation& in) -> lift::Result<Response> {
        return Response{std::string(in.context.request_id == "big" ? 1001 : 1000, 'x')};
      },
      options);
  auto errors = api.requests_to("/error");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].target, "/2018-06-01/runtime/invocation/big/error");
  EXPECT_EQ(errors[0].header("Lambda-Runtime-Function-Error-Type"), "Function.ResponseSizeTooLarge");
  ASSERT_EQ(api.requests_to("/response").size(), 1u);
  EXPECT_EQ(api.requests_to("/response")[0].body.size(), 1000u);
}

TEST(Runtime, TheContentTypeIsJsonUnlessTheResponseNamesAnother) {
  FakeRuntimeApi api({invocation("json", "{}"), invocation("text", "{}"), invocation("split", "{}")});
  (void)run(
      [](const Invocation& in) -> lift::Result<Response> {
        if (in.context.request_id == "json") return Response{"{}"};
        if (in.context.request_id == "text") return Response{"plain", "text/plain; charset=utf-8"};
        return Response{"x", "text/plain\r\nX-Injected: 1"};
      },
      options_for(api));
  auto responses = api.requests_to("/response");
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_EQ(responses[0].header("Content-Type"), "application/json");
  EXPECT_EQ(responses[1].header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(responses[1].body, "plain");
  // A line break would have split the header block: reported as the invocation's error instead.
  auto errors = api.requests_to("/error");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].target, "/2018-06-01/runtime/invocation/split/error");
  EXPECT_EQ(errors[0].header("Lambda-Runtime-Function-Error-Type"), "Runtime.InvalidContentType");
  EXPECT_EQ(errors[0].header("X-Injected"), "");
}

TEST(Runtime, TheDefaultLimitIsLambdas6MiB) {
  FakeRuntimeApi api({invocation("big", "{}")});
  (void)run([](const Invocation&) -> lift::Result<Response> { return Response{std::string(kMaxBufferedResponseBytes + 1, 'x')}; },
            options_for(api));
  ASSERT_EQ(api.requests_to("/error").size(), 1u);
  EXPECT_EQ(api.requests_to("/error")[0].header("Lambda-Runtime-Function-Error-Type"), "Function.ResponseSizeTooLarge");
}

std::vector<std::string> serve_and_record(const FakeRuntimeApi& api) {
  std::vector<std::string> handled;
  const int code = run(
      [&](const Invocation& in) -> lift::Result<Response> {
        handled.push_back(in.context.request_id);
        return Response{"{}"};
      },
      options_for(api));
  EXPECT_EQ(code, 1);
  return handled;
}

TEST(Runtime, SurvivesInvocationsWithBadHeaders) {
  ScriptedAnswer no_id = invocation("x", "{}");
  no_id.headers.erase(no_id.headers.begin());  // no request id: nothing to report against
  ScriptedAnswer bad_deadline = invocation("bad-deadline", "{}");
  bad_deadline.headers[1].second = "tomorrow";
  ScriptedAnswer traversal = invocation("../../init/error", "{}");
  FakeRuntimeApi api({no_id, bad_deadline, traversal, invocation("good", "{}")});
  EXPECT_EQ(serve_and_record(api), std::vector<std::string>{"good"});
  auto errors = api.requests_to("/error");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].target, "/2018-06-01/runtime/invocation/bad-deadline/error");
  EXPECT_EQ(errors[0].header("Lambda-Runtime-Function-Error-Type"), "Runtime.MalformedInvocation");
  for (const auto& r : api.requests()) EXPECT_EQ(r.target.find("init"), std::string::npos) << r.target;
  ASSERT_EQ(api.requests_to("/response").size(), 1u);
}

// Each line of a captured log, parsed (a line that is not JSON fails the test).
std::vector<boost::json::value> json_lines(const std::string& log) {
  std::vector<boost::json::value> lines;
  for (std::size_t start = 0, end; (end = log.find('\n', start)) != std::string::npos; start = end + 1)
    lines.push_back(json_of(log.substr(start, end - start)));
  return lines;
}

// "request_id error_type" of each line that reports an answer without a reply.
std::vector<std::string> unanswered(const std::string& log) {
  std::vector<std::string> found;
  for (const auto& line : json_lines(log)) {
    if (std::string(line.at("message").as_string()).find("no reply") == std::string::npos || !line.as_object().contains("request_id"))
      continue;
    found.push_back(std::string(line.at("request_id").as_string()) + " " + std::string(line.at("error_type").as_string()));
  }
  return found;
}

TEST(Runtime, ItsDiagnosticsAreJsonLines) {
  ScriptedAnswer bad_deadline = invocation("bad-deadline", "{}");
  bad_deadline.headers[1].second = "to\"morrow";
  FakeRuntimeApi api({bad_deadline, invocation("fails", "{}")});
  testing::internal::CaptureStderr();
  (void)run([](const Invocation&) -> lift::Result<Response> { return lift::Error{"OrderNotFound", "no order 7", 404}; },
            options_for(api));
  const std::string log = testing::internal::GetCapturedStderr();
  const auto lines = json_lines(log);
  ASSERT_EQ(lines.size(), 3u) << log;  // the rejection, the handler's failure, giving up
  for (const auto& line : lines) {
    EXPECT_EQ(line.at("level"), "ERROR") << line;
    EXPECT_EQ(line.at("source"), "lift.runtime") << line;
  }
  EXPECT_EQ(lines[0].at("request_id"), "bad-deadline");
  EXPECT_EQ(lines[0].at("error_type"), "Runtime.MalformedInvocation");
  EXPECT_NE(std::string(lines[0].at("error").as_string()).find("to\"morrow"), std::string::npos);
  EXPECT_EQ(lines[1].at("message"), "invocation failed");
  EXPECT_EQ(lines[1].at("request_id"), "fails");
  EXPECT_EQ(lines[1].at("error_type"), "OrderNotFound");
  EXPECT_EQ(lines[1].at("error"), "no order 7");
  EXPECT_EQ(lines[2].at("message"), "giving up on the Runtime API");
}

TEST(Runtime, SurvivesBrokenAnswers) {
  ScriptedAnswer server_error;
  server_error.status = 500;
  ScriptedAnswer truncated;
  truncated.raw = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"partial";
  ScriptedAnswer garbage;
  garbage.raw = "this is not HTTP at all\r\n\r\n";
  FakeRuntimeApi api({server_error, truncated, garbage, invocation("good", "{}")});
  EXPECT_EQ(serve_and_record(api), std::vector<std::string>{"good"});
  ASSERT_EQ(api.requests_to("/response").size(), 1u);
}

// The client reads the API's answers itself: any case of field names, no reason phrase, a
// chunked body (with a chunk extension and a trailer), and a Connection: close it honours. Each
// event is read into the same context, which must not keep a header of the one before.
TEST(Runtime, ReadsEveryFramingOfTheApiAnswersIntoAFreshContext) {
  ScriptedAnswer chunked;
  chunked.raw =
      "HTTP/1.1 200\r\nlambda-runtime-aws-request-id: chunked\r\nLAMBDA-RUNTIME-DEADLINE-MS: 4102444800000\r\n"
      "Lambda-Runtime-Invoked-Function-Arn:arn:aws:lambda:us-east-1:123456789012:function:test\r\n"
      "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
      "5;part=one\r\n{\"a\":\r\n2\r\n1}\r\n0\r\nX-Trailer: ignored\r\n\r\n";
  FakeRuntimeApi api({invocation("traced", "{\"first\":true}", {{"Lambda-Runtime-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793"},
                                                                  {"Lambda-Runtime-Client-Context", "{\"client\":1}"}}),
                      chunked, invocation("last", "{}")});
  std::vector<std::string> seen;
  (void)run(
      [&](const Invocation& in) -> lift::Result<Response> {
        seen.push_back(in.context.request_id + " " + in.payload + " [" + in.context.trace_id + "][" + in.context.client_context + "]");
        return Response{"{}"};
      },
      options_for(api));
  EXPECT_EQ(seen, (std::vector<std::string>{"traced {\"first\":true} [Root=1-5759e988-bd862e3fe1be46a994272793][{\"client\":1}]",
                                            "chunked {\"a\":1} [][]", "last {} [][]"}));
  EXPECT_EQ(api.requests_to("/response").size(), 3u);
}

TEST(Runtime, GivesUpAfterFiveBrokenAnswersInARow) {
  ScriptedAnswer garbage;
  garbage.raw = "garbage\r\n\r\n";
  FakeRuntimeApi api({garbage, garbage, garbage, garbage, garbage, invocation("never", "{}")});
  EXPECT_TRUE(serve_and_record(api).empty());
}

TEST(Runtime, RefusesEventsLargerThanTheLimitAndCarriesOn) {
  FakeRuntimeApi api({invocation("huge", std::string(5000, 'x')), invocation("small", "{}")});
  Options options = options_for(api);
  options.max_event_bytes = 4096;
  std::vector<std::string> handled;
  (void)run(
      [&](const Invocation& in) -> lift::Result<Response> {
        handled.push_back(in.context.request_id);
        return Response{"{}"};
      },
      options);
  EXPECT_EQ(handled, std::vector<std::string>{"small"});
  auto errors = api.requests_to("/error");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].target, "/2018-06-01/runtime/invocation/huge/error");
  EXPECT_EQ(errors[0].header("Lambda-Runtime-Function-Error-Type"), "Runtime.EventTooLarge");
}

TEST(Runtime, ReportsWhenTheApiRefusesAResponse) {
  FakeRuntimeApi api({invocation("a", "{}"), invocation("b", "{}")}, /*post_status=*/413);
  int calls = 0;
  (void)run(
      [&](const Invocation&) -> lift::Result<Response> {
        ++calls;
        return Response{"{}"};
      },
      options_for(api));
  EXPECT_EQ(calls, 2);  // a refused response is logged; the loop goes on
}

// The request ids the handler saw, serving the API of `options` (a buffered handler that answers
// every invocation, or fails the ones whose id starts with "fail").
std::vector<std::string> serve(const Options& options) {
  std::vector<std::string> handled;
  const int code = run(
      [&](const Invocation& in) -> lift::Result<Response> {
        handled.push_back(in.context.request_id);
        if (in.context.request_id.starts_with("fail")) return lift::Error{"Failed", "as asked"};
        return Response{"{}"};
      },
      options);
  EXPECT_EQ(code, 1);
  return handled;
}

TEST(Runtime, APostThatIsNeverAnsweredTimesOutAndTheLoopCarriesOn) {
  // The API reads the response (and, next, the error report) and never answers, or answers with
  // a body shorter than its Content-Length: without a limit the worker would wait forever.
  FakeRuntimeApi api({invocation("silent", "{}"), invocation("fail-silent", "{}"), invocation("short", "{}"),
                      invocation("good", "{}")});
  api.answer_posts({never_answer(), never_answer(), short_answer()});
  Options options = options_for(api);
  options.post_timeout = 200ms;
  const auto began = std::chrono::steady_clock::now();
  testing::internal::CaptureStderr();
  EXPECT_EQ(serve(options), (std::vector<std::string>{"silent", "fail-silent", "short", "good"}));
  const std::string log = testing::internal::GetCapturedStderr();
  EXPECT_LT(std::chrono::steady_clock::now() - began, 5s);
  EXPECT_EQ(unanswered(log), (std::vector<std::string>{"silent Runtime.Timeout", "fail-silent Runtime.Timeout", "short Runtime.Timeout"}))
      << log;
  // Each was sent once, and the loop went on to the next invocation.
  EXPECT_EQ(api.requests_to("/silent/response").size(), 1u);
  EXPECT_EQ(api.requests_to("/fail-silent/error").size(), 1u);
  EXPECT_EQ(api.requests_to("/short/response").size(), 1u);
  EXPECT_EQ(api.requests_to("/good/response").size(), 1u);
}

TEST(Runtime, AResponseIsNeverPostedTwice) {
  // The API closes the connection after reading the POST: it may have taken the response, so
  // sending it again on a new connection could answer the invocation twice.
  FakeRuntimeApi api({invocation("a", "{}"), invocation("fail-b", "{}"), invocation("c", "{}")});
  api.answer_posts({hang_up_after_reading(), hang_up_after_reading()});
  testing::internal::CaptureStderr();
  EXPECT_EQ(serve(options_for(api)), (std::vector<std::string>{"a", "fail-b", "c"}));
  const std::string log = testing::internal::GetCapturedStderr();
  EXPECT_EQ(unanswered(log), (std::vector<std::string>{"a Runtime.TransportError", "fail-b Runtime.TransportError"})) << log;
  EXPECT_EQ(api.requests_to("/a/response").size(), 1u);
  EXPECT_EQ(api.requests_to("/fail-b/error").size(), 1u);
  EXPECT_EQ(api.requests_to("/c/response").size(), 1u);
  EXPECT_EQ(api.requests_to("/response").size() + api.requests_to("/error").size(), 3u);
}

TEST(Runtime, AKeptAliveConnectionClosedWhileIdleIsReplacedBeforeThePost) {
  // The API hangs up a kept-alive connection while the handler runs: nothing was sent on it
  // yet, so the response goes out, once, on a new connection.
  FakeRuntimeApi api({invocation("slow", "{}"), invocation("next", "{}")});
  std::vector<std::string> handled;
  (void)run(
      [&](const Invocation& in) -> lift::Result<Response> {
        handled.push_back(in.context.request_id);
        if (in.context.request_id == "slow") {
          api.hang_up();
          std::this_thread::sleep_for(20ms);  // for the FIN to arrive (loopback: at once)
        }
        return Response{"{}"};
      },
      options_for(api));
  EXPECT_EQ(handled, (std::vector<std::string>{"slow", "next"}));
  auto responses = api.requests_to("/slow/response");
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].connection, 2);
}

TEST(Runtime, AConnectionClosedRightAfterTheEventCostsAtMostThatResponse) {
  // The API hangs up just after sending the event, and the handler answers at once: the POST
  // may find the connection dead (it checks only after a millisecond of idleness), in which
  // case the response is reported, not sent again; or it replaces the connection first. Either
  // way it arrives at most once, and the loop goes on.
  auto first = invocation("first", "{}");
  first.hang_up = true;
  FakeRuntimeApi api({first, invocation("after", "{}")});
  testing::internal::CaptureStderr();
  EXPECT_EQ(serve(options_for(api)), (std::vector<std::string>{"first", "after"}));
  const std::string log = testing::internal::GetCapturedStderr();
  const auto delivered = api.requests_to("/first/response").size();
  EXPECT_LE(delivered, 1u);
  if (delivered == 0) {
    EXPECT_EQ(unanswered(log), std::vector<std::string>{"first Runtime.TransportError"}) << log;
  }
  EXPECT_EQ(api.requests_to("/after/response").size(), 1u);
}

TEST(Runtime, NextWaitsLongerThanThePostTimeout) {
  // The post timeout is the connection's receive timeout too; GET /next, which has no limit,
  // reads again each time it expires.
  auto late = invocation("late", "{}");
  late.delay = 300ms;
  FakeRuntimeApi api({late, invocation("later", "{}")});
  api.answer_posts({{}});
  Options options = options_for(api);
  options.post_timeout = 40ms;
  testing::internal::CaptureStderr();
  EXPECT_EQ(serve(options), (std::vector<std::string>{"late", "later"}));
  const std::string log = testing::internal::GetCapturedStderr();
  EXPECT_TRUE(unanswered(log).empty()) << log;
  EXPECT_EQ(api.requests_to("/late/response").size(), 1u);
  EXPECT_EQ(api.requests_to("/late/response")[0].connection, 1);  // the first /next was not abandoned
}

TEST(Runtime, FailedPostsCountTowardGivingUp) {
  // Five posts in a row that may not have arrived: the API is as good as gone.
  std::vector<ScriptedAnswer> script;
  for (int i = 0; i < 8; ++i) script.push_back(invocation("r" + std::to_string(i), "{}"));
  FakeRuntimeApi api(std::move(script));
  // One that succeeds in between starts the count again.
  api.answer_posts({hang_up_after_reading(), {}, hang_up_after_reading(), hang_up_after_reading(), hang_up_after_reading(),
                    hang_up_after_reading(), hang_up_after_reading()});
  EXPECT_EQ(serve(options_for(api)), (std::vector<std::string>{"r0", "r1", "r2", "r3", "r4", "r5", "r6"}));
  EXPECT_EQ(api.requests_to("/next").size(), 7u);  // r7 was never asked for
}

TEST(Runtime, StreamsAreBoundedBySilenceNotByTheirLength) {
  // A stream written over longer than the limit arrives whole: only waits without progress
  // count. One whose answer never comes is abandoned, and the loop goes on.
  FakeRuntimeApi api({invocation("slow", "{}"), invocation("unanswered", "{}"), invocation("after", "{}")});
  api.answer_posts({{}, never_answer()});
  Options options = options_for(api);
  options.post_timeout = 200ms;
  std::vector<std::string> handled;
  (void)run(
      [&](const Invocation& in, ResponseStream& out) -> lift::Result<void> {
        handled.push_back(in.context.request_id);
        for (int i = 0; i < (in.context.request_id == "slow" ? 4 : 1); ++i) {
          if (auto r = out.write("part "); !r) return r;
          if (in.context.request_id == "slow") std::this_thread::sleep_for(100ms);
        }
        return lift::ok();
      },
      options);
  EXPECT_EQ(handled, (std::vector<std::string>{"slow", "unanswered", "after"}));
  auto slow = api.requests_to("/slow/response");
  ASSERT_EQ(slow.size(), 1u);
  EXPECT_EQ(slow[0].body, "part part part part ");
  EXPECT_EQ(slow[0].header("Lambda-Runtime-Function-Error-Type"), "");
  EXPECT_EQ(api.requests_to("/unanswered/response").size(), 1u);
  EXPECT_EQ(api.requests_to("/after/response").size(), 1u);
}

TEST(Runtime, AStreamWhoseConnectionBreaksSendsNothingMore) {
  // The connection breaks mid-stream: what went may have reached the API, so no /error follows
  // (it would be a second answer); the handler sees the failure and the loop goes on.
  FakeRuntimeApi api({invocation("broken", "{}"), invocation("after", "{}")});
  std::string seen_by_handler;
  testing::internal::CaptureStderr();
  (void)run(
      [&](const Invocation& in, ResponseStream& out) -> lift::Result<void> {
        if (in.context.request_id != "broken") return out.write("fine");
        if (auto r = out.write("first"); !r) return r;
        api.hang_up();
        std::this_thread::sleep_for(20ms);
        for (int i = 0; i < 100; ++i) {
          if (auto r = out.write(std::string(64 * 1024, 'x')); !r) {
            seen_by_handler = r.error().code;
            return r;
          }
        }
        return lift::ok();
      },
      options_for(api));
  const std::string log = testing::internal::GetCapturedStderr();
  EXPECT_EQ(seen_by_handler, "Runtime.TransportError");
  EXPECT_TRUE(api.requests_to("/error").empty());
  EXPECT_TRUE(api.requests_to("/broken/response").empty());  // the API never got all of it
  ASSERT_EQ(api.requests_to("/after/response").size(), 1u);
  EXPECT_EQ(api.requests_to("/after/response")[0].body, "fine");
  EXPECT_EQ(unanswered(log), std::vector<std::string>{"broken Runtime.TransportError"}) << log;
}

TEST(Runtime, AWorkerWhosePostGoesUnansweredHoldsUpNoOther) {
  // Several workers, each on its own connection: one post left unanswered costs its worker the
  // timeout, and the others serve on meanwhile.
  std::vector<ScriptedAnswer> script;
  for (int i = 0; i < 6; ++i) script.push_back(invocation("w" + std::to_string(i), "{}"));
  FakeRuntimeApi api(std::move(script));
  api.answer_posts({never_answer()});
  Options options = options_for(api, 3);
  options.post_timeout = 300ms;
  std::mutex mutex;
  std::set<std::string> handled;
  testing::internal::CaptureStderr();
  (void)run(
      [&](const Invocation& in) -> lift::Result<Response> {
        std::lock_guard lock(mutex);
        handled.insert(in.context.request_id);
        return Response{"{}"};
      },
      options);
  const std::string log = testing::internal::GetCapturedStderr();
  EXPECT_EQ(handled.size(), 6u);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(api.requests_to("/w" + std::to_string(i) + "/response").size(), 1u) << i;
  const auto lost = unanswered(log);
  ASSERT_EQ(lost.size(), 1u) << log;
  EXPECT_TRUE(lost[0].ends_with(" Runtime.Timeout")) << lost[0];
}

TEST(Runtime, AbsurdDeadlinesAreFarAwayNotPast) {
  // 9223372036855 ms is the first value whose nanoseconds overflow 64 bits.
  std::vector<ScriptedAnswer> script;
  for (const char* deadline : {"9223372036855", "9223372036854775807", "99999999999999999999"}) {
    auto answer = invocation(deadline, "{}");
    answer.headers[1].second = deadline;
    script.push_back(std::move(answer));
  }
  FakeRuntimeApi api(std::move(script));
  std::vector<std::chrono::milliseconds> remaining;
  (void)run(
      [&](const Invocation& in) -> lift::Result<Response> {
        remaining.push_back(in.context.remaining());
        return Response{"{}"};
      },
      options_for(api));
  ASSERT_EQ(remaining.size(), 3u);
  for (auto left : remaining) {
    EXPECT_GT(left, 23h);
    EXPECT_LE(left, kDeadlineHorizon);
  }
  EXPECT_EQ(api.requests_to("/response").size(), 3u);
}

TEST(Runtime, GivesUpWhenThereIsNoRuntimeApi) {
  Options options;
  options.runtime_api = "127.0.0.1:1";  // nothing listens on port 1
  EXPECT_EQ(run([](const Invocation&) -> lift::Result<Response> { return Response{}; }, options), 1);
  ::unsetenv("AWS_LAMBDA_RUNTIME_API");
  EXPECT_EQ(run([](const Invocation&) -> lift::Result<Response> { return Response{}; }, Options{}), 2);
}

TEST(Runtime, StreamsChunkedWithTheResponseModeHeader) {
  FakeRuntimeApi api({invocation("s-1", "{}", {{"Lambda-Runtime-Invocation-Id", "inv-s"}})});
  (void)run(
      [](const Invocation&, ResponseStream& out) -> lift::Result<void> {
        if (auto r = out.set_content_type("text/plain"); !r) return r;
        for (const char* part : {"one ", "two ", "three"}) {
          if (auto r = out.write(part); !r) return r;
        }
        return lift::ok();
      },
      options_for(api));
  auto responses = api.requests_to("/response");
  ASSERT_EQ(responses.size(), 1u);
  const auto& r = responses[0];
  EXPECT_TRUE(r.chunked);
  EXPECT_EQ(r.body, "one two three");
  EXPECT_EQ(r.header("Lambda-Runtime-Function-Response-Mode"), "streaming");
  EXPECT_EQ(r.header("Content-Type"), "text/plain");
  EXPECT_EQ(r.header("Lambda-Runtime-Invocation-Id"), "inv-s");
  EXPECT_NE(r.header("Trailer").find("Lambda-Runtime-Function-Error-Type"), std::string::npos);
  EXPECT_EQ(r.header("Lambda-Runtime-Function-Error-Type"), "");
}

TEST(Runtime, StreamsAnHttpIntegrationResponse) {
  FakeRuntimeApi api({invocation("s-1", "{}")});
  (void)run(
      [](const Invocation&, ResponseStream& out) -> lift::Result<void> {
        if (auto r = out.begin_http(200, {{"content-type", "text/html"}}, {"id=1"}); !r) return r;
        return out.write("<h1>hi</h1>");
      },
      options_for(api));
  auto responses = api.requests_to("/response");
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].header("Content-Type"), "application/vnd.awslambda.http-integration-response");
  const std::string& body = responses[0].body;
  const auto nuls = body.find(std::string(8, '\0'));
  ASSERT_NE(nuls, std::string::npos);
  auto prelude = json_of(body.substr(0, nuls));
  EXPECT_EQ(prelude.at("statusCode").as_int64(), 200);
  EXPECT_EQ(prelude.at("headers").at("content-type").as_string(), "text/html");
  EXPECT_EQ(prelude.at("cookies").at(0).as_string(), "id=1");
  EXPECT_EQ(body.substr(nuls + 8), "<h1>hi</h1>");
}

TEST(Runtime, MidStreamErrorsTravelAsTrailers) {
  FakeRuntimeApi api({invocation("s-1", "{}"), invocation("s-2", "{}"), invocation("s-3", "{}")});
  (void)run(
      [](const Invocation& in, ResponseStream& out) -> lift::Result<void> {
        if (in.context.request_id == "s-1") {
          (void)out.write("partial");
          throw std::out_of_range("ran out");
        }
        if (in.context.request_id == "s-2") return lift::Error{"Validation", "bad input before any byte"};
        return lift::ok();  // nothing written: an empty stream
      },
      options_for(api));
  auto responses = api.requests_to("/response");
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_EQ(responses[0].body, "partial");
  EXPECT_EQ(responses[0].header("Lambda-Runtime-Function-Error-Type"), "std::out_of_range");
  auto error_body = lift::base64::decode(responses[0].header("Lambda-Runtime-Function-Error-Body"));
  ASSERT_TRUE(error_body);
  EXPECT_EQ(json_of(*error_body).at("errorMessage").as_string(), "ran out");
  // Before the first byte an error is an ordinary /error.
  auto errors = api.requests_to("/error");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].target, "/2018-06-01/runtime/invocation/s-2/error");
  EXPECT_EQ(responses[1].target, "/2018-06-01/runtime/invocation/s-3/response");
  EXPECT_EQ(responses[1].body, "");
  EXPECT_EQ(responses[1].header("Content-Type"), "application/octet-stream");
}

TEST(Runtime, FourWorkersServeFourInvocationsAtOnce) {
  std::vector<ScriptedAnswer> script;
  for (int i = 0; i < 4; ++i) script.push_back(invocation("c-" + std::to_string(i), "{}"));
  FakeRuntimeApi api(script);
  std::mutex mutex;
  std::condition_variable cv;
  int in_flight = 0;
  int peak = 0;
  (void)run(
      [&](const Invocation& in) -> lift::Result<Response> {
        std::unique_lock lock(mutex);
        peak = std::max(peak, ++in_flight);
        cv.notify_all();
        // Each waits for all four to be inside the handler: only true concurrency gets there.
        cv.wait_for(lock, std::chrono::seconds(5), [&] { return peak == 4; });
        --in_flight;
        return Response{"\"" + in.context.request_id + "\""};
      },
      options_for(api, 4));
  EXPECT_EQ(peak, 4);
  EXPECT_EQ(api.requests_to("/response").size(), 4u);
  std::set<int> connections;
  for (const auto& r : api.requests_to("/response")) connections.insert(r.connection);
  EXPECT_EQ(connections.size(), 4u);  // one connection per worker
  EXPECT_EQ(std::getenv("_X_AMZN_TRACE_ID"), nullptr);  // not exported with several workers
}

TEST(Runtime, ShutdownHooksRunWhenTheLoopEnds) {
  FakeRuntimeApi api({});
  Runtime runtime(options_for(api));
  int ran = 0;
  runtime.on_shutdown([&] { ++ran; });
  runtime.on_shutdown([] { throw std::runtime_error("a failing hook does not stop the others"); });
  runtime.on_shutdown([&] { ++ran; });
  EXPECT_EQ(runtime.run([](const Invocation&) -> lift::Result<Response> { return Response{}; }), 1);
  EXPECT_EQ(ran, 2);
}

TEST(Runtime, RegistersAnInternalExtensionForGracefulShutdown) {
  FakeRuntimeApi api({});
  Options options = options_for(api);
  options.graceful_shutdown = true;
  EXPECT_EQ(run([](const Invocation&) -> lift::Result<Response> { return Response{}; }, options), 1);
  auto registrations = api.requests_to("/2020-01-01/extension/register");
  ASSERT_EQ(registrations.size(), 1u);
  EXPECT_EQ(registrations[0].header("Lambda-Extension-Name"), "lift-graceful-shutdown");
  EXPECT_EQ(json_of(registrations[0].body), json_of(R"({"events":[]})"));
}

TEST(Runtime, InitReturnsTheValueWhenItSucceeds) {
  FakeRuntimeApi api({});
  Runtime runtime(options_for(api));
  EXPECT_EQ(runtime.init([] { return 41 + 1; }), 42);
  auto config = runtime.init([]() -> lift::Result<std::string> { return std::string("table"); });
  ASSERT_TRUE(config);
  EXPECT_EQ(*config, "table");
}

}  // namespace

namespace {

TEST(Runtime, OnlyTheFirstInvocationCarriesTheColdStartTiming) {
  FakeRuntimeApi api({invocation("req-1", "{}"), invocation("req-2", "{}")});
  std::vector<InvocationContext> seen;
  const auto before = std::chrono::steady_clock::now();
  (void)run([&](const Invocation& in) -> lift::Result<Response> {
    seen.push_back(in.context);
    return Response{"{}", "application/json"};
  }, options_for(api));
  const auto elapsed = std::chrono::steady_clock::now() - before;
  ASSERT_EQ(seen.size(), 2u);
  ASSERT_TRUE(seen[0].cold_start.has_value());
  EXPECT_FALSE(seen[1].cold_start.has_value());
  const auto& t = *seen[0].cold_start;
  // The loader ran before the library was initialised; the test's own set-up ran before the
  // Runtime was made; the Runtime's own part is bounded by this call.
  EXPECT_GT(t.before_main.count(), 0);
  EXPECT_GT(t.user_init.count(), 0);
  EXPECT_GE(t.runtime_init.count(), 0);
  EXPECT_LE(t.runtime_init, std::chrono::duration_cast<std::chrono::microseconds>(elapsed));
  EXPECT_EQ(t.total(), t.before_main + t.user_init + t.runtime_init);
}

}  // namespace

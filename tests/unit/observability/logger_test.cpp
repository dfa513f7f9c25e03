// The structured logger: Powertools keys, levels (ALC included), Text format, sampling,
// buffering, children, exceptions, masking, and input that must never break a line.
#include "lift/observability/logger.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <regex>
#include <stdexcept>
#include <string>

#include "observability_test_support.hpp"
#include "support/scoped_env.hpp"

namespace {

namespace json = boost::json;
using namespace lift::observability;
using lift::observability_test::Captured;
using lift::observability_test::CleanEnv;
using lift::observability_test::invocation;
using lift::observability_test::parse_or_null;
using lift::testing_support::ScopedEnv;

struct custom_failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class LoggerTest : public ::testing::Test {
 protected:
  LoggerOptions options() {
    LoggerOptions o;
    o.sink = out.sink();
    return o;
  }
  // Every captured line, checked to be one JSON object ending in exactly one newline.
  std::vector<json::object> lines() {
    std::vector<json::object> parsed;
    for (const auto& line : out.items) {
      EXPECT_FALSE(line.empty());
      EXPECT_EQ(line.back(), '\n') << line;
      EXPECT_EQ(line.find('\n'), line.size() - 1) << "a line must be one physical line";
      auto value = parse_or_null(line);
      EXPECT_TRUE(value.is_object()) << "not a JSON object: " << line.substr(0, 300);
      parsed.push_back(value.is_object() ? value.as_object() : json::object());
    }
    return parsed;
  }

  CleanEnv env;
  Captured out;
};

TEST_F(LoggerTest, JsonLineCarriesPowertoolsKeysAndTypedUserKeys) {
  ScopedEnv service("POWERTOOLS_SERVICE_NAME", "orders");
  ScopedEnv name("AWS_LAMBDA_FUNCTION_NAME", "orders-fn");
  ScopedEnv memory("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256");
  Logger log(options());
  log.begin_invocation(invocation("req-1"));
  log.info("order placed", {{"order_id", "o-42"},
                            {"quantity", 3},
                            {"big", std::uint64_t{18446744073709551615ULL}},
                            {"amount", 12.5},
                            {"paid", true},
                            {"nothing", nullptr},
                            {"items", json::value(json::array{1, "two"})}});
  log.end_invocation();
  log.begin_invocation(invocation("req-2"));
  log.warn("second");
  log.end_invocation();

  const auto all = lines();
  ASSERT_EQ(all.size(), 2u);
  const auto& line = all[0];
  EXPECT_EQ(line.at("level"), "INFO");
  EXPECT_EQ(line.at("message"), "order placed");
  EXPECT_TRUE(std::regex_match(std::string(line.at("timestamp").as_string()),
                               std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)")))
      << line.at("timestamp");
  EXPECT_EQ(line.at("service"), "orders");
  EXPECT_EQ(line.at("cold_start"), true);
  EXPECT_EQ(line.at("function_name"), "orders-fn");
  EXPECT_EQ(line.at("function_memory_size"), 256);
  EXPECT_EQ(line.at("function_arn"), "arn:aws:lambda:eu-west-1:123456789012:function:orders");
  EXPECT_EQ(line.at("function_request_id"), "req-1");
  EXPECT_EQ(line.at("xray_trace_id"), "1-5759e988-bd862e3fe1be46a994272793");
  EXPECT_FALSE(line.contains("sampling_rate"));
  EXPECT_FALSE(line.contains("correlation_id"));
  EXPECT_EQ(line.at("order_id"), "o-42");
  EXPECT_EQ(line.at("quantity"), 3);
  EXPECT_EQ(line.at("big").as_uint64(), 18446744073709551615ULL);
  EXPECT_EQ(line.at("amount"), 12.5);
  EXPECT_EQ(line.at("paid"), true);
  EXPECT_TRUE(line.at("nothing").is_null());
  EXPECT_EQ(line.at("items"), (json::array{1, "two"}));
  // The standard keys come first, in the Powertools order.
  std::vector<std::string> keys;
  for (const auto& member : line) keys.emplace_back(member.key());
  const std::vector<std::string> head(keys.begin(), keys.begin() + 11);
  EXPECT_EQ(head, (std::vector<std::string>{"level", "message", "timestamp", "service", "cold_start", "function_name",
                                            "function_memory_size", "function_arn", "function_request_id",
                                            "xray_trace_id", "order_id"}));

  EXPECT_EQ(all[1].at("cold_start"), false);
  EXPECT_EQ(all[1].at("function_request_id"), "req-2");
  EXPECT_EQ(all[1].at("level"), "WARN");
}

TEST_F(LoggerTest, NumbersArePlainDecimals) {
  Logger log(options());
  log.info("timing", {{"duration_ms", 0.267}, {"ratio", 0.000015}, {"big", 1e20}});
  ASSERT_EQ(out.items.size(), 1u);
  const std::string& line = out.items[0];
  EXPECT_NE(line.find(R"("duration_ms":0.267,"ratio":0.000015,"big":100000000000000000000})"), std::string::npos) << line;
}

TEST_F(LoggerTest, OutsideAnInvocationOnlyTheServiceKeys) {
  Logger log(options());
  log.info("starting");
  const auto all = lines();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].at("service"), "service_undefined");
  EXPECT_FALSE(all[0].contains("function_request_id"));
  EXPECT_FALSE(all[0].contains("cold_start"));
}

TEST_F(LoggerTest, DefaultLevelIsInfo) {
  Logger log(options());
  EXPECT_EQ(log.level(), LogLevel::info);
  log.debug("hidden");
  log.info("shown");
  log.critical("also shown");
  const auto all = lines();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].at("level"), "CRITICAL");
}

TEST_F(LoggerTest, LevelFromLiftThenPowertoolsVariablesThenOptions) {
  {
    ScopedEnv powertools("POWERTOOLS_LOG_LEVEL", "error");
    EXPECT_EQ(Logger(options()).level(), LogLevel::error);
    ScopedEnv lift("LIFT_LOG_LEVEL", "DEBUG");
    EXPECT_EQ(Logger(options()).level(), LogLevel::debug);
    auto explicit_level = options();
    explicit_level.level = LogLevel::warn;
    EXPECT_EQ(Logger(explicit_level).level(), LogLevel::warn);
  }
  ScopedEnv garbage("LIFT_LOG_LEVEL", "loud");
  EXPECT_EQ(Logger(options()).level(), LogLevel::info);
}

TEST_F(LoggerTest, AdvancedLoggingControlsWinWhenStricter) {
  ScopedEnv configured("POWERTOOLS_LOG_LEVEL", "DEBUG");
  ScopedEnv alc("AWS_LAMBDA_LOG_LEVEL", "WARN");
  Logger log(options());
  EXPECT_EQ(log.level(), LogLevel::warn);
  log.debug("dropped");
  log.info("dropped");
  log.warn("kept");
  const auto all = lines();
  ASSERT_EQ(all.size(), 2u);
  // Powertools says so once, at construction.
  EXPECT_NE(std::string(all[0].at("message").as_string()).find("Advanced Logging Controls"), std::string::npos);
  EXPECT_EQ(all[1].at("message"), "kept");
}

TEST_F(LoggerTest, AdvancedLoggingControlsDoNotLowerAStricterLevel) {
  ScopedEnv configured("POWERTOOLS_LOG_LEVEL", "ERROR");
  ScopedEnv alc("AWS_LAMBDA_LOG_LEVEL", "TRACE");
  Logger log(options());
  EXPECT_EQ(log.level(), LogLevel::error);
  log.warn("dropped");
  EXPECT_TRUE(out.items.empty());
}

TEST_F(LoggerTest, FatalFromLambdaMeansCritical) {
  ScopedEnv alc("AWS_LAMBDA_LOG_LEVEL", "FATAL");
  Logger log(options());
  EXPECT_EQ(log.level(), LogLevel::critical);
}

TEST_F(LoggerTest, TextFormatWritesTabSeparatedLines) {
  ScopedEnv format("AWS_LAMBDA_LOG_FORMAT", "Text");
  Logger log(options());
  EXPECT_EQ(log.format(), LogFormat::text);
  log.info("before");
  log.begin_invocation(invocation("req-9"));
  log.error("two\nlines", {{"k", "v"}});
  log.end_invocation();
  ASSERT_EQ(out.items.size(), 2u);
  const std::regex shape(R"((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\t([^\t]+)\t([A-Z]+)\t([^\n]*)\n)");
  std::smatch m;
  ASSERT_TRUE(std::regex_match(out.items[1], m, shape)) << out.items[1];
  EXPECT_EQ(m[2], "req-9");
  EXPECT_EQ(m[3], "ERROR");
  EXPECT_EQ(m[4], "two\rlines {\"k\":\"v\"}");
  ASSERT_TRUE(std::regex_match(out.items[0], m, shape)) << out.items[0];
  EXPECT_EQ(m[3], "INFO");
  EXPECT_EQ(m[4], "before");
}

TEST_F(LoggerTest, SamplingEnablesDebugForTheWholeInvocation) {
  ScopedEnv rate("POWERTOOLS_LOGGER_SAMPLE_RATE", "1");
  Logger log(options());
  log.debug("not in an invocation: not sampled");
  log.begin_invocation(invocation());
  EXPECT_TRUE(log.sampled());
  log.debug("sampled");
  log.end_invocation();
  EXPECT_FALSE(log.sampled());
  log.debug("after: not sampled");
  const auto all = lines();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].at("message"), "sampled");
  EXPECT_EQ(all[0].at("sampling_rate").to_number<double>(), 1.0);
}

TEST_F(LoggerTest, SamplingRateIsAProbabilityPerInvocation) {
  auto o = options();
  o.sample_rate = 0.5;
  Logger log(o);
  int sampled = 0;
  for (int i = 0; i < 400; ++i) {
    log.begin_invocation(invocation());
    sampled += log.sampled() ? 1 : 0;
    log.end_invocation();
  }
  EXPECT_GT(sampled, 120);
  EXPECT_LT(sampled, 280);
  auto never = options();
  never.sample_rate = 0;
  Logger quiet(never);
  quiet.begin_invocation(invocation());
  EXPECT_FALSE(quiet.sampled());
}

TEST_F(LoggerTest, BufferedLinesAreDroppedWhenTheInvocationSucceeds) {
  auto o = options();
  o.buffer.enabled = true;
  Logger log(o);
  log.begin_invocation(invocation());
  log.debug("detail 1");
  log.info("visible");
  log.debug("detail 2");
  log.end_invocation(false);
  const auto all = lines();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].at("message"), "visible");
}

TEST_F(LoggerTest, BufferedLinesAreWrittenWhenTheInvocationFails) {
  auto o = options();
  o.buffer.enabled = true;
  o.buffer.flush_on_error = false;
  Logger log(o);
  log.begin_invocation(invocation("req-b"));
  log.debug("detail 1");
  log.debug("detail 2");
  log.error("failure, not flushing (flush_on_error off)");
  log.end_invocation(true);
  const auto all = lines();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].at("level"), "ERROR");
  EXPECT_EQ(all[1].at("message"), "detail 1");
  EXPECT_EQ(all[2].at("message"), "detail 2");
  EXPECT_EQ(all[2].at("function_request_id"), "req-b");
}

TEST_F(LoggerTest, AnErrorLineFlushesTheBufferFirst) {
  auto o = options();
  o.buffer.enabled = true;
  Logger log(o);
  log.begin_invocation(invocation());
  log.debug("detail");
  log.error("failed");
  log.debug("after the error");
  log.end_invocation(false);
  const auto all = lines();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].at("message"), "detail");
  EXPECT_EQ(all[1].at("message"), "failed");
}

TEST_F(LoggerTest, ExplicitFlushAndBufferOutsideInvocations) {
  auto o = options();
  o.buffer.enabled = true;
  o.buffer.buffer_at = LogLevel::info;
  Logger log(o);
  log.info("init: written directly");
  log.begin_invocation(invocation());
  log.info("held");
  EXPECT_EQ(out.items.size(), 1u);
  log.flush_buffer();
  EXPECT_EQ(out.items.size(), 2u);
  log.end_invocation(true);
  EXPECT_EQ(out.items.size(), 2u);
}

TEST_F(LoggerTest, BufferIsBoundedAndSaysWhatItEvicted) {
  auto o = options();
  o.buffer.enabled = true;
  o.buffer.max_bytes = 1200;
  Logger log(o);
  log.begin_invocation(invocation());
  for (int i = 0; i < 50; ++i) log.debug("line " + std::to_string(i));
  log.end_invocation(true);
  const auto all = lines();
  ASSERT_GE(all.size(), 2u);
  ASSERT_LT(all.size(), 50u);
  EXPECT_EQ(all[0].at("level"), "WARN");
  EXPECT_GT(all[0].at("evicted_lines").to_number<std::int64_t>(), 0);
  EXPECT_EQ(all.back().at("message"), "line 49");  // the newest lines survive
  std::size_t bytes = 0;
  for (std::size_t i = 1; i < out.items.size(); ++i) bytes += out.items[i].size();
  EXPECT_LE(bytes, 1200u);
}

TEST_F(LoggerTest, ChildLoggersAddKeysAndShareTheInvocation) {
  Logger log(options());
  log.append_keys({{"tenant", "t1"}});
  const Logger child = log.child({{"component", "payments"}});
  log.begin_invocation(invocation("req-c"));
  child.info("from child");
  log.info("from parent");
  log.end_invocation();
  const auto all = lines();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].at("tenant"), "t1");
  EXPECT_EQ(all[0].at("component"), "payments");
  EXPECT_EQ(all[0].at("function_request_id"), "req-c");
  EXPECT_FALSE(all[1].contains("component"));
}

TEST_F(LoggerTest, PersistentInvocationAndCallSiteKeys) {
  Logger log(options());
  log.append_keys({{"a", 1}, {"b", 1}, {"level", "ignored: a standard key"}});
  log.append_keys({{"a", 2}});  // replaces
  log.begin_invocation(invocation());
  log.append_invocation_keys({{"b", 2}, {"order", "o-1"}});
  log.set_correlation_id("corr-1");
  log.info("one", {{"order", "o-2"}, {"x", 1}, {"x", 2}});
  log.end_invocation();
  log.remove_keys({"b"});
  log.info("two");
  const auto all = lines();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].at("a"), 2);
  EXPECT_EQ(all[0].at("b"), 2);          // invocation key over persistent key
  EXPECT_EQ(all[0].at("order"), "o-2");  // call site over invocation key
  EXPECT_EQ(all[0].at("x"), 2);          // the last of duplicates, written once
  EXPECT_EQ(all[0].at("level"), "INFO");
  EXPECT_EQ(all[0].at("correlation_id"), "corr-1");
  EXPECT_EQ(all[1].at("a"), 2);
  EXPECT_FALSE(all[1].contains("b"));
  EXPECT_FALSE(all[1].contains("order"));
  EXPECT_FALSE(all[1].contains("correlation_id"));
  // Boost.JSON keeps the last duplicate; the text itself must hold "x" once.
  EXPECT_EQ(out.items[0].find("\"x\""), out.items[0].rfind("\"x\""));
}

TEST_F(LoggerTest, ExceptionsCarryTypeAndMessage) {
  Logger log(options());
  log.exception("save failed", custom_failure("disk full"), {{"file", "a.txt"}});
  log.exception("std", std::make_exception_ptr(std::out_of_range("index 9")));
  try {
    throw 42;
  } catch (...) {
    log.exception("odd", std::current_exception());
  }
  log.exception("filtered", std::runtime_error("x"), {}, LogLevel::debug);
  const auto all = lines();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].at("level"), "ERROR");
  EXPECT_NE(std::string(all[0].at("error").at("type").as_string()).find("custom_failure"), std::string::npos);
  EXPECT_EQ(all[0].at("error").at("message"), "disk full");
  EXPECT_EQ(all[0].at("file"), "a.txt");
  EXPECT_EQ(all[1].at("error").at("type"), "std::out_of_range");
  EXPECT_EQ(all[2].at("error").at("type"), "unknown");
}

TEST_F(LoggerTest, MaskingHookRewritesUserValuesOnly) {
  auto o = options();
  o.mask = [](std::string_view key, LogValue& value) {
    if (key == "password" || key == "card") value = "****";
  };
  Logger log(o);
  log.append_keys({{"card", "4111111111111111"}});
  log.info("login", {{"user", "ann"}, {"password", "hunter2"}});
  const auto all = lines();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].at("password"), "****");
  EXPECT_EQ(all[0].at("card"), "****");
  EXPECT_EQ(all[0].at("user"), "ann");
  EXPECT_EQ(out.items[0].find("hunter2"), std::string::npos);
}

TEST_F(LoggerTest, InvalidUtf8AndControlCharactersStillMakeValidJson) {
  Logger log(options());
  std::string every_control;
  for (int c = 0; c < 0x20; ++c) every_control += static_cast<char>(c);
  const std::string invalid = "ok \xC3\x28 \xE2\x82 \xF0\x9F\x98 \xFF\xFE \xED\xA0\x80 \xC0\xAF end \xE2";
  log.info(invalid, {{"ctl", every_control}, {invalid, invalid}, {"utf8", "h\xC3\xA9llo \xF0\x9F\x98\x80"}});
  log.info(std::string_view("nul\0inside", 10));
  const auto all = lines();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].at("ctl").as_string(), every_control);
  EXPECT_EQ(all[0].at("utf8"), "h\xC3\xA9llo \xF0\x9F\x98\x80");  // valid UTF-8 passes through
  const std::string message(all[0].at("message").as_string());
  EXPECT_EQ(message.rfind("ok ", 0), 0u);
  EXPECT_NE(message.find("\xEF\xBF\xBD"), std::string::npos);  // U+FFFD
  EXPECT_EQ(all[1].at("message").as_string(), std::string_view("nul\0inside", 10));
}

TEST_F(LoggerTest, HugeMessagesAreCutAndStillValid) {
  auto o = options();
  o.max_string_bytes = 1000;
  Logger log(o);
  std::string huge(5 * 1024 * 1024, 'x');
  huge[999] = '\xC3';  // a two-byte character across the cut
  huge[1000] = '\xA9';
  log.info(huge, {{"v", huge}});
  const auto all = lines();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_LT(out.items[0].size(), 3000u);
  const std::string message(all[0].at("message").as_string());
  EXPECT_NE(message.find("[truncated]"), std::string::npos);
  Logger defaults(options());
  defaults.info(std::string(1 << 20, 'y'));
  EXPECT_EQ(lines().size(), 2u);
}

TEST_F(LoggerTest, AThrowingMaskOrSinkNeverEscapes) {
  auto o = options();
  o.mask = [](std::string_view, LogValue&) { throw std::runtime_error("mask broke"); };
  Logger log(o);
  log.info("hello", {{"k", "v"}});
  const auto all = lines();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].at("level"), "ERROR");
  EXPECT_NE(std::string(all[0].at("message").as_string()).find("mask broke"), std::string::npos);

  LoggerOptions bad;
  bad.sink = [](std::string_view) { throw std::runtime_error("sink broke"); };
  Logger broken(bad);
  EXPECT_NO_THROW(broken.info("lost, but no crash"));
}

TEST_F(LoggerTest, ASinkThatLogsDoesNotCorruptTheLine) {
  std::vector<std::string> seen;
  std::unique_ptr<Logger> inner;
  LoggerOptions o;
  int depth = 0;
  o.sink = [&](std::string_view line) {
    seen.emplace_back(line);
    if (depth++ == 0) inner->info("from inside the sink");
  };
  inner = std::make_unique<Logger>(o);
  inner->info("outer", {{"k", "v"}});
  ASSERT_EQ(seen.size(), 2u);
  for (const auto& line : seen) EXPECT_TRUE(parse_or_null(line).is_object()) << line;
  EXPECT_EQ(parse_or_null(seen[0]).at("message"), "outer");
}

TEST(LogLevelTest, ParsesPowertoolsAndLambdaNames) {
  EXPECT_EQ(parse_log_level("debug"), LogLevel::debug);
  EXPECT_EQ(parse_log_level("TRACE"), LogLevel::debug);
  EXPECT_EQ(parse_log_level("Info"), LogLevel::info);
  EXPECT_EQ(parse_log_level("WARNING"), LogLevel::warn);
  EXPECT_EQ(parse_log_level("warn"), LogLevel::warn);
  EXPECT_EQ(parse_log_level("error"), LogLevel::error);
  EXPECT_EQ(parse_log_level("FATAL"), LogLevel::critical);
  EXPECT_EQ(parse_log_level("critical"), LogLevel::critical);
  EXPECT_EQ(parse_log_level(""), std::nullopt);
  EXPECT_EQ(parse_log_level("verbose-ish-long"), std::nullopt);
  EXPECT_EQ(to_string(LogLevel::warn), "WARN");
}

}  // namespace

// One error notifier shared by 8 workers failing at once on the same route: one message for the
// window however the threads interleave, every other error counted; also run under
// ThreadSanitizer.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "integration/aws/fake_service.hpp"
#include "lift/app/app.hpp"
#include "lift/app/errors.hpp"
#include "lift/middleware/error_notifier.hpp"

namespace {

using lift::testing_support::FakeAnswer;
using lift::testing_support::FakeService;
using lift::testing_support::SeenRequest;

TEST(ErrorNotifierConcurrency, OneMessagePerWindowAcrossWorkers) {
  FakeService fake([](const SeenRequest&, int) {
    return FakeAnswer{200, "<PublishResponse><PublishResult><MessageId>m</MessageId></PublishResult></PublishResponse>", "text/xml"};
  });
  auto sns = lift::aws::SnsClient::create(lift::testing_support::options_for<lift::aws::SnsOptions>(fake.endpoint()));
  ASSERT_TRUE(sns);
  auto notifier = lift::mw::error_notifier({.topic_arn = "arn:aws:sns:us-east-1:123456789012:errors",
                                            .sns = std::make_shared<lift::aws::SnsClient>(std::move(*sns)),
                                            .function_name = "f"});
  ASSERT_TRUE(notifier);
  lift::App app;
  app.use(*notifier);
  app.get("/orders/:id", [](lift::Context&) -> lift::Result<void> { return lift::errors::unavailable(); });
  app.get("/stock", [](lift::Context&) -> lift::Result<void> { return lift::errors::timeout(); });

  std::vector<std::thread> workers;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        lift::http::Request request;
        request.method = "GET";
        request.path = request.raw_path = t % 2 == 0 ? "/orders/" + std::to_string(i) : "/stock";
        if (app.handle(std::move(request)).status >= 500) ++failures;
      }
    });
  }
  for (auto& worker : workers) worker.join();
  EXPECT_EQ(failures.load(), 200);
  EXPECT_EQ(fake.requests(), 2);  // one per route and code
}

}  // namespace

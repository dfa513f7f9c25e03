#include "lift/http/router.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace {

using lift::http::Router;
using Kind = Router::Match::Kind;

Router make(const std::vector<std::pair<std::string, std::string>>& routes) {
  Router router;
  for (std::size_t i = 0; i < routes.size(); ++i) {
    auto added = router.add(routes[i].first, routes[i].second, i);
    EXPECT_TRUE(added) << routes[i].second << ": " << added.error().message;
  }
  return router;
}

std::string pattern_of(const Router& router, const Router::Match& m) {
  if (m.kind != Kind::found) return "<none>";
  for (const auto& r : router.routes()) {
    if (r.id == m.route) return r.method + " " + r.pattern;
  }
  return "<unknown id>";
}

TEST(Router, StaticParamAndWildcard) {
  auto router = make({{"GET", "/"}, {"GET", "/users"}, {"GET", "/users/:id"}, {"GET", "/files/*path"}});
  EXPECT_EQ(pattern_of(router, router.match("GET", "/")), "GET /");
  EXPECT_EQ(pattern_of(router, router.match("GET", "/users")), "GET /users");
  auto user = router.match("GET", "/users/42");
  EXPECT_EQ(pattern_of(router, user), "GET /users/:id");
  EXPECT_EQ(user.params.value_or("id", ""), "42");
  auto file = router.match("GET", "/files/a/b/c.txt");
  EXPECT_EQ(pattern_of(router, file), "GET /files/*path");
  EXPECT_EQ(file.params.value_or("path", "?"), "a/b/c.txt");
  auto empty_rest = router.match("GET", "/files");
  EXPECT_EQ(pattern_of(router, empty_rest), "GET /files/*path");
  EXPECT_EQ(empty_rest.params.value_or("path", "?"), "");
}

TEST(Router, PrecedenceIsIndependentOfRegistrationOrder) {
  std::vector<std::pair<std::string, std::string>> routes{
      {"GET", "/users/me"}, {"GET", "/users/:id"}, {"GET", "/users/*rest"}, {"GET", "/users/:id/posts"}};
  std::mt19937 random(7);
  for (int round = 0; round < 12; ++round) {
    std::shuffle(routes.begin(), routes.end(), random);
    auto router = make(routes);
    EXPECT_EQ(pattern_of(router, router.match("GET", "/users/me")), "GET /users/me");
    EXPECT_EQ(pattern_of(router, router.match("GET", "/users/7")), "GET /users/:id");
    EXPECT_EQ(pattern_of(router, router.match("GET", "/users/7/posts")), "GET /users/:id/posts");
    EXPECT_EQ(pattern_of(router, router.match("GET", "/users/7/likes")), "GET /users/*rest");
  }
}

TEST(Router, Backtracks) {
  auto router = make({{"GET", "/a/b/c"}, {"GET", "/a/:x/d"}});
  auto m = router.match("GET", "/a/b/d");
  EXPECT_EQ(pattern_of(router, m), "GET /a/:x/d");
  EXPECT_EQ(m.params.value_or("x", ""), "b");
  EXPECT_EQ(router.match("GET", "/a/b/e").kind, Kind::not_found);
}

TEST(Router, BacktracksToAPathThatHasTheMethod) {
  auto router = make({{"GET", "/items/new"}, {"POST", "/items/:id"}});
  EXPECT_EQ(pattern_of(router, router.match("POST", "/items/new")), "POST /items/:id");
}

TEST(Router, NotFoundAndMethodNotAllowed) {
  auto router = make({{"GET", "/todos/:id"}, {"DELETE", "/todos/:id"}});
  EXPECT_EQ(router.match("GET", "/nope").kind, Kind::not_found);
  EXPECT_TRUE(router.match("GET", "/nope").allow.empty());
  auto wrong = router.match("PUT", "/todos/1");
  EXPECT_EQ(wrong.kind, Kind::method_not_allowed);
  EXPECT_EQ(wrong.allow, "DELETE, GET, HEAD, OPTIONS");
}

TEST(Router, AutomaticHeadAndOptions) {
  auto router = make({{"GET", "/a"}, {"HEAD", "/b"}, {"GET", "/b"}, {"OPTIONS", "/c"}, {"POST", "/c"}});
  auto head = router.match("HEAD", "/a");
  EXPECT_EQ(head.kind, Kind::found);
  EXPECT_TRUE(head.automatic_head);
  auto explicit_head = router.match("HEAD", "/b");
  EXPECT_EQ(pattern_of(router, explicit_head), "HEAD /b");
  EXPECT_FALSE(explicit_head.automatic_head);
  auto options = router.match("OPTIONS", "/a");
  EXPECT_TRUE(options.automatic_options);
  EXPECT_EQ(options.allow, "GET, HEAD, OPTIONS");
  auto explicit_options = router.match("OPTIONS", "/c");
  EXPECT_EQ(pattern_of(router, explicit_options), "OPTIONS /c");
  EXPECT_FALSE(explicit_options.automatic_options);
  // HEAD without GET is a 405.
  auto post_only = make({{"POST", "/p"}});
  EXPECT_EQ(post_only.match("HEAD", "/p").kind, Kind::method_not_allowed);
  EXPECT_EQ(post_only.match("HEAD", "/p").allow, "OPTIONS, POST");
}

TEST(Router, AnyMethodRoutesLoseToExactOnes) {
  auto router = make({{"*", "/x"}, {"GET", "/x"}});
  EXPECT_EQ(pattern_of(router, router.match("GET", "/x")), "GET /x");
  EXPECT_EQ(pattern_of(router, router.match("PATCH", "/x")), "* /x");
  EXPECT_EQ(pattern_of(router, router.match("OPTIONS", "/x")), "* /x");
}

TEST(Router, TrailingSlashesAndEmptySegments) {
  auto router = make({{"GET", "/users"}, {"GET", "/users/:id"}, {"GET", "/w/*rest"}});
  EXPECT_EQ(pattern_of(router, router.match("GET", "/users/")), "GET /users");
  EXPECT_EQ(pattern_of(router, router.match("GET", "/users/7/")), "GET /users/:id");
  EXPECT_EQ(router.match("GET", "/users//7").kind, Kind::not_found);
  auto w = router.match("GET", "/w/a//b");
  EXPECT_EQ(w.params.value_or("rest", "?"), "a//b");
}

TEST(Router, QueryStringIsIgnored) {
  auto router = make({{"GET", "/s/:q"}});
  auto m = router.match("GET", "/s/abc?x=1/2");
  EXPECT_EQ(m.params.value_or("q", ""), "abc");
}

TEST(Router, PercentDecodingOfParams) {
  auto router = make({{"GET", "/files/:name"}, {"GET", "/raw/*rest"}, {"GET", "/café"}});
  auto encoded_slash = router.match("GET", "/files/a%2Fb");
  EXPECT_EQ(pattern_of(router, encoded_slash), "GET /files/:name");
  EXPECT_EQ(encoded_slash.params.value_or("name", ""), "a/b");
  EXPECT_EQ(router.match("GET", "/files/a+b").params.value_or("name", ""), "a+b");
  EXPECT_EQ(router.match("GET", "/files/%E2%9C%93").params.value_or("name", ""), "\xE2\x9C\x93");
  EXPECT_EQ(router.match("GET", "/raw/x%20y/z").params.value_or("rest", ""), "x y/z");
  EXPECT_EQ(pattern_of(router, router.match("GET", "/caf%C3%A9")), "GET /café");
  EXPECT_EQ(router.match("GET", "/files/%zz").kind, Kind::not_found);
  EXPECT_EQ(router.match("GET", "/files/%4").kind, Kind::not_found);
  EXPECT_EQ(router.match("GET", "/files/%").kind, Kind::not_found);
  EXPECT_EQ(router.match("GET", "/raw/%zz").kind, Kind::not_found);
}

TEST(Router, ParamNamesMayRepeatAcrossRoutes) {
  auto router = make({{"GET", "/a/:id"}, {"PUT", "/a/:key"}});
  EXPECT_EQ(router.match("GET", "/a/1").params.value_or("id", ""), "1");
  EXPECT_EQ(router.match("PUT", "/a/1").params.value_or("key", ""), "1");
}

TEST(Router, RefusesConflictsNamingBothPatterns) {
  Router router;
  ASSERT_TRUE(router.add("GET", "/a/:id", 0));
  auto conflict = router.add("GET", "/a/:other", 1);
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().code, "InvalidRoute");
  EXPECT_EQ(conflict.error().status, 500);
  EXPECT_NE(conflict.error().message.find("/a/:id"), std::string::npos);
  EXPECT_NE(conflict.error().message.find("/a/:other"), std::string::npos);
  EXPECT_FALSE(router.add("GET", "/a/:x/", 2));
  EXPECT_TRUE(router.add("POST", "/a/:x", 3));
  EXPECT_EQ(router.routes().size(), 2u);
}

TEST(Router, RefusesMalformedPatterns) {
  for (const auto* bad : {"", "users", "/a//b", "/a/:", "/a/*", "/a/*rest/b", "/a/:id/:id", "/a/:i-d", "/a b",
                          "/a?b", "/a#b", "/a%20b", "/a/*x*"}) {
    Router router;
    auto added = router.add("GET", bad, 0);
    EXPECT_FALSE(added) << "pattern \"" << bad << "\"";
    if (!added) {
      EXPECT_EQ(added.error().code, "InvalidRoute");
    }
  }
  Router router;
  EXPECT_FALSE(router.add("get", "/a", 0));
  EXPECT_FALSE(router.add("", "/a", 0));
  EXPECT_TRUE(router.add("GET", "/v1/items:batch", 0));
}

TEST(Router, LongPathsAndManySegments) {
  std::string pattern;
  std::string path;
  for (int i = 0; i < 40; ++i) {
    pattern += "/s" + std::to_string(i) + "/:p" + std::to_string(i);
    path += "/s" + std::to_string(i) + "/v" + std::to_string(i);
  }
  auto router = make({{"GET", pattern}});
  auto m = router.match("GET", path);
  ASSERT_EQ(m.kind, Kind::found);
  EXPECT_EQ(m.params.size(), 40u);
  EXPECT_EQ(m.params.value_or("p39", ""), "v39");
  EXPECT_EQ(router.match("GET", std::string(100000, '/')).kind, Kind::not_found);
  EXPECT_EQ(router.match("GET", "/" + std::string(100000, 'a')).kind, Kind::not_found);
}

TEST(Router, ArbitraryInputNeverThrows) {
  auto router = make({{"GET", "/a/:b/*c"}, {"*", "/z"}});
  std::mt19937 random(42);
  for (int i = 0; i < 2000; ++i) {
    std::string path(random() % 40, '\0');
    for (auto& c : path) c = "/%a2Fz?:*\x80\xff"[random() % 12];
    EXPECT_NO_THROW((void)router.match("GET", path));
  }
}

// Property: a path made from a registered pattern matches that pattern or a more specific one.
TEST(Router, PathsBuiltFromPatternsMatch) {
  std::mt19937 random(3);
  const std::vector<std::string> statics{"a", "b", "users", "v1"};
  for (int round = 0; round < 50; ++round) {
    Router router;
    std::vector<std::string> patterns;
    for (int r = 0; r < 8; ++r) {
      std::string pattern;
      const int depth = 1 + static_cast<int>(random() % 4);
      for (int d = 0; d < depth; ++d) {
        const auto pick = random() % 5;
        if (pick < 3) {
          pattern += "/" + statics[random() % statics.size()];
        } else if (pick == 3 || d + 1 < depth) {
          pattern += "/:p" + std::to_string(d);
        } else {
          pattern += "/*rest";
        }
      }
      if (router.add("GET", pattern, patterns.size())) patterns.push_back(pattern);
    }
    for (std::size_t id = 0; id < patterns.size(); ++id) {
      std::string path;
      std::string_view rest = patterns[id];
      while (!rest.empty()) {
        rest.remove_prefix(1);
        const auto slash = rest.find('/');
        const auto segment = rest.substr(0, slash);
        rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
        path += "/";
        path += (segment[0] == ':' || segment[0] == '*') ? "value" : std::string(segment);
      }
      auto m = router.match("GET", path);
      ASSERT_EQ(m.kind, Kind::found) << patterns[id] << " via " << path;
      EXPECT_TRUE(m.route == id || patterns[m.route].find('*') == std::string::npos ||
                  patterns[id].find('*') != std::string::npos)
          << path << " matched " << patterns[m.route] << " instead of " << patterns[id];
    }
  }
}

}  // namespace

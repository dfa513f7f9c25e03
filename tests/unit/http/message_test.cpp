#include "lift/http/message.hpp"

#include <gtest/gtest.h>

namespace {

using namespace lift::http;

TEST(Fields, HeaderNamesAreCaseInsensitive) {
  Headers headers{{"Content-Type", "text/plain"}, {"X-A", "1"}};
  headers.add("x-a", "2");
  EXPECT_EQ(headers.value_or("content-type", ""), "text/plain");
  EXPECT_EQ(headers.all("X-a"), (std::vector<std::string_view>{"1", "2"}));
  EXPECT_EQ(headers.remove("X-A"), 2u);
  headers.set("CONTENT-TYPE", "application/json");
  EXPECT_EQ(headers.size(), 1u);
  EXPECT_EQ(headers.value_or("Content-Type", ""), "application/json");
  EXPECT_FALSE(headers.get("missing"));
}

TEST(Fields, QueryNamesAreExact) {
  QueryParams query{{"a", "1"}};
  EXPECT_TRUE(query.contains("a"));
  EXPECT_FALSE(query.contains("A"));
}

TEST(Fields, Iequals) {
  EXPECT_TRUE(iequals("Set-Cookie", "set-cookie"));
  EXPECT_FALSE(iequals("a", "ab"));
  EXPECT_FALSE(iequals("@", "`"));  // differ only in bit 0x20 but are not letters
  EXPECT_FALSE(iequals("[", "{"));
}

TEST(Fields, ListsToken) {
  EXPECT_TRUE(lists_token("br;q=1.0, GZIP;q=0.8", "gzip"));
  EXPECT_TRUE(lists_token("gzip", "gzip"));
  EXPECT_TRUE(lists_token(" Origin ,\tAccept-Encoding", "accept-encoding"));
  EXPECT_FALSE(lists_token("x-gzip, gzipped", "gzip"));
  EXPECT_FALSE(lists_token("", "gzip"));
}

TEST(Fields, AddTokenExtendsAListOnce) {
  Headers headers;
  add_token(headers, "Vary", "Origin");
  EXPECT_EQ(headers.value_or("vary", ""), "Origin");
  add_token(headers, "vary", "Accept-Encoding");
  add_token(headers, "VARY", "origin");  // already there, in another case
  EXPECT_EQ(headers.all("vary"), (std::vector<std::string_view>{"Origin, Accept-Encoding"}));

  // Several fields of the list become one; a blank one is dropped; other headers keep their place.
  Headers many{{"Vary", "Cookie"}, {"X-A", "1"}, {"vary", " "}, {"Vary", "Authorization"}};
  add_token(many, "Vary", "Origin");
  EXPECT_EQ(many.all("vary"), (std::vector<std::string_view>{"Cookie, Authorization, Origin"}));
  EXPECT_EQ(many.value_or("x-a", ""), "1");
  add_token(many, "Vary", "authorization");
  EXPECT_EQ(many.all("vary"), (std::vector<std::string_view>{"Cookie, Authorization, Origin"}));
}

TEST(Message, ResponseBuilders) {
  auto json = Response::json(201, "{}").header("Location", "/x").cookie("a=1");
  EXPECT_EQ(json.status, 201);
  EXPECT_EQ(json.headers.value_or("content-type", ""), "application/json");
  EXPECT_EQ(json.headers.value_or("location", ""), "/x");
  EXPECT_EQ(json.cookies, std::vector<std::string>{"a=1"});
  auto bytes = Response::bytes(200, "\x01");
  EXPECT_TRUE(bytes.binary);
  EXPECT_EQ(bytes.headers.value_or("content-type", ""), "application/octet-stream");
  auto text = Response::text(200, "hi");
  EXPECT_FALSE(text.binary);
  EXPECT_EQ(text.headers.value_or("content-type", ""), "text/plain; charset=utf-8");
  auto empty = Response::empty(204);
  EXPECT_TRUE(empty.body.empty());
  EXPECT_TRUE(empty.headers.empty());
}

TEST(Message, RequestLookups) {
  Request request;
  request.headers.add("X-Id", "7");
  request.query.add("q", "x");
  request.cookies.add("c", "v");
  request.params.add("id", "42");
  EXPECT_EQ(request.header("x-id").value_or(""), "7");
  EXPECT_EQ(request.query_param("q").value_or(""), "x");
  EXPECT_EQ(request.cookie("c").value_or(""), "v");
  EXPECT_EQ(request.param("id").value_or(""), "42");
  EXPECT_EQ(to_string(Source::alb), "alb");
}

}  // namespace

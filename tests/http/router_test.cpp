#include <gtest/gtest.h>

#include "http/http.h"
#include "http/json.h"

namespace longnan::http {
namespace {

Response ok_with(std::string body) {
  Response response;
  response.body = std::move(body);
  return response;
}

TEST(Router, MatchesParametersAndReports404And405) {
  Router router;
  router.add(Method::kGet, "/api/v1/products/{id}", [](Request& r) { return ok_with(std::string(r.path_param("id"))); });
  router.add(Method::kPost, "/api/v1/products", [](Request&) { return ok_with("created"); });
  Request request;
  request.path = "/api/v1/products/42";
  EXPECT_EQ(router.dispatch(request).body, "42");
  EXPECT_EQ(request.route, "/api/v1/products/{id}");
  request.path = "/api/v1/nothing";
  EXPECT_EQ(router.dispatch(request).status, 404);
  request.path = "/api/v1/products";
  request.method = Method::kGet;
  Response wrong = router.dispatch(request);
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.headers.at(0).second, "POST");
}

TEST(Router, InterceptorCanStopARequest) {
  Router router;
  router.add(Method::kGet, "/x", [](Request&) { return ok_with("reached"); });
  router.intercept([](Request& request) -> std::optional<Response> {
    return error_response(request, {core::ErrorCode::kUnauthenticated, "no", {}});
  });
  Request request;
  request.path = "/x";
  EXPECT_EQ(router.dispatch(request).status, 401);
}

TEST(ErrorShape, CarriesCodeMessageFieldAndRequestId) {
  Request request;
  request.request_id = "abc123";
  Response response = error_response(request, core::invalid("price_fen", "too big"));
  EXPECT_EQ(response.status, 422);
  auto body = parse_json(response.body);
  ASSERT_TRUE(body);
  const auto& error = body->at("error").as_object();
  EXPECT_EQ(error.at("code").as_string(), "validation_failed");
  EXPECT_EQ(error.at("field").as_string(), "price_fen");
  EXPECT_EQ(error.at("request_id").as_string(), "abc123");
}

Request json_request(std::string body, std::string type = "application/json") {
  Request request;
  request.method = Method::kPost;
  request.headers.emplace_back("content-type", std::move(type));
  request.body = std::move(body);
  return request;
}

TEST(JsonBody, StatusRulesForBadInput) {
  EXPECT_EQ(parse_object(json_request("{}", "text/plain")).error().code, core::ErrorCode::kUnsupportedMediaType);
  EXPECT_EQ(parse_object(json_request("{\"a\":")).error().code, core::ErrorCode::kBadRequest);
  EXPECT_EQ(parse_object(json_request("[1]")).error().code, core::ErrorCode::kBadRequest);
  EXPECT_EQ(parse_object(json_request("{\"a\":\"\xff\"}")).error().code, core::ErrorCode::kBadRequest);
  std::string deep = "{\"a\":" + std::string(10000, '[') + std::string(10000, ']') + "}";
  EXPECT_EQ(parse_object(json_request(deep)).error().code, core::ErrorCode::kBadRequest);
  EXPECT_TRUE(parse_object(json_request("{\"a\":1}")).ok());
}

TEST(Fields, TypesRangesAndText) {
  auto body = parse_json(
      R"({"name":"  花椒  ","price":"12","big":1e300,"huge":18446744073709551615,"n":5,"empty":"","ctl":"a\u0000b"})");
  ASSERT_TRUE(body);
  const auto& object = body->as_object();
  {
    Fields fields(object);
    EXPECT_EQ(fields.text("name", true).value(), "花椒");
    EXPECT_EQ(fields.integer("n", true, 0, 10).value(), 5);
    EXPECT_TRUE(fields.ok());
  }
  {
    Fields fields(object);
    fields.integer("price", true, 0, 100);
    EXPECT_EQ(fields.error().code, core::ErrorCode::kBadRequest);
  }
  for (const char* name : {"big", "huge"}) {
    Fields fields(object);
    fields.integer(name, true, 0, 100);
    EXPECT_EQ(fields.error().code, core::ErrorCode::kValidation) << name;
  }
  {
    Fields fields(object);
    fields.integer("n", true, 6, 10);
    EXPECT_EQ(fields.error().code, core::ErrorCode::kValidation);
  }
  {
    Fields fields(object);
    fields.text("empty", true);
    EXPECT_EQ(fields.error().field, "empty");
  }
  {
    Fields fields(object);
    fields.text("ctl", true);
    EXPECT_EQ(fields.error().code, core::ErrorCode::kValidation);
  }
  {
    Fields fields(object);
    fields.text("missing", true);
    EXPECT_EQ(fields.error().code, core::ErrorCode::kValidation);
  }
}

TEST(Query, PagingAndIntegers) {
  Request request;
  request.query = {{"page", "2"}, {"page_size", "50"}};
  auto page = parse_page(request);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->offset(), 50);
  request.query = {{"page_size", "1000"}};
  EXPECT_EQ(parse_page(request).error().code, core::ErrorCode::kValidation);
  request.query = {{"page", "abc"}};
  EXPECT_EQ(parse_page(request).error().code, core::ErrorCode::kBadRequest);
  request.query = {{"page", "99999999999999999999999"}};
  EXPECT_EQ(parse_page(request).error().code, core::ErrorCode::kValidation);
  request.path_params = {{"id", "12x"}};
  EXPECT_EQ(path_id(request).error().code, core::ErrorCode::kNotFound);
}

}  // namespace
}  // namespace longnan::http

// The OSRM table reader: blocks of sources × destinations put together into one table, no
// road (null) left as -1, and an answer it cannot use refused with a reason.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <sstream>

#include "delivery/delivery.h"

namespace longnan::delivery {
namespace {

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  for (std::string part; std::getline(stream, part, separator);) parts.push_back(part);
  return parts;
}

std::string query_value(const std::string& url, const std::string& name) {
  const auto at = url.find(name + "=");
  const auto end = url.find('&', at);
  return url.substr(at + name.size() + 1, end == std::string::npos ? std::string::npos : end - at - name.size() - 1);
}

// A road router whose road from place a to place b is 1000·a + b metres and takes a + b
// seconds, where places are told apart by their longitude (100 + index); no road leads to
// place 3. Records each URL asked.
struct FakeRouter {
  std::vector<std::string> asked;
  core::Result<std::string> operator()(const std::string& url) {
    asked.push_back(url);
    const auto path_end = url.find('?');
    const std::string path = url.substr(0, path_end);
    std::vector<int> place;
    for (const auto& pair : split(path.substr(path.rfind('/') + 1), ';'))
      place.push_back(static_cast<int>(std::lround(std::stod(split(pair, ',')[0]) - 100)));
    boost::json::array distances, durations;
    for (const auto& source : split(query_value(url, "sources"), ';')) {
      boost::json::array distance_row, duration_row;
      for (const auto& target : split(query_value(url, "destinations"), ';')) {
        const int a = place[std::stoi(source)], b = place[std::stoi(target)];
        if (b == 3 && a != 3) {
          distance_row.emplace_back(nullptr);
          duration_row.emplace_back(nullptr);
        } else {
          distance_row.emplace_back(1000.0 * a + b);
          duration_row.emplace_back(a + b + 0.4);
        }
      }
      distances.push_back(std::move(distance_row));
      durations.push_back(std::move(duration_row));
    }
    return boost::json::serialize(
        boost::json::object{{"code", "Ok"}, {"distances", distances}, {"durations", durations}});
  }
};

std::vector<LatLng> places(int n) {
  std::vector<LatLng> out;
  for (int i = 0; i < n; ++i) out.push_back({33.5 + i * 0.01, 100.0 + i});
  return out;
}

TEST(OsrmTable, BlocksMakeOneTable) {
  FakeRouter router;
  const int n = 5;
  auto table = osrm_table("http://router:5000/", places(n), std::ref(router), 2);
  ASSERT_TRUE(table) << table.error().message;
  EXPECT_EQ(router.asked.size(), 9u);  // 3 × 3 blocks of at most 2 × 2
  EXPECT_EQ(router.asked.front().rfind("http://router:5000/table/v1/driving/", 0), 0u) << router.asked.front();
  EXPECT_NE(router.asked.front().find("annotations=duration,distance"), std::string::npos);
  for (int a = 0; a < n; ++a)
    for (int b = 0; b < n; ++b) {
      const size_t cell = static_cast<size_t>(a) * n + b;
      if (b == 3 && a != 3) {
        EXPECT_EQ(table->distance_m[cell], -1) << a << "→" << b;
        EXPECT_EQ(table->duration_s[cell], -1);
      } else {
        EXPECT_EQ(table->distance_m[cell], 1000 * a + b) << a << "→" << b;
        EXPECT_EQ(table->duration_s[cell], a + b);
      }
    }
}

TEST(OsrmTable, OneRequestWhenTheWaveIsSmall) {
  FakeRouter router;
  auto table = osrm_table("http://router:5000", places(4), std::ref(router));
  ASSERT_TRUE(table);
  ASSERT_EQ(router.asked.size(), 1u);
  EXPECT_NE(router.asked[0].find("sources=0;1;2;3&destinations=0;1;2;3"), std::string::npos) << router.asked[0];
}

TEST(OsrmTable, RefusesWhatItCannotUse) {
  for (const std::string& body :
       {std::string("not json"), std::string(R"({"code":"TooBig","message":"Too many table coordinates"})"),
        std::string(R"({"code":"Ok","distances":[[0]]})"), std::string(R"({"code":"Ok","durations":[[0,1],[1,0]]})")}) {
    auto table = osrm_table("http://router:5000", places(2),
                            [&](const std::string&) -> core::Result<std::string> { return body; });
    EXPECT_FALSE(table) << body;
  }
  auto down = osrm_table("http://router:5000", places(2), [](const std::string&) -> core::Result<std::string> {
    return core::unavailable("router:5000: Connection refused");
  });
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().message, "router:5000: Connection refused");
}

}  // namespace
}  // namespace longnan::delivery

#include "delivery/geo.h"

#include <boost/json.hpp>
#include <cmath>
#include <map>
#include <span>
#include <stdexcept>

#include "core/embedded.h"

namespace longnan {
std::span<const core::EmbeddedFile> delivery_data_files();  // generated, see CMakeLists.txt
}

namespace longnan::delivery {
namespace {

constexpr double kEarthRadiusM = 6371008.8;
constexpr double kRadiansPerDegree = 3.14159265358979323846 / 180;

// Even-odd rule: a point is inside a ring when a ray from it crosses the ring an odd number of times.
bool in_ring(const std::vector<LatLng>& ring, LatLng point) {
  bool inside = false;
  for (size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
    const LatLng& a = ring[i];
    const LatLng& b = ring[j];
    if ((a.lat > point.lat) != (b.lat > point.lat) &&
        point.lng < (b.lng - a.lng) * (point.lat - a.lat) / (b.lat - a.lat) + a.lng)
      inside = !inside;
  }
  return inside;
}

std::map<std::string, Boundary> load_boundaries() {
  auto text = core::find_embedded(delivery_data_files(), "longnan_counties.geojson");
  if (text.empty()) throw std::runtime_error("embedded longnan_counties.geojson is missing");
  std::map<std::string, Boundary> boundaries;
  auto document = boost::json::parse(text);
  for (const auto& feature : document.at("features").as_array()) {
    const auto& geometry = feature.at("geometry").as_object();
    std::string code = std::to_string(feature.at("properties").at("adcode").to_number<int64_t>());
    Boundary boundary{.min = {90, 180}, .max = {-90, -180}};
    auto add_polygon = [&](const boost::json::array& rings) {
      auto& polygon = boundary.polygons.emplace_back();
      for (const auto& ring : rings) {
        auto& points = polygon.emplace_back();
        for (const auto& position : ring.as_array()) {
          LatLng point{position.at(1).to_number<double>(), position.at(0).to_number<double>()};
          points.push_back(point);
          boundary.min = {std::min(boundary.min.lat, point.lat), std::min(boundary.min.lng, point.lng)};
          boundary.max = {std::max(boundary.max.lat, point.lat), std::max(boundary.max.lng, point.lng)};
        }
      }
    };
    const auto& coordinates = geometry.at("coordinates").as_array();
    if (geometry.at("type").as_string() == "Polygon") {
      add_polygon(coordinates);
    } else {
      for (const auto& polygon : coordinates) add_polygon(polygon.as_array());
    }
    boundaries.emplace(code, std::move(boundary));
  }
  return boundaries;
}

}  // namespace

double great_circle_m(LatLng a, LatLng b) {
  const double lat1 = a.lat * kRadiansPerDegree, lat2 = b.lat * kRadiansPerDegree;
  const double dlat = lat2 - lat1, dlng = (b.lng - a.lng) * kRadiansPerDegree;
  const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(lat1) * std::cos(lat2) * std::sin(dlng / 2) * std::sin(dlng / 2);
  return 2 * kEarthRadiusM * std::asin(std::min(1.0, std::sqrt(h)));
}

bool Boundary::contains(LatLng point) const {
  if (point.lat < min.lat || point.lat > max.lat || point.lng < min.lng || point.lng > max.lng) return false;
  for (const auto& polygon : polygons) {
    if (polygon.empty() || !in_ring(polygon[0], point)) continue;
    bool in_hole = false;
    for (size_t hole = 1; hole < polygon.size() && !in_hole; ++hole) in_hole = in_ring(polygon[hole], point);
    if (!in_hole) return true;
  }
  return false;
}

const Boundary* county_boundary(const std::string& county_code) {
  static const std::map<std::string, Boundary> boundaries = load_boundaries();
  auto found = boundaries.find(county_code);
  return found == boundaries.end() ? nullptr : &found->second;
}

}  // namespace longnan::delivery

// Geography for the delivery network: great-circle distances and the county boundaries
// (data/longnan/longnan_counties.geojson, compiled in) to place demo nodes inside them.
// Thread-safety: plain functions; the boundaries are read once and never change.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace longnan::delivery {

struct LatLng {
  double lat = 0;
  double lng = 0;
};

// Great-circle distance in metres (haversine, mean Earth radius).
double great_circle_m(LatLng a, LatLng b);

// A county's boundary: outer rings and holes of its polygons, as GeoJSON gives them.
struct Boundary {
  std::vector<std::vector<std::vector<LatLng>>> polygons;  // polygon → rings (first outer) → points
  LatLng min, max;                                         // bounding box
  bool contains(LatLng point) const;
};

// The boundary of a county of Longnan by its 6-digit code, if the data has it.
const Boundary* county_boundary(const std::string& county_code);

}  // namespace longnan::delivery

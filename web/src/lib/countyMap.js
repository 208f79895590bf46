// The county on the scan page, drawn without map tiles: its outline (the GeoJSON Feature of
// GET /counties/{code}/boundary, a Polygon or MultiPolygon of [lng, lat] rings) as SVG
// paths, north up, fitted to the drawing, and the projection that places the village's dot
// in the same frame.
import { projection } from './dispatch.js'

// The rings of a Polygon or MultiPolygon geometry; none for anything else.
function ringsOf(geometry) {
  if (geometry?.type === 'Polygon') return geometry.coordinates ?? []
  if (geometry?.type === 'MultiPolygon') return (geometry.coordinates ?? []).flat()
  return []
}

// The corners [{lat, lng}] of the feature's bbox ([minLng, minLat, maxLng, maxLat]), or of
// its rings when it gives none.
function cornersOf(feature, rings) {
  const bbox = feature?.bbox
  if (Array.isArray(bbox) && bbox.length === 4 && bbox.every(Number.isFinite))
    return [
      { lng: bbox[0], lat: bbox[1] },
      { lng: bbox[2], lat: bbox[3] },
    ]
  return rings.flat().map(([lng, lat]) => ({ lng, lat }))
}

// {paths: SVG path data, one per ring (draw with fill-rule evenodd for holes), project:
// (lat, lng) → {x, y}}. Without an outline the drawing is fitted to `site` alone (the dot
// then lands in the middle).
export function countyDrawing(feature, site, width, height, margin = 8) {
  const rings = ringsOf(feature?.geometry)
  const corners = rings.length ? cornersOf(feature, rings) : site ? [site] : []
  const project = projection(corners, width, height, margin)
  const paths = rings
    .filter((ring) => ring.length >= 3)
    .map(
      (ring) =>
        ring
          .map(([lng, lat], at) => {
            const { x, y } = project(lat, lng)
            return `${at ? 'L' : 'M'}${x.toFixed(1)} ${y.toFixed(1)}`
          })
          .join('') + 'Z',
    )
  return { paths, project }
}

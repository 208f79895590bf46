import { describe, expect, it } from 'vitest'
import { countyDrawing } from './countyMap.js'

const square = {
  type: 'Feature',
  properties: { code: '621221' },
  bbox: [105, 33, 106, 34],
  geometry: {
    type: 'MultiPolygon',
    coordinates: [
      [
        [
          [105, 33],
          [106, 33],
          [106, 34],
          [105, 34],
          [105, 33],
        ],
      ],
    ],
  },
}

describe('countyDrawing', () => {
  it('draws each ring as a closed path, north up, inside the margins', () => {
    const { paths, project } = countyDrawing(square, null, 200, 200, 10)
    expect(paths).toHaveLength(1)
    expect(paths[0].startsWith('M')).toBe(true)
    expect(paths[0].endsWith('Z')).toBe(true)
    const northWest = project(34, 105)
    const southEast = project(33, 106)
    expect(northWest.y).toBeCloseTo(10)
    expect(southEast.y).toBeCloseTo(190)
    expect(northWest.x).toBeLessThan(southEast.x)
    expect(northWest.x).toBeGreaterThanOrEqual(10)
    expect(southEast.x).toBeLessThanOrEqual(190)
  })

  it('places a village inside the outline', () => {
    const { project } = countyDrawing(square, null, 200, 200, 10)
    const dot = project(33.5, 105.5)
    expect(dot.x).toBeCloseTo(100)
    expect(dot.y).toBeCloseTo(100)
  })

  it('takes a Polygon and a feature without a bbox', () => {
    const polygon = { type: 'Feature', geometry: { type: 'Polygon', coordinates: square.geometry.coordinates[0] } }
    const { paths, project } = countyDrawing(polygon, null, 200, 200, 10)
    expect(paths).toHaveLength(1)
    expect(project(34, 105).y).toBeCloseTo(10)
  })

  it('puts the village in the middle when there is no outline', () => {
    const { paths, project } = countyDrawing(null, { lat: 33.7, lng: 105.7 }, 200, 120)
    expect(paths).toEqual([])
    expect(project(33.7, 105.7)).toEqual({ x: 100, y: 60 })
  })
})

import { describe, expect, it } from 'vitest'
import {
  draftChanged,
  draftOf,
  formatEta,
  formatKg,
  formatKm,
  hoursMinutes,
  isDeliveryCode,
  moveStop,
  navigationUrl,
  planBody,
  projection,
  runPolyline,
  shanghaiDay,
  splitFailReason,
  unassignedReason,
  violationsByTask,
} from './dispatch.js'

describe('days and times in Shanghai', () => {
  it('tells the Shanghai day, which starts 8 hours before the UTC one', () => {
    const lateUtc = Date.parse('2026-11-29T22:31:00Z')
    expect(shanghaiDay(lateUtc)).toBe('2026-11-30')
    expect(shanghaiDay(lateUtc, 1)).toBe('2026-12-01')
    expect(shanghaiDay(Date.parse('2026-11-29T15:59:59Z'))).toBe('2026-11-29')
    expect(shanghaiDay(Date.parse('2026-12-31T16:00:00Z'))).toBe('2027-01-01')
  })

  it('shows an arrival as HH:MM in Shanghai, midnight as 00:00', () => {
    expect(formatEta(Date.parse('2026-12-01T09:05:00+08:00'))).toBe('09:05')
    expect(formatEta(Date.parse('2026-12-01T00:00:00+08:00'))).toBe('00:00')
    expect(formatEta(Date.parse('2026-12-01T23:59:00+08:00'))).toBe('23:59')
    expect(formatEta(null)).toBe('')
  })

  it('shows distances in km, weights in kg and durations in hours and minutes', () => {
    expect(formatKm(12345)).toBe('12.3')
    expect(formatKm(0)).toBe('0.0')
    expect(formatKg(2500)).toBe('2.5')
    expect(hoursMinutes(7500)).toEqual({ hours: 2, minutes: 5 })
    expect(hoursMinutes(3599)).toEqual({ hours: 1, minutes: 0 })
    expect(hoursMinutes(0)).toEqual({ hours: 0, minutes: 0 })
  })
})

describe('editing a plan', () => {
  const node = (id) => ({ id, name: `点${id}`, tier: 'village_point', lat: 33.7, lng: 105.7 })
  const stop = (seq, taskId) => ({ seq, task_id: taskId, order_id: taskId + 100, node: node(taskId) })
  const wave = {
    id: 7,
    runs: [
      { id: 1, vehicle: { id: 11, plate: '甘K·1' }, locked: false, stops: [stop(1, 1), stop(2, 2), stop(3, 3)] },
      { id: 2, vehicle: { id: 12, plate: '甘K·2' }, locked: false, stops: [stop(1, 4)] },
      { id: 3, vehicle: { id: 13, plate: '甘K·3' }, locked: true, stops: [stop(1, 5)] },
    ],
  }
  const taskIds = (draft) => draft.map((run) => run.stops.map((s) => s.task_id))

  it('starts from the wave as planned and sends it back unchanged', () => {
    const draft = draftOf(wave)
    expect(draftChanged(wave, draft)).toBe(false)
    expect(planBody(draft)).toEqual({
      runs: [
        { vehicle_id: 11, task_ids: [1, 2, 3] },
        { vehicle_id: 12, task_ids: [4] },
        { vehicle_id: 13, task_ids: [5] },
      ],
    })
  })

  it('reorders within a run and moves a stop to another run', () => {
    const draft = draftOf(wave)
    const reordered = moveStop(draft, 0, 2, 0, 0)
    expect(taskIds(reordered)).toEqual([[3, 1, 2], [4], [5]])
    expect(taskIds(draft)).toEqual([[1, 2, 3], [4], [5]])
    expect(draftChanged(wave, reordered)).toBe(true)
    const moved = moveStop(reordered, 0, 1, 1, 1)
    expect(planBody(moved).runs).toEqual([
      { vehicle_id: 11, task_ids: [3, 2] },
      { vehicle_id: 12, task_ids: [4, 1] },
      { vehicle_id: 13, task_ids: [5] },
    ])
  })

  it('keeps an emptied run in the body, empty', () => {
    const moved = moveStop(draftOf(wave), 1, 0, 0, 99)
    expect(planBody(moved).runs[1]).toEqual({ vehicle_id: 12, task_ids: [] })
    expect(taskIds(moved)[0]).toEqual([1, 2, 3, 4])
  })

  it('leaves locked runs and impossible moves alone', () => {
    const draft = draftOf(wave)
    expect(moveStop(draft, 2, 0, 0, 0)).toBe(draft)
    expect(moveStop(draft, 0, 0, 2, 0)).toBe(draft)
    expect(moveStop(draft, 0, 5, 1, 0)).toBe(draft)
    expect(moveStop(draft, 4, 0, 1, 0)).toBe(draft)
  })

  it('marks the stops a refused plan names', () => {
    const byTask = violationsByTask([
      { kind: 'capacity', message: 'over', vehicle_id: 11, task_id: null },
      { kind: 'window', message: 'late', vehicle_id: 11, task_id: 2 },
      { kind: 'shift', message: 'after shift', vehicle_id: 11, task_id: 2 },
    ])
    expect([...byTask.keys()]).toEqual([2])
    expect(byTask.get(2).map((violation) => violation.kind)).toEqual(['window', 'shift'])
    expect(violationsByTask().size).toBe(0)
  })
})

describe('drawing nodes and runs', () => {
  const points = [
    { lat: 33.6, lng: 105.5 },
    { lat: 33.9, lng: 106.0 },
  ]

  it('fits the points into the drawing, north up, keeping the shape', () => {
    const project = projection(points, 400, 300, 10)
    const southWest = project(33.6, 105.5)
    const northEast = project(33.9, 106.0)
    expect(northEast.y).toBeLessThan(southWest.y)
    expect(northEast.x).toBeGreaterThan(southWest.x)
    // The wider side (0.5° × cos 33.75° ≈ 0.416 against 0.3°) fills the width.
    expect(southWest.x).toBeCloseTo(10)
    expect(northEast.x).toBeCloseTo(390)
    // Same scale both ways: the height is the width times 0.3 / 0.416, centred.
    const scale = 380 / (0.5 * Math.cos((33.75 * Math.PI) / 180))
    expect(southWest.y - northEast.y).toBeCloseTo(0.3 * scale)
    expect((southWest.y + northEast.y) / 2).toBeCloseTo(150)
  })

  it('puts a single point, or none, in the middle', () => {
    expect(projection([{ lat: 33.7, lng: 105.7 }], 200, 100)(33.7, 105.7)).toEqual({ x: 100, y: 50 })
    expect(projection([], 200, 100)(1, 2)).toEqual({ x: 100, y: 50 })
    expect(projection([{ lat: null, lng: 1 }], 200, 100)(1, 2)).toEqual({ x: 100, y: 50 })
  })

  it('draws a run from its node through the stops and back', () => {
    const project = projection(points, 400, 300, 10)
    const depot = { lat: 33.6, lng: 105.5 }
    const line = runPolyline(project, depot, [{ node: { lat: 33.9, lng: 106.0 } }])
    const corners = line.split(' ')
    expect(corners).toHaveLength(3)
    expect(corners[0]).toBe(corners[2])
    expect(corners[1]).toBe('390.0,' + project(33.9, 106.0).y.toFixed(1))
  })
})

describe('the driver', () => {
  it('links to the navigation app at the node', () => {
    expect(navigationUrl({ lat: 33.75, lng: 105.72, name: '抛沙镇 一组' })).toBe(
      'https://uri.amap.com/marker?position=105.72,33.75&name=%E6%8A%9B%E6%B2%99%E9%95%87%20%E4%B8%80%E7%BB%84',
    )
  })

  it('takes six digits as a delivery code', () => {
    expect(isDeliveryCode('123456')).toBe(true)
    expect(isDeliveryCode(' 123456 ')).toBe(true)
    expect(isDeliveryCode('12345')).toBe(false)
    expect(isDeliveryCode('12345a')).toBe(false)
    expect(isDeliveryCode(undefined)).toBe(false)
  })
})

describe('why a task was not delivered', () => {
  it('parts the reason from the note', () => {
    expect(splitFailReason('nobody_home: 改约明天')).toEqual({ reason: 'nobody_home', note: '改约明天' })
    expect(splitFailReason('refused')).toEqual({ reason: 'refused', note: '' })
    expect(splitFailReason('the road is closed')).toEqual({ reason: '', note: 'the road is closed' })
    expect(splitFailReason(null)).toEqual({ reason: '', note: '' })
  })
})

describe('why a task was left out of a wave', () => {
  const t = (key) => `«${key}»`

  it('translates the codes it knows and falls back to the server’s reason', () => {
    for (const code of ['window_closed', 'cold_chain', 'too_big', 'unreachable', 'no_room'])
      expect(unassignedReason({ task_id: 1, code, reason: 'english' }, t)).toBe(
        `«admin.dispatch.unassignedCode.${code}»`,
      )
    expect(unassignedReason({ task_id: 1, code: 'new_code', reason: 'a reason of a newer server' }, t)).toBe(
      'a reason of a newer server',
    )
    expect(unassignedReason({ task_id: 1, reason: 'no code at all' }, t)).toBe('no code at all')
    expect(unassignedReason({ task_id: 1 }, t)).toBe('')
  })
})

import { describe, expect, it } from 'vitest'
import {
  draftChanged,
  draftOf,
  formatEta,
  formatKg,
  formatKm,
  handoverTaskIds,
  hoursMinutes,
  isDeliveryCode,
  moveGroup,
  navigationUrl,
  planBody,
  projection,
  runPolyline,
  shanghaiDay,
  splitFailReason,
  stopGroups,
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
    const reordered = moveGroup(draft, 0, 2, 0, 0)
    expect(taskIds(reordered)).toEqual([[3, 1, 2], [4], [5]])
    expect(taskIds(draft)).toEqual([[1, 2, 3], [4], [5]])
    expect(draftChanged(wave, reordered)).toBe(true)
    const moved = moveGroup(reordered, 0, 1, 1, 1)
    expect(planBody(moved).runs).toEqual([
      { vehicle_id: 11, task_ids: [3, 2] },
      { vehicle_id: 12, task_ids: [4, 1] },
      { vehicle_id: 13, task_ids: [5] },
    ])
  })

  it('keeps an emptied run in the body, empty', () => {
    const moved = moveGroup(draftOf(wave), 1, 0, 0, 99)
    expect(planBody(moved).runs[1]).toEqual({ vehicle_id: 12, task_ids: [] })
    expect(taskIds(moved)[0]).toEqual([1, 2, 3, 4])
  })

  it('leaves locked runs and impossible moves alone', () => {
    const draft = draftOf(wave)
    expect(moveGroup(draft, 2, 0, 0, 0)).toBe(draft)
    expect(moveGroup(draft, 0, 0, 2, 0)).toBe(draft)
    expect(moveGroup(draft, 0, 5, 1, 0)).toBe(draft)
    expect(moveGroup(draft, 4, 0, 1, 0)).toBe(draft)
  })

  it('tells a stop’s group from its run and group, and keeps it wherever the stop goes', () => {
    const draft = draftOf(wave)
    expect(draft[0].stops.map((s) => s.group_key)).toEqual(['task:1', 'task:2', 'task:3'])
    const grouped = draftOf({ runs: [{ ...wave.runs[0], stops: wave.runs[0].stops.map((s) => ({ ...s, group: 4 })) }] })
    expect(grouped[0].stops.map((s) => s.group_key)).toEqual(['0:4', '0:4', '0:4'])
    expect(planBody(grouped)).toEqual({ runs: [{ vehicle_id: 11, task_ids: [1, 2, 3] }] })
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

  it('marks every task of a group a violation names', () => {
    const atGroup = { kind: 'window', message: 'late', vehicle_id: 11, task_id: 2, task_ids: [2, 3] }
    const byTask = violationsByTask([atGroup])
    expect([...byTask.keys()]).toEqual([2, 3])
    expect(byTask.get(3)).toEqual([atGroup])
  })
})

describe('physical stops: groups of a run', () => {
  const station = { id: 40, name: '抛沙镇快递服务站', tier: 'station', lat: 33.7, lng: 105.7 }
  const point = (id) => ({ id, name: `点${id}`, tier: 'village_point', lat: 33.8, lng: 105.8 })
  const stop = (taskId, group, leg, node, eta) => ({ task_id: taskId, order_id: taskId + 100, group, leg, node, eta })
  // Run 1: three parcels for the station (group 1), one village point (group 2), two parcels
  // for another point (group 3). Run 2: one point (group 4). Run 3 is locked.
  const wave = {
    runs: [
      {
        id: 1,
        vehicle: { id: 11 },
        locked: false,
        stops: [
          stop(1, 1, 'line_haul', station, 1000),
          stop(2, 1, 'line_haul', station, 1000),
          stop(3, 1, 'line_haul', station, 1000),
          stop(4, 2, 'local', point(5), 2000),
          stop(5, 3, 'local', point(6), 3000),
          stop(6, 3, 'local', point(6), 3000),
        ],
      },
      { id: 2, vehicle: { id: 12 }, locked: false, stops: [stop(7, 4, 'local', point(7), 1500)] },
      { id: 3, vehicle: { id: 13 }, locked: true, stops: [stop(8, 5, 'local', point(8), 1500)] },
    ],
  }
  const taskIds = (draft) => draft.map((run) => run.stops.map((s) => s.task_id))

  it('puts consecutive stops of one group together, with their node, leg and arrival', () => {
    const groups = stopGroups(wave.runs[0].stops)
    expect(groups.map((group) => group.stops.map((s) => s.task_id))).toEqual([[1, 2, 3], [4], [5, 6]])
    expect(groups[0]).toMatchObject({ group: 1, leg: 'line_haul', node: station, eta: 1000 })
    expect(groups[2]).toMatchObject({ group: 3, leg: 'local', eta: 3000 })
    expect(stopGroups()).toEqual([])
  })

  it('keeps each stop of a server without groups on its own, as a local stop', () => {
    const groups = stopGroups([{ task_id: 1 }, { task_id: 2 }])
    expect(groups.map((group) => [group.key, group.leg, group.stops.length])).toEqual([
      ['task:1', 'local', 1],
      ['task:2', 'local', 1],
    ])
  })

  it('moves a group as one stop, down, up and to another run, never splitting it', () => {
    const draft = draftOf(wave)
    const down = moveGroup(draft, 0, 0, 0, 1)
    expect(taskIds(down)[0]).toEqual([4, 1, 2, 3, 5, 6])
    const last = moveGroup(down, 0, 1, 0, 2)
    expect(taskIds(last)[0]).toEqual([4, 5, 6, 1, 2, 3])
    const up = moveGroup(last, 0, 2, 0, 0)
    expect(taskIds(up)[0]).toEqual([1, 2, 3, 4, 5, 6])
    const away = moveGroup(draft, 0, 2, 1, 0)
    expect(taskIds(away)).toEqual([[1, 2, 3, 4], [5, 6, 7], [8]])
    expect(planBody(away).runs[1]).toEqual({ vehicle_id: 12, task_ids: [5, 6, 7] })
    expect(taskIds(draft)[0]).toEqual([1, 2, 3, 4, 5, 6])
  })

  it('puts a moved group between groups of the target run, never inside one', () => {
    const draft = draftOf(wave)
    const intoRun1 = moveGroup(draft, 1, 0, 0, 1)
    expect(taskIds(intoRun1)[0]).toEqual([1, 2, 3, 7, 4, 5, 6])
    expect(stopGroups(intoRun1[0].stops).map((group) => group.stops.length)).toEqual([3, 1, 1, 2])
    // To the end of the run, however far.
    expect(taskIds(moveGroup(draft, 1, 0, 0, Number.MAX_SAFE_INTEGER))[0]).toEqual([1, 2, 3, 4, 5, 6, 7])
  })

  it('keeps a moved group apart from a group of the same number in another run', () => {
    const renumbered = {
      runs: [wave.runs[0], { ...wave.runs[1], stops: [stop(7, 1, 'local', point(7), 1500)] }],
    }
    const moved = moveGroup(draftOf(renumbered), 1, 0, 0, 1)
    expect(stopGroups(moved[0].stops).map((group) => group.stops.map((s) => s.task_id))).toEqual([
      [1, 2, 3],
      [7],
      [4],
      [5, 6],
    ])
  })

  it('leaves locked runs and groups that are not there alone', () => {
    const draft = draftOf(wave)
    expect(moveGroup(draft, 2, 0, 0, 0)).toBe(draft)
    expect(moveGroup(draft, 0, 0, 2, 0)).toBe(draft)
    expect(moveGroup(draft, 0, 3, 1, 0)).toBe(draft)
    expect(moveGroup(draft, 0, -1, 1, 0)).toBe(draft)
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

  it('hands the parcels of a line-haul stop over to the station while planned or picked up', () => {
    const stops = [
      { task_id: 1, task_status: 'planned' },
      { task_id: 2, task_status: 'picked_up' },
      { task_id: 3, task_status: 'open' },
      { task_id: 4, task_status: 'cancelled' },
    ]
    expect(handoverTaskIds(stops)).toEqual([1, 2])
    expect(handoverTaskIds(stops, (stop) => (stop.task_id === 1 ? 'open' : stop.task_status))).toEqual([2])
    expect(handoverTaskIds()).toEqual([])
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
    for (const code of ['window_closed', 'later', 'cold_chain', 'too_big', 'unreachable', 'no_room'])
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

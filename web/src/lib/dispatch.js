// The delivery end's rules the console and the driver's page share: days and arrival times
// in Asia/Shanghai, distances and durations as shown, the dispatcher's edits to a wave's runs
// and the body of PUT /dispatch/waves/{id}/plan they become, and the projection that draws
// nodes and runs as SVG from their lat/lng (no map tiles are fetched).

const kTimeZone = 'Asia/Shanghai'
const kShanghaiOffsetMs = 8 * 3_600_000
const kDayMs = 24 * 3_600_000

export const kNodeTiers = ['park', 'station', 'village_point', 'community_point']
export const kTaskStatuses = ['open', 'planned', 'picked_up', 'delivered', 'failed', 'cancelled']
// The tiers a wave may leave from (POST /dispatch/waves: a park or a station).
export const kDispatchTiers = ['park', 'station']
// A task's legs: a village order outside the county town goes from the park to its township
// station (line_haul), then from the station to the village point (local); a town order goes
// straight from the park (local).
export const kLegs = ['line_haul', 'local']
// Why a driver could not hand over (POST /driver/tasks/{id}/fail).
export const kFailReasons = ['nobody_home', 'refused', 'damaged']
// Why the planner left a task out of a wave (the `code` of a wave's `unassigned` entries).
export const kUnassignedCodes = ['window_closed', 'later', 'cold_chain', 'too_big', 'unreachable', 'no_room']
// A wave is being planned while it is in one of these.
export const kWaveBusy = ['queued', 'solving']

// Tier colours of the drawings: the park stands out, the points recede.
export const kTierColors = {
  park: '#b4532a',
  station: '#2f6fb0',
  village_point: '#3f8f4f',
  community_point: '#8a6bb8',
}
// The colour of a stop's status on the driver's page (a Vant tag type).
export const kStopStatusTypes = {
  planned: 'primary',
  picked_up: 'warning',
  handed_over: 'success',
  delivered: 'success',
  failed: 'danger',
  open: 'danger',
}
// One colour per run of a wave, in turn.
export const kRunColors = ['#d9480f', '#1971c2', '#2f9e44', '#9c36b5', '#e8590c', '#0c8599', '#c2255c', '#5f3dc4']

// "YYYY-MM-DD" of the Shanghai day `daysAhead` days after the one `nowMs` falls on.
export function shanghaiDay(nowMs, daysAhead = 0) {
  return new Date(nowMs + kShanghaiOffsetMs + daysAhead * kDayMs).toISOString().slice(0, 10)
}

// "HH:MM" of an epoch-ms arrival, in Shanghai whatever the browser's zone.
export function formatEta(ms) {
  if (ms === null || ms === undefined || ms === '') return ''
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: kTimeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms))
  const part = (type) => parts.find((candidate) => candidate.type === type)?.value ?? '00'
  return `${part('hour')}:${part('minute')}`
}

// Metres as kilometres with one decimal: 12345 → "12.3".
export function formatKm(metres) {
  return (Math.round((metres || 0) / 100) / 10).toFixed(1)
}

// Seconds as whole hours and the minutes left over (rounded to the minute), for a message
// such as "2 小时 5 分".
export function hoursMinutes(seconds) {
  const minutes = Math.round((seconds || 0) / 60)
  return { hours: Math.floor(minutes / 60), minutes: minutes % 60 }
}

// Grams as kilograms with one decimal: 2500 → "2.5".
export function formatKg(grams) {
  return (Math.round((grams || 0) / 100) / 10).toFixed(1)
}

// The dispatcher's working copy of a wave's runs: per run its id, vehicle, lock and the
// stops in order. Edits change only this copy until the plan is saved. Each stop keeps the
// key of the physical stop it belongs to (`group_key`: its run and `group`), so that a group
// stays one stop wherever it is moved.
export function draftOf(wave) {
  return (wave?.runs ?? []).map((run, runIndex) => ({
    id: run.id,
    vehicle: run.vehicle,
    locked: run.locked,
    stops: run.stops.map((stop) => ({ ...stop, group_key: groupKeyOf(stop, runIndex) })),
  }))
}

// The key that holds the stops of one physical stop together: the run and their `group`, or
// the task alone for a stop without one.
function groupKeyOf(stop, runIndex) {
  return stop.group === null || stop.group === undefined ? `task:${stop.task_id}` : `${runIndex}:${stop.group}`
}

// The physical stops of a run: consecutive stops with the same group travel together (the
// same node, the same window, one arrival). Returns [{key, group, leg, node, eta, stops}] in
// order, `stops` being the run's stops of each. A draft's stops are grouped by their
// `group_key`, a run as the server sent it by `group`.
export function stopGroups(stops = []) {
  const groups = []
  for (const stop of stops) {
    const key = stop.group_key ?? groupKeyOf(stop, 0)
    const last = groups[groups.length - 1]
    if (last && last.key === key) last.stops.push(stop)
    else
      groups.push({
        key,
        group: stop.group ?? null,
        leg: stop.leg ?? 'local',
        node: stop.node,
        eta: stop.eta,
        stops: [stop],
      })
  }
  return groups
}

// Moves the physical stop at group position `fromGroup` of run `fromRun` (all of its stops,
// in their order) to group position `toGroup` of run `toRun`, counted in the target run as it
// is after the stop left. Runs are indexes into `draft`; returns a new draft and leaves the
// given one alone. A group is never split, nor put inside another one (PUT …/plan refuses
// both). A locked run neither gives nor takes stops (the server keeps locked runs as they
// are), and an impossible move returns the draft unchanged.
export function moveGroup(draft, fromRun, fromGroup, toRun, toGroup) {
  const source = draft[fromRun]
  const target = draft[toRun]
  if (!source || !target || source.locked || target.locked) return draft
  const sourceGroups = stopGroups(source.stops)
  if (fromGroup < 0 || fromGroup >= sourceGroups.length) return draft
  const stopsBefore = (groups, count) => groups.slice(0, count).reduce((sum, group) => sum + group.stops.length, 0)
  const next = draft.map((run) => ({ ...run, stops: [...run.stops] }))
  const moved = next[fromRun].stops.splice(stopsBefore(sourceGroups, fromGroup), sourceGroups[fromGroup].stops.length)
  const targetGroups = stopGroups(next[toRun].stops)
  const clamped = Math.max(0, Math.min(toGroup, targetGroups.length))
  next[toRun].stops.splice(stopsBefore(targetGroups, clamped), 0, ...moved)
  return next
}

// True when the draft orders any task differently from the wave's stored runs.
export function draftChanged(wave, draft) {
  const stored = (wave?.runs ?? []).map((run) => run.stops.map((stop) => stop.task_id).join(','))
  const edited = draft.map((run) => run.stops.map((stop) => stop.task_id).join(','))
  return stored.join('|') !== edited.join('|')
}

// The body of PUT /dispatch/waves/{id}/plan: every run of the draft by its vehicle, its
// tasks in the order they are to be delivered; a run left without stops is sent empty so
// that the server drops it.
export function planBody(draft) {
  return {
    runs: draft.map((run) => ({ vehicle_id: run.vehicle.id, task_ids: run.stops.map((stop) => stop.task_id) })),
  }
}

// The violations of a refused plan (422 plan_violations), keyed by task id for marking the
// stops at fault: a violation at a group names all of its tasks (`task_ids`), or one
// (`task_id`); violations of a whole run have no task and are listed only.
export function violationsByTask(violations = []) {
  const byTask = new Map()
  for (const violation of violations) {
    const taskIds = violation.task_ids ?? (violation.task_id == null ? [] : [violation.task_id])
    for (const taskId of taskIds) byTask.set(taskId, [...(byTask.get(taskId) ?? []), violation])
  }
  return byTask
}

// A projection of lat/lng onto a `width` × `height` drawing with `margin` pixels kept free
// on every side: equirectangular, with longitude shrunk by the cosine of the middle
// latitude so that a county keeps its shape, scaled to fit and centred; north is up.
// Returns (lat, lng) → {x, y}. With no points, or one, everything lands in the middle.
export function projection(points, width, height, margin = 10) {
  const valid = points.filter((point) => Number.isFinite(point?.lat) && Number.isFinite(point?.lng))
  if (!valid.length) return () => ({ x: width / 2, y: height / 2 })
  const lats = valid.map((point) => point.lat)
  const lngs = valid.map((point) => point.lng)
  const [south, north] = [Math.min(...lats), Math.max(...lats)]
  const [west, east] = [Math.min(...lngs), Math.max(...lngs)]
  const shrink = Math.cos((((south + north) / 2) * Math.PI) / 180)
  const spanX = (east - west) * shrink
  const spanY = north - south
  const scale =
    spanX === 0 && spanY === 0
      ? 0
      : Math.min(spanX ? (width - 2 * margin) / spanX : Infinity, spanY ? (height - 2 * margin) / spanY : Infinity)
  const offsetX = (width - spanX * scale) / 2
  const offsetY = (height - spanY * scale) / 2
  return (lat, lng) => ({ x: offsetX + (lng - west) * shrink * scale, y: offsetY + (north - lat) * scale })
}

// The SVG `points` of a run's polyline: from its node through its stops and back.
export function runPolyline(project, depot, stops) {
  const places = depot ? [depot, ...stops.map((stop) => stop.node), depot] : stops.map((stop) => stop.node)
  return places
    .map((place) => project(place.lat, place.lng))
    .map(({ x, y }) => `${x.toFixed(1)},${y.toFixed(1)}`)
    .join(' ')
}

// A navigation link for the driver: Amap's marker page at the node (only a link; the page
// itself fetches nothing).
export function navigationUrl(node) {
  return `https://uri.amap.com/marker?position=${node.lng},${node.lat}&name=${encodeURIComponent(node.name ?? '')}`
}

// A line-haul stop's parcels go to the station from these statuses (POST /driver/handover).
export const kHandoverStatuses = ['planned', 'picked_up']

// The tasks of a line-haul stop still to hand over to its station; `statusOf` tells a stop's
// status as the page knows it (the server's by default).
export function handoverTaskIds(stops = [], statusOf = (stop) => stop.task_status) {
  return stops.filter((stop) => kHandoverStatuses.includes(statusOf(stop))).map((stop) => stop.task_id)
}

// The buyer's delivery code: six digits.
export const isDeliveryCode = (code) => /^\d{6}$/.test(String(code ?? '').trim())

// A task's `fail_reason` as the driver gave it: the reason's key, then ": " and the note
// when there was one ("nobody_home: 改约明天"). Text of another shape is a note alone.
export function splitFailReason(text) {
  const value = String(text ?? '')
  const reason = kFailReasons.find((key) => value === key || value.startsWith(`${key}: `))
  if (!reason) return { reason: '', note: value }
  return { reason, note: value.slice(reason.length + 2) }
}

// Why a task was left out of a wave, in words: the code translated (`t` of
// `admin.dispatch.unassignedCode.<code>`), or the server's English reason for a code this
// page does not know yet.
export function unassignedReason(entry, t) {
  if (kUnassignedCodes.includes(entry?.code)) return t(`admin.dispatch.unassignedCode.${entry.code}`)
  return entry?.reason ?? ''
}

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
// Why a driver could not hand over (POST /driver/tasks/{id}/fail).
export const kFailReasons = ['nobody_home', 'refused', 'damaged']
// Why the planner left a task out of a wave (the `code` of a wave's `unassigned` entries).
export const kUnassignedCodes = ['window_closed', 'cold_chain', 'too_big', 'unreachable', 'no_room']
// A wave is being planned while it is in one of these.
export const kWaveBusy = ['queued', 'solving']

// Tier colours of the drawings: the park stands out, the points recede.
export const kTierColors = {
  park: '#b4532a',
  station: '#2f6fb0',
  village_point: '#3f8f4f',
  community_point: '#8a6bb8',
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
// stops in order. Edits change only this copy until the plan is saved.
export function draftOf(wave) {
  return (wave?.runs ?? []).map((run) => ({
    id: run.id,
    vehicle: run.vehicle,
    locked: run.locked,
    stops: run.stops.map((stop) => ({ ...stop })),
  }))
}

// Moves the stop at `fromIndex` of run `fromRun` to position `toIndex` of run `toRun`
// (positions counted in the target run as it is after the stop left). Runs are indexes
// into `draft`; returns a new draft and leaves the given one alone. A locked run neither
// gives nor takes stops (the server keeps locked runs as they are), and an impossible move
// returns the draft unchanged.
export function moveStop(draft, fromRun, fromIndex, toRun, toIndex) {
  const source = draft[fromRun]
  const target = draft[toRun]
  if (!source || !target || source.locked || target.locked) return draft
  if (fromIndex < 0 || fromIndex >= source.stops.length) return draft
  const next = draft.map((run) => ({ ...run, stops: [...run.stops] }))
  const [stop] = next[fromRun].stops.splice(fromIndex, 1)
  const clamped = Math.max(0, Math.min(toIndex, next[toRun].stops.length))
  next[toRun].stops.splice(clamped, 0, stop)
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
// stops at fault; violations of a whole run have no task and are listed only.
export function violationsByTask(violations = []) {
  const byTask = new Map()
  for (const violation of violations) {
    if (violation.task_id == null) continue
    byTask.set(violation.task_id, [...(byTask.get(violation.task_id) ?? []), violation])
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

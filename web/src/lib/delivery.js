// What the delivery end shows besides the dispatcher's and the driver's pages: the delivery
// windows a buyer may choose at checkout, the buyer's view of a task on the order page (its
// stage in the buyer's words, why an attempt failed, when the van is due, whether the page
// should keep asking), and the county's figures.
import { formatEta, shanghaiDay, splitFailReason } from './dispatch.js'

// The windows a buyer may choose for same-city and village-point delivery, in minutes after
// midnight in Shanghai (POST /orders' delivery_window: {day, slot}). Without one, the order
// is delivered any time within two days.
export const kDeliverySlots = {
  morning: [9 * 60, 12 * 60],
  afternoon: [14 * 60, 18 * 60],
  evening: [18 * 60, 21 * 60],
}
// A window may be chosen on the Shanghai day of ordering and the six after it …
export const kWindowDays = 7
// … if it ends at least this long after the order is placed.
export const kWindowNoticeMs = 2 * 3_600_000

const kMinuteMs = 60_000

// "HH:MM" of minutes after midnight.
function clockOf(minutes) {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
}

// The windows that may be chosen at `nowMs`, earliest first: [{day: "YYYY-MM-DD", slot,
// start, end (epoch ms), label: "HH:MM–HH:MM" (Shanghai), daysAhead: 0 for today …}].
export function deliverySlots(nowMs) {
  const slots = []
  for (let daysAhead = 0; daysAhead < kWindowDays; daysAhead++) {
    const day = shanghaiDay(nowMs, daysAhead)
    const midnight = Date.parse(`${day}T00:00:00+08:00`)
    for (const [slot, [from, to]] of Object.entries(kDeliverySlots)) {
      const end = midnight + to * kMinuteMs
      if (end < nowMs + kWindowNoticeMs) continue
      slots.push({
        day,
        slot,
        start: midnight + from * kMinuteMs,
        end,
        label: `${clockOf(from)}–${clockOf(to)}`,
        daysAhead,
      })
    }
  }
  return slots
}

// The slot of `slots` that `window` ({day, slot}) names, or null.
export function findSlot(slots, window) {
  return slots.find((candidate) => candidate.day === window?.day && candidate.slot === window?.slot) ?? null
}

// A window of epoch ms in Shanghai: "2026-12-01 14:00–18:00", or with both days when it
// ends on another day; '' without one.
export function formatWindow(start, end) {
  if (start === null || start === undefined || end === null || end === undefined) return ''
  const [startDay, endDay] = [shanghaiDay(start), shanghaiDay(end)]
  if (startDay === endDay) return `${startDay} ${formatEta(start)}–${formatEta(end)}`
  return `${startDay} ${formatEta(start)} – ${endDay} ${formatEta(end)}`
}

// The buyer's words follow the task's status, except that a task open again after a failed
// attempt reads as not delivered (with the reason) until a wave plans it anew, and that a
// village order's first leg reads as on its way to the township station (to_hub), then as
// waiting there for the local run (at_hub).
export const kBuyerStages = ['open', 'to_hub', 'at_hub', 'planned', 'picked_up', 'delivered', 'failed', 'cancelled']
// A task in one of these moves no more: the buyer's page stops asking.
export const kFinalTaskStatuses = ['delivered', 'cancelled']
// The orders that get a delivery task once paid (the others go by express or are collected).
export const kTaskDeliveryModes = ['same_city', 'village_point']
// The buyer's page asks for the task this often while it may still move.
export const kDeliveryPollMs = 15_000

// The buyer's stage of a task (one of kBuyerStages), or '' without a task.
export function buyerStage(task) {
  if (!task) return ''
  if (task.status === 'open' && task.fail_reason) return 'failed'
  if (task.leg === 'line_haul' && ['planned', 'picked_up'].includes(task.status)) return 'to_hub'
  if (task.leg === 'local' && task.hub && task.status === 'open') return 'at_hub'
  return task.status
}

// "拒收：买家说不要了" from "refused: 买家说不要了": the reason in words (`t` translates
// `failReason.<key>`), then the note; text of another shape is shown as it is.
export function describeFailReason(text, t) {
  const { reason, note } = splitFailReason(text)
  return [reason && t(`failReason.${reason}`), note].filter(Boolean).join(t('common.noteSeparator'))
}

// An arrival as {time: "HH:MM", day: "YYYY-MM-DD" or '' on the Shanghai day of `nowMs`}, or
// null without one.
export function etaParts(ms, nowMs) {
  if (ms === null || ms === undefined || ms === '') return null
  const day = shanghaiDay(ms)
  return { time: formatEta(ms), day: day === shanghaiDay(nowMs) ? '' : day }
}

// True while the buyer's page should keep asking where the goods are: an order that gets a
// task, neither cancelled nor completed, whose task (if it has one yet) may still move.
export function followsDelivery(order, task) {
  if (!order || !kTaskDeliveryModes.includes(order.delivery_mode)) return false
  if (['cancelled', 'completed'].includes(order.status)) return false
  return !task || !kFinalTaskStatuses.includes(task.status)
}

// The van's plate is worth showing while it is on its way.
export const showsVehicle = (task) => Boolean(task?.vehicle?.plate) && ['planned', 'picked_up'].includes(task.status)

// The county's figures (GET /delivery/figures): the columns in the order shown.
export const kFigureCounts = ['orders', 'people_served', 'communities_covered', 'villages_covered', 'vehicle_trips']

// An on-time rate (0…1) as a percentage with one decimal ("96.5%"), '—' without deliveries.
export function formatRate(rate) {
  if (rate === null || rate === undefined || !Number.isFinite(Number(rate))) return '—'
  return `${(Math.round(Number(rate) * 1000) / 10).toFixed(1)}%`
}

// Kilometres as figures report them, with one decimal ("12.5").
export function formatFigureKm(km) {
  return (Math.round((Number(km) || 0) * 10) / 10).toFixed(1)
}

// Arrivals in the order they are due; those without an arrival time last, by task.
export function byEta(items = []) {
  const key = (item) => (item.eta === null || item.eta === undefined ? Infinity : item.eta)
  return [...items].sort((a, b) => key(a) - key(b) || a.task_id - b.task_id)
}

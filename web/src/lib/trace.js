// Traceability (一码追溯) as the pages read it: the Digital Link paths of printed codes, a
// lot's history (the resolver's `events`, in time order) grouped the way a buyer reads it —
// inputs applied (施肥, 打药, with the pesticide's safety interval), inspections, the chain of
// custody from harvest to the buyer (with each leg's temperatures), certificates — and the
// bodies of the forms that record a lot, a plot and a production record
// (POST /lots, /plots, /lots/{id}/records). Names arrive masked where their owner chose so:
// nothing here masks or unmasks.
import { shanghaiDay } from './dispatch.js'
import { skuLabel } from './skus.js'

const kDayMs = 24 * 3_600_000

// Goods that need cooling travel between 0 and 8 °C (the server's rule in
// src/trace/records.cpp); any reading outside is flagged.
export const kColdRangeC = { min: 0, max: 8 }
// The CBV words of the events the page groups apart from the chain of custody.
export const kInputSteps = ['fertilising', 'spraying']
export const kInspectionStep = 'inspecting'
export const kCertificationStep = 'certifying'
export const kRecallStep = 'recalling'

// The production records a farmer or a store keeper enters (POST /lots/{id}/records), and
// the fields of each besides the date and the note.
export const kRecordKinds = [
  'fertilising',
  'spraying',
  'inspection',
  'processing',
  'packing',
  'storing',
  'shipping',
  'receiving',
  'certification',
]
const kLegFields = ['place', 'min_temp_c', 'max_temp_c']
export const kRecordFields = {
  fertilising: ['input_name', 'dose'],
  spraying: ['input_name', 'dose', 'safety_interval_days'],
  inspection: ['lab', 'method', 'result', 'conformant'],
  processing: ['place'],
  packing: ['place'],
  storing: kLegFields,
  shipping: kLegFields,
  receiving: kLegFields,
  certification: ['certificate', 'number', 'issuer'],
}
// Who records lots and their production from the mall's 我的 page (the console serves the
// offices): farmers' accounts (suppliers) and village store keepers.
export const kLotKeeperRoles = ['supplier', 'store_keeper']
// The certificate a record names by default: the 承诺达标合格证 (a proper name, kept in
// Chinese whatever the page's language, as the public scan page shows it).
export const kComplianceCertificate = '承诺达标合格证'
// The units a lot's quantity may be given in (UN/ECE Recommendation 20 codes).
export const kLotUnits = ['KGM', 'GRM', 'LTR', 'H87']
// The most item codes (serials) one lot may have.
export const kMaxSerials = 1000

// "/01/{gtin}/10/{lot}[/21/{serial}]": the path of a printed code on this origin.
export function resolverPath({ gtin, lot, serial }) {
  const path = `/01/${encodeURIComponent(gtin)}/10/${encodeURIComponent(lot)}`
  return serial ? `${path}/21/${encodeURIComponent(serial)}` : path
}

// The path of a Digital Link URI, whatever public host the server was configured with:
// the page fetches it from its own origin. '' when the text is no URI.
export function linkPath(digitalLink) {
  try {
    return new URL(digitalLink).pathname
  } catch {
    return ''
  }
}

// The whole days from one "YYYY-MM-DD" to another (negative when `to` comes first).
export function daysBetween(from, to) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / kDayMs)
}

// Whether a pesticide's safety interval was kept: the days from spraying to harvest must be
// at least the interval. `ok` is null when it does not apply (no interval given, no harvest
// date, or sprayed after the harvest).
export function safetyInterval(sprayDay, harvestDay, intervalDays) {
  if (!Number.isFinite(intervalDays) || !sprayDay || !harvestDay) return { days: null, ok: null }
  const days = daysBetween(sprayDay, harvestDay)
  return { days, ok: days < 0 ? null : days >= intervalDays }
}

// The lowest and highest temperature (°C) the event's sensor reports give, or null.
// Readings in °F or K are converted; a report may give a range or a single value.
export function temperatureRange(event) {
  const readings = []
  for (const element of event?.sensorElementList ?? [])
    for (const report of element.sensorReport ?? []) {
      if (!/(^|:)Temperature$/.test(report.type ?? '')) continue
      const toC = kToCelsius[report.uom ?? 'CEL']
      if (!toC) continue
      for (const key of ['minValue', 'maxValue', 'value'])
        if (Number.isFinite(report[key])) readings.push(toC(report[key]))
    }
  if (!readings.length) return null
  return { min: Math.min(...readings), max: Math.max(...readings) }
}
const kToCelsius = { CEL: (value) => value, FAH: (value) => ((value - 32) * 5) / 9, KEL: (value) => value - 273.15 }

// Whether a leg's temperatures left the cold chain's 0–8 °C.
export function outsideColdRange(range) {
  return Boolean(range) && (range.min < kColdRangeC.min || range.max > kColdRangeC.max)
}

// The order a shipment carried the lot for (bizTransactionList po urn:longnan:order:N), or null.
export function orderOf(event) {
  for (const transaction of event?.bizTransactionList ?? []) {
    const found = /^urn:longnan:order:(\d+)$/.exec(transaction.bizTransaction ?? '')
    if (found) return Number(found[1])
  }
  return null
}

const common = (entry) => ({
  eventId: entry.event_id,
  time: entry.event_time,
  day: shanghaiDay(entry.event_time),
  note: entry.event?.['ln:note'] ?? '',
  // Declared erroneous afterwards (EPCIS errorDeclaration): shown struck through.
  erroneous: Boolean(entry.error_declaration),
})

function inputOf(entry, harvestDay) {
  const input = entry.event?.['ln:input'] ?? {}
  const intervalDays = Number.isFinite(input['ln:safetyIntervalDays']) ? input['ln:safetyIntervalDays'] : null
  const base = common(entry)
  return {
    ...base,
    kind: entry.biz_step,
    name: input['ln:name'] ?? '',
    dose: input['ln:dose'] ?? '',
    intervalDays,
    ...(entry.biz_step === 'spraying' ? safetyInterval(base.day, harvestDay, intervalDays) : { days: null, ok: null }),
  }
}

function inspectionOf(entry) {
  const inspection = entry.event?.['ln:inspection'] ?? {}
  return {
    ...common(entry),
    lab: inspection['ln:lab'] ?? '',
    method: inspection['ln:method'] ?? '',
    result: inspection['ln:result'] ?? '',
    conformant: entry.disposition === 'conformant',
  }
}

function certificateOf(entry) {
  const certificate = entry.event?.['ln:certificate'] ?? {}
  return {
    ...common(entry),
    name: certificate['ln:name'] ?? '',
    number: certificate['ln:number'] ?? '',
    issuer: certificate['ln:issuer'] ?? '',
  }
}

function custodyStepOf(entry) {
  const temperature = temperatureRange(entry.event)
  return {
    ...common(entry),
    step: entry.biz_step,
    disposition: entry.disposition,
    place: entry.event?.['ln:place'] ?? '',
    temperature,
    coldBreak: outsideColdRange(temperature),
    orderId: orderOf(entry.event),
    reason: entry.event?.['ln:reason'] ?? '',
  }
}

// A lot's history (the resolver's answer) in the page's groups, each in time order:
// inputs, inspections, certificates (those recorded on the lot) and the chain of custody
// (everything else: the harvest, processing, packing, storing, shipping, receiving, a recall
// and any other step captured).
export function traceHistory(data) {
  const harvestDay = data?.lot?.harvest_date ?? ''
  const events = [...(data?.events ?? [])].sort((a, b) => a.event_time - b.event_time)
  const history = { inputs: [], inspections: [], certificates: [], custody: [] }
  for (const entry of events) {
    if (kInputSteps.includes(entry.biz_step)) history.inputs.push(inputOf(entry, harvestDay))
    else if (entry.biz_step === kInspectionStep) history.inspections.push(inspectionOf(entry))
    else if (entry.biz_step === kCertificationStep) history.certificates.push(certificateOf(entry))
    else history.custody.push(custodyStepOf(entry))
  }
  return history
}

// The reason given when the lot was recalled (its recalling event), or ''.
export function recallReason(data) {
  const recalls = (data?.events ?? []).filter((entry) => entry.biz_step === kRecallStep)
  return recalls.at(-1)?.event?.['ln:reason'] ?? ''
}

// Where the village dot goes: the plot's own position when it has one, else the village's.
export function siteOf(data) {
  for (const place of [data?.plot, data?.village])
    if (Number.isFinite(place?.lat) && Number.isFinite(place?.lng)) return { lat: place.lat, lng: place.lng }
  return null
}

// A number typed in a form: null when left empty, NaN when it is no number.
export function typedNumber(text) {
  const trimmed = String(text ?? '').trim()
  return trimmed === '' ? null : Number(trimmed)
}

// What is wrong with a leg's temperatures as typed: '' (fine, or both left empty), 'both'
// (only one given), 'number' (not a number) or 'order' (the lowest above the highest).
export function temperatureProblem(minText, maxText) {
  const min = typedNumber(minText)
  const max = typedNumber(maxText)
  if (min === null && max === null) return ''
  if (min === null || max === null) return 'both'
  if (!Number.isFinite(min) || !Number.isFinite(max)) return 'number'
  return min > max ? 'order' : ''
}

const text = (value) => String(value ?? '').trim()
// Texts the server requires of their kind: sent even when empty, so that its answer names
// the field. Other texts (place, issuer) are left out when empty.
const kRequiredTexts = ['input_name', 'dose', 'lab', 'method', 'result', 'certificate', 'number']

// The body of POST /lots/{id}/records for a form of `kind`: the date, the note when given,
// and the kind's own fields (texts trimmed, numbers as numbers, temperatures only when
// typed).
export function recordBody(kind, fields) {
  const body = { kind, date: text(fields.date) }
  if (text(fields.note)) body.note = text(fields.note)
  for (const name of kRecordFields[kind] ?? []) {
    if (name === 'conformant') body.conformant = Boolean(fields.conformant)
    else if (name === 'safety_interval_days') body.safety_interval_days = typedNumber(fields.safety_interval_days)
    else if (name === 'min_temp_c' || name === 'max_temp_c') {
      const value = typedNumber(fields[name])
      if (value !== null) body[name] = value
    } else if (text(fields[name]) || kRequiredTexts.includes(name)) body[name] = text(fields[name])
  }
  return body
}

// The body of POST /lots: the SKU, harvest, quantity and unit; the rest only when given.
export function lotBody(fields) {
  const body = {
    sku_id: fields.sku_id,
    harvest_date: text(fields.harvest_date),
    quantity: typedNumber(fields.quantity),
    unit: fields.unit || 'KGM',
  }
  if (fields.plot_id) body.plot_id = fields.plot_id
  if (text(fields.lot_number)) body.lot_number = text(fields.lot_number)
  if (text(fields.certificate)) body.certificate = text(fields.certificate)
  if (fields.serials) body.serials = Number(fields.serials)
  return body
}

// The body of POST /plots: its name and village; the position (both or neither) and area
// when typed; the producer when the caller enters a plot for someone else.
export function plotBody(fields, producerId = null) {
  const body = { name: text(fields.name), village_code: fields.village_code }
  const lat = typedNumber(fields.lat)
  const lng = typedNumber(fields.lng)
  if (lat !== null || lng !== null) Object.assign(body, { lat, lng })
  const area = typedNumber(fields.area_mu)
  if (area !== null) body.area_mu = area
  if (producerId) body.producer_id = producerId
  return body
}

// The SKUs a lot may be of: those with a GTIN, of the products given with their details
// (GET /products/{id}: `skus`), named "product · option".
export function skuChoices(products, details) {
  const choices = []
  for (const product of products)
    for (const sku of details[product.id]?.skus ?? [])
      if (sku.gtin)
        choices.push({
          skuId: sku.id,
          gtin: sku.gtin,
          productId: product.id,
          producerId: product.producer?.id ?? null,
          label: `${product.name} · ${skuLabel(sku.attrs, sku.code)}`,
        })
  return choices
}

// What the server accepts as uploads, and the Content-Type to send a chosen file with.
// The type is taken from the file name's extension: browsers report `.csv` files as
// text/csv, application/vnd.ms-excel or nothing, depending on the system.
export const kCsv = 'text/csv'
export const kXlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
export const kPictureTypes = ['image/jpeg', 'image/png', 'image/webp']
export const kEvidenceTypes = [...kPictureTypes, 'application/pdf']
export const kImportTypes = [kCsv, kXlsx]

// Limits of the server: larger bodies are refused with 413 and the connection is closed.
export const kMaxFileBytes = 5 * 1024 * 1024
export const kMaxImportBytes = 32 * 1024 * 1024

const kTypesByExtension = {
  csv: kCsv,
  xlsx: kXlsx,
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  pdf: 'application/pdf',
}

// The Content-Type for `fileName` if it is one of `allowed`, otherwise ''.
export function contentTypeOf(fileName, allowed) {
  const dot = fileName.lastIndexOf('.')
  const type = dot < 0 ? undefined : kTypesByExtension[fileName.slice(dot + 1).toLowerCase()]
  return type && allowed.includes(type) ? type : ''
}

// The extensions an <input type="file" accept> should offer for `types`.
export function acceptFor(types) {
  return Object.entries(kTypesByExtension)
    .filter(([, type]) => types.includes(type))
    .map(([extension]) => `.${extension}`)
    .join(',')
}

// Offers `text` to the user as a download named `fileName`.
export function downloadText(text, fileName, type) {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.click()
  setTimeout(() => URL.revokeObjectURL(url), 0)
}

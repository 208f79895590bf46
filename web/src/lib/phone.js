// Mobile numbers as the server takes them (11 digits, 13x to 19x), and as lists show them.
export const kMobilePattern = /^1[3-9]\d{9}$/

// 13800000001 → 138****0001; anything else as it is.
export function maskPhone(phone) {
  return /^\d{11}$/.test(phone ?? '') ? `${phone.slice(0, 3)}****${phone.slice(7)}` : (phone ?? '')
}

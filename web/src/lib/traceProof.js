// Checking, in the browser, that a lot's history is the one the server's tamper-evident log
// holds (src/trace/merkle.h): each event's hash is a leaf of an append-only Merkle tree
// (RFC 9162 §2.1: leaf hash SHA-256(0x00 ‖ the event's 32-byte hash), node hash
// SHA-256(0x01 ‖ left ‖ right)), the server answers an inclusion proof of each leaf to its
// latest checkpoint, and the checkpoint — origin, tree size, root and time as a four-line
// text — is signed with Ed25519 by the server and optionally co-signed by the county
// auditor. Everything here uses WebCrypto (crypto.subtle) and nothing else.
//
// What is not checked: that an event's JSON hashes to its `hash` (the CBV 2.0 event hash
// is the server's and `longnan trace verify`'s job); the page shows the content the
// server sent next to a hash that the signed log vouches for.

const kHashPrefix = /^ni:\/\/\/sha-256;([0-9a-fA-F]{64})(\?|$)/

// The outcomes of verifyTrace, as the scan page's badge shows them.
export const kVerifyStates = ['verified', 'pending', 'failed', 'unsupported', 'none']

export function hexToBytes(hex) {
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null
  const bytes = new Uint8Array(hex.length / 2)
  for (let at = 0; at < bytes.length; at++) bytes[at] = parseInt(hex.slice(2 * at, 2 * at + 2), 16)
  return bytes
}

export function bytesToHex(bytes) {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
}

// Standard base64 with padding, as the checkpoint's body writes its root.
export function bytesToBase64(bytes) {
  let text = ''
  for (const byte of bytes) text += String.fromCharCode(byte)
  return btoa(text)
}

function concat(...parts) {
  const joined = new Uint8Array(parts.reduce((length, part) => length + part.length, 0))
  let at = 0
  for (const part of parts) {
    joined.set(part, at)
    at += part.length
  }
  return joined
}

function sameBytes(a, b) {
  return a.length === b.length && a.every((byte, at) => byte === b[at])
}

export async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
}

// SHA-256(0x00 ‖ leaf): the hash of a leaf of the tree.
export const leafHash = (leaf) => sha256(concat(Uint8Array.of(0), leaf))

// SHA-256(0x01 ‖ left ‖ right): the hash of an inner node.
export const nodeHash = (left, right) => sha256(concat(Uint8Array.of(1), left, right))

// The 32 bytes of an event's hash ("ni:///sha-256;<64 hex>?ver=CBV2.0"), or null.
export function eventHashBytes(hashUri) {
  const found = kHashPrefix.exec(hashUri ?? '')
  return found ? hexToBytes(found[1]) : null
}

// The root that `proof` (the audit path, the leaf's sibling first) leads to from the leaf
// hash `leaf` at `index` in a tree of `size` leaves (RFC 9162 §2.1.3.2), or null when the
// proof cannot be one for that index and size (too short, too long, index out of range).
// Sizes beyond 2^31 leaves stay exact: halving is done by division, not by bit shifts.
export async function rootFromInclusionProof(index, size, leaf, proof) {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return null
  let fn = index
  let sn = size - 1
  let hash = leaf
  for (const sibling of proof) {
    if (sn === 0) return null
    if (fn % 2 === 1 || fn === sn) {
      hash = await nodeHash(sibling, hash)
      // A left child at the right edge: climb until it is a right child (or the root).
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2)
        sn = Math.floor(sn / 2)
      }
    } else {
      hash = await nodeHash(hash, sibling)
    }
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  return sn === 0 ? hash : null
}

// Whether `proof` (hex strings) shows the leaf hash `leaf` at `index` in the tree of `size`
// leaves whose root is `root` (bytes).
export async function verifyInclusion({ index, size, leaf, proof, root }) {
  const path = (proof ?? []).map(hexToBytes)
  if (path.some((sibling) => sibling?.length !== 32)) return false
  const computed = await rootFromInclusionProof(index, size, leaf, path)
  return computed !== null && sameBytes(computed, root)
}

// The text a checkpoint's signature is over (src/trace/merkle.h Checkpoint::body):
// "<origin>\n<size>\n<base64 root>\n<time in ms>\n".
export function checkpointBody({ origin, tree_size: size, root, time }) {
  const rootBytes = hexToBytes(root ?? '')
  return `${origin}\n${size}\n${rootBytes ? bytesToBase64(rootBytes) : ''}\n${time}\n`
}

// Thrown when the browser's WebCrypto has no Ed25519.
export class Ed25519Unsupported extends Error {}

// Whether `signatureHex` is an Ed25519 signature of `text` (UTF-8) by `publicKeyHex`.
export async function verifyEd25519(publicKeyHex, signatureHex, text) {
  const publicKey = hexToBytes(publicKeyHex ?? '')
  const signature = hexToBytes(signatureHex ?? '')
  if (publicKey?.length !== 32 || signature?.length !== 64) return false
  let key
  try {
    key = await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify'])
  } catch (error) {
    if (error?.name === 'NotSupportedError') throw new Ed25519Unsupported(error.message)
    return false
  }
  try {
    return await crypto.subtle.verify('Ed25519', key, signature, new TextEncoder().encode(text))
  } catch {
    return false
  }
}

// Checks the checkpoint: its body says what its fields say, the server's signature and
// (when there is one) the auditor's co-signature verify. Answers '' or the problem.
async function checkpointProblem(checkpoint) {
  const body = checkpointBody(checkpoint)
  if (checkpoint.body !== body) return 'body'
  if (!(await verifyEd25519(checkpoint.public_key, checkpoint.signature, body))) return 'signature'
  if (checkpoint.cosignature && !(await verifyEd25519(checkpoint.cosigner_public_key, checkpoint.cosignature, body)))
    return 'cosignature'
  return ''
}

// Checks an event against the checkpoint: 'proven', 'pending' (newer than the checkpoint,
// so without a proof yet) or 'failed'. The event's proof lists places in `nodes` (the
// answer's proof_nodes: the nodes the lot's proofs share are sent once).
async function eventOutcome(event, checkpoint, root, nodes) {
  if (!checkpoint) return 'pending'
  if (!event.proof) return event.leaf >= checkpoint.tree_size ? 'pending' : 'failed'
  const hash = eventHashBytes(event.hash)
  if (!hash || !Array.isArray(event.proof)) return 'failed'
  const proof = event.proof.map((place) => (Number.isInteger(place) ? nodes[place] : undefined))
  const leaf = await leafHash(hash)
  const size = checkpoint.tree_size
  return (await verifyInclusion({ index: event.leaf, size, leaf, proof, root })) ? 'proven' : 'failed'
}

// What the badge says of a lot's history (the resolver's answer: its events, checkpoint and
// proof_nodes):
//   state: 'verified' (every event proven to a checkpoint whose signatures verify),
//          'pending' (nothing wrong, but some events are newer than the checkpoint),
//          'failed' (a proof or a signature does not verify),
//          'unsupported' (this browser cannot check Ed25519 signatures),
//          'none' (no events);
//   proven / pending / failed: counts of events; total;
//   checkpointTime (ms) and cosigned, when there is a checkpoint; problem: what failed
//   first ('body', 'signature', 'cosignature', 'proof').
export async function verifyTrace({ events = [], checkpoint = null, proof_nodes: nodes = [] } = {}) {
  const report = {
    state: 'none',
    total: events.length,
    proven: 0,
    pending: 0,
    failed: 0,
    checkpointTime: checkpoint?.time ?? null,
    cosigned: Boolean(checkpoint?.cosignature),
    problem: '',
  }
  const root = checkpoint ? hexToBytes(checkpoint.root ?? '') : null
  if (checkpoint) {
    try {
      report.problem = root?.length === 32 ? await checkpointProblem(checkpoint) : 'body'
    } catch (error) {
      if (error instanceof Ed25519Unsupported) return { ...report, state: 'unsupported' }
      throw error
    }
  }
  for (const event of events) {
    const outcome = await eventOutcome(event, report.problem ? null : checkpoint, root, nodes ?? [])
    report[outcome] += 1
  }
  if (!report.problem && report.failed) report.problem = 'proof'
  if (report.problem) report.state = 'failed'
  else if (!events.length) report.state = 'none'
  else report.state = report.pending ? 'pending' : 'verified'
  return report
}

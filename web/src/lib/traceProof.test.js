import { describe, expect, it } from 'vitest'
import {
  bytesToBase64,
  bytesToHex,
  checkpointBody,
  eventHashBytes,
  hexToBytes,
  leafHash,
  nodeHash,
  rootFromInclusionProof,
  sha256,
  verifyEd25519,
  verifyInclusion,
  verifyTrace,
} from './traceProof.js'

// The RFC 6962 test tree (as in certificate-transparency's merkle tree tests).
const kLeaves = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(hexToBytes)
const kRoot1 = '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d'
const kRoot8 = '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'

// A reference tree, straight from RFC 6962 §2.1: MTH and PATH over leaf hashes.
const largestPowerOfTwoBelow = (n) => 2 ** Math.floor(Math.log2(n - 1))

async function treeHash(leafHashes) {
  if (leafHashes.length === 0) return sha256(new Uint8Array())
  if (leafHashes.length === 1) return leafHashes[0]
  const k = largestPowerOfTwoBelow(leafHashes.length)
  return nodeHash(await treeHash(leafHashes.slice(0, k)), await treeHash(leafHashes.slice(k)))
}

async function auditPath(m, leafHashes) {
  if (leafHashes.length <= 1) return []
  const k = largestPowerOfTwoBelow(leafHashes.length)
  if (m < k) return [...(await auditPath(m, leafHashes.slice(0, k))), await treeHash(leafHashes.slice(k))]
  return [...(await auditPath(m - k, leafHashes.slice(k))), await treeHash(leafHashes.slice(0, k))]
}

const leafHashesOf = (leaves) => Promise.all(leaves.map(leafHash))

describe('the Merkle tree hashes', () => {
  it('give the RFC 6962 test roots', async () => {
    const hashes = await leafHashesOf(kLeaves)
    expect(bytesToHex(await treeHash(hashes.slice(0, 1)))).toBe(kRoot1)
    expect(bytesToHex(await treeHash(hashes))).toBe(kRoot8)
  })

  it('converts hex and base64', () => {
    expect(bytesToHex(hexToBytes('00ff10Ab'))).toBe('00ff10ab')
    expect(hexToBytes('abc')).toBeNull()
    expect(hexToBytes('zz')).toBeNull()
    expect(bytesToBase64(hexToBytes(kRoot1))).toBe('bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=')
  })
})

describe('rootFromInclusionProof', () => {
  it('proves every leaf of every tree of the test leaves', async () => {
    const hashes = await leafHashesOf(kLeaves)
    for (let size = 1; size <= hashes.length; size++) {
      const root = await treeHash(hashes.slice(0, size))
      for (let index = 0; index < size; index++) {
        const proof = (await auditPath(index, hashes.slice(0, size))).map(bytesToHex)
        const leaf = hashes[index]
        expect(await verifyInclusion({ index, size, leaf, proof, root }), `leaf ${index} of ${size}`).toBe(true)
      }
    }
  })

  it('proves leaves of larger, uneven trees', async () => {
    const hashes = await leafHashesOf(Array.from({ length: 37 }, (_, at) => Uint8Array.of(at, at * 7)))
    for (const size of [9, 16, 17, 31, 37]) {
      const root = await treeHash(hashes.slice(0, size))
      for (const index of [0, 1, size - 2, size - 1, Math.floor(size / 2)]) {
        const proof = (await auditPath(index, hashes.slice(0, size))).map(bytesToHex)
        expect(await verifyInclusion({ index, size, leaf: hashes[index], proof, root })).toBe(true)
      }
    }
  })

  it('refuses a proof for another leaf, index or size, and a proof too short or too long', async () => {
    const hashes = await leafHashesOf(kLeaves)
    const root = await treeHash(hashes)
    const proof = (await auditPath(5, hashes)).map(bytesToHex)
    const good = { index: 5, size: 8, leaf: hashes[5], proof, root }
    expect(await verifyInclusion(good)).toBe(true)
    expect(await verifyInclusion({ ...good, leaf: hashes[4] })).toBe(false)
    expect(await verifyInclusion({ ...good, index: 4 })).toBe(false)
    expect(await verifyInclusion({ ...good, index: 8 })).toBe(false)
    expect(await verifyInclusion({ ...good, size: 6 })).toBe(false)
    expect(await verifyInclusion({ ...good, proof: proof.slice(1) })).toBe(false)
    expect(await verifyInclusion({ ...good, proof: [...proof, proof[0]] })).toBe(false)
    expect(await verifyInclusion({ ...good, proof: [proof[1], proof[0], proof[2]] })).toBe(false)
    expect(await verifyInclusion({ ...good, proof: [...proof.slice(0, 2), 'ab'] })).toBe(false)
    expect(await verifyInclusion({ ...good, root: hashes[0] })).toBe(false)
  })

  it('answers null for an index beyond the tree and for a one-leaf tree with a path', async () => {
    const [leaf] = await leafHashesOf(kLeaves)
    expect(await rootFromInclusionProof(1, 1, leaf, [])).toBeNull()
    expect(await rootFromInclusionProof(-1, 4, leaf, [])).toBeNull()
    expect(await rootFromInclusionProof(0, 1, leaf, [leaf])).toBeNull()
    expect(bytesToHex(await rootFromInclusionProof(0, 1, leaf, []))).toBe(kRoot1)
  })
})

describe('eventHashBytes', () => {
  it('takes the 32 bytes out of an ni: URI', () => {
    const hex = 'ab'.repeat(32)
    expect(bytesToHex(eventHashBytes(`ni:///sha-256;${hex}?ver=CBV2.0`))).toBe(hex)
    expect(bytesToHex(eventHashBytes(`ni:///sha-256;${hex}`))).toBe(hex)
    expect(eventHashBytes(`ni:///sha-256;${hex.slice(2)}?ver=CBV2.0`)).toBeNull()
    expect(eventHashBytes(`ni:///md5;${hex}`)).toBeNull()
    expect(eventHashBytes(undefined)).toBeNull()
  })
})

async function keyPair() {
  const pair = await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])
  const publicHex = bytesToHex(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)))
  const sign = async (text) =>
    bytesToHex(new Uint8Array(await crypto.subtle.sign('Ed25519', pair.privateKey, new TextEncoder().encode(text))))
  return { publicHex, sign }
}

describe('verifyEd25519', () => {
  it('verifies a signature made with a fresh key pair, and nothing else', async () => {
    const key = await keyPair()
    const other = await keyPair()
    const signature = await key.sign('longnan.example/trace\n8\nabc=\n1700000000000\n')
    expect(await verifyEd25519(key.publicHex, signature, 'longnan.example/trace\n8\nabc=\n1700000000000\n')).toBe(true)
    expect(await verifyEd25519(key.publicHex, signature, 'longnan.example/trace\n9\nabc=\n1700000000000\n')).toBe(false)
    expect(await verifyEd25519(other.publicHex, signature, 'longnan.example/trace\n8\nabc=\n1700000000000\n')).toBe(
      false,
    )
    expect(await verifyEd25519(key.publicHex, signature.slice(2), 'x')).toBe(false)
    expect(await verifyEd25519('', signature, 'x')).toBe(false)
  })
})

describe('checkpointBody', () => {
  it('writes the four lines the server signs', () => {
    const body = checkpointBody({ origin: 'trace.example/trace', tree_size: 8, root: kRoot1, time: 1700000000000 })
    expect(body).toBe('trace.example/trace\n8\nbjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=\n1700000000000\n')
  })
})

describe('verifyTrace', () => {
  // A log of `count` events, a checkpoint over the first `size` of them signed by `key`
  // (and co-signed by `auditor`), and the resolver's events for `picked` leaves.
  async function fixture({ count = 6, size = 6, picked = [1, 3, 4], auditor = null } = {}) {
    const key = await keyPair()
    const eventHashes = Array.from({ length: count }, (_, at) => bytesToHex(Uint8Array.from({ length: 32 }, () => at)))
    const leafHashes = await Promise.all(eventHashes.map((hex) => leafHash(hexToBytes(hex))))
    const root = bytesToHex(await treeHash(leafHashes.slice(0, size)))
    const checkpoint = { id: 1, origin: 'localhost:8080/trace', tree_size: size, root, time: 1764460800000 }
    checkpoint.body = checkpointBody(checkpoint)
    checkpoint.public_key = key.publicHex
    checkpoint.signature = await key.sign(checkpoint.body)
    checkpoint.cosigner_public_key = auditor ? auditor.publicHex : ''
    checkpoint.cosignature = auditor ? await auditor.sign(checkpoint.body) : ''
    // As the resolver answers: each node once in proof_nodes, each proof its places there.
    const events = []
    const nodes = []
    for (const leaf of picked) {
      const event = { event_id: `e${leaf}`, leaf, hash: `ni:///sha-256;${eventHashes[leaf]}?ver=CBV2.0` }
      if (leaf < size) {
        event.proof = (await auditPath(leaf, leafHashes.slice(0, size))).map((node) => {
          const hex = bytesToHex(node)
          if (!nodes.includes(hex)) nodes.push(hex)
          return nodes.indexOf(hex)
        })
      }
      events.push(event)
    }
    return { events, checkpoint, proof_nodes: nodes }
  }

  it('reads each proof from the shared nodes, each sent once', async () => {
    const data = await fixture({ count: 8, size: 8, picked: [0, 1, 2, 3] })
    // 4 proofs of 3 nodes, 7 of them different: the four leaves (each its neighbour's
    // sibling), the roots of leaves 0–1 and 2–3, and the root of 4–7 (in every proof).
    expect(data.proof_nodes).toHaveLength(7)
    expect(await verifyTrace(data)).toMatchObject({ state: 'verified', proven: 4 })
    expect(await verifyTrace({ ...data, proof_nodes: data.proof_nodes.slice(1) })).toMatchObject({ state: 'failed' })
  })

  it('verifies a history whose events are all in a signed checkpoint', async () => {
    const report = await verifyTrace(await fixture())
    expect(report).toMatchObject({ state: 'verified', total: 3, proven: 3, pending: 0, failed: 0, cosigned: false })
    expect(report.checkpointTime).toBe(1764460800000)
  })

  it('says whether the county auditor co-signed, and fails a bad co-signature', async () => {
    const auditor = await keyPair()
    const data = await fixture({ auditor })
    expect(await verifyTrace(data)).toMatchObject({ state: 'verified', cosigned: true })
    data.checkpoint.cosigner_public_key = data.checkpoint.public_key
    expect(await verifyTrace(data)).toMatchObject({ state: 'failed', problem: 'cosignature' })
  })

  it('leaves events newer than the checkpoint pending', async () => {
    const report = await verifyTrace(await fixture({ count: 7, size: 5, picked: [1, 4, 6] }))
    expect(report).toMatchObject({ state: 'pending', proven: 2, pending: 1, failed: 0 })
    const unsigned = await fixture()
    expect(await verifyTrace({ events: unsigned.events, checkpoint: null })).toMatchObject({
      state: 'pending',
      pending: 3,
    })
  })

  it('fails an altered event hash, proof, root, body or signature', async () => {
    const altered = async (change) => {
      const data = await fixture()
      change(data)
      return verifyTrace(data)
    }
    expect(await altered(({ events }) => (events[1].hash = events[1].hash.replace(/;(..)/, ';ff')))).toMatchObject({
      state: 'failed',
      problem: 'proof',
      failed: 1,
      proven: 2,
    })
    expect(await altered(({ events }) => events[0].proof.reverse())).toMatchObject({ state: 'failed' })
    expect(await altered(({ events }) => (events[2].leaf = 2))).toMatchObject({ state: 'failed' })
    expect(await altered(({ events }) => delete events[0].proof)).toMatchObject({ state: 'failed', problem: 'proof' })
    expect(await altered(({ events }) => (events[0].proof[0] = 99))).toMatchObject({ state: 'failed' })
    expect(await altered(({ events }) => (events[0].proof[0] = '0'))).toMatchObject({ state: 'failed' })
    expect(await altered((data) => (data.proof_nodes[0] = 'ab'.repeat(32)))).toMatchObject({ state: 'failed' })
    expect(await altered(({ checkpoint }) => (checkpoint.root = 'ab'.repeat(32)))).toMatchObject({
      state: 'failed',
      problem: 'body',
    })
    expect(
      await altered(({ checkpoint }) => {
        checkpoint.tree_size = 7
        checkpoint.body = checkpointBody(checkpoint)
      }),
    ).toMatchObject({ state: 'failed', problem: 'signature' })
    expect(
      await altered(({ checkpoint }) => (checkpoint.signature = checkpoint.signature.replace(/^../, '00'))),
    ).toMatchObject({ state: 'failed', problem: 'signature' })
  })

  it('says nothing is to be verified without events', async () => {
    expect(await verifyTrace({ events: [], checkpoint: null })).toMatchObject({ state: 'none', total: 0 })
  })
})

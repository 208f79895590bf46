import { describe, expect, it } from 'vitest'
import { ApiError } from '../api/client.js'
import { kPayPollIntervalMs, prepayState, waitUntilPaid } from './payments.js'

describe('prepayState', () => {
  const prepay = { prepay_id: 'sbp_1', amount_fen: 5000, status: 'created' }

  it('asks to pay while the prepay is unpaid and still covers what is left', () => {
    expect(prepayState(prepay, { payable_fen: 5000 })).toBe('pay')
    expect(prepayState(prepay, null)).toBe('pay')
  })

  it('waits for the notification once paid, and is done when nothing is left to pay', () => {
    const paid = { ...prepay, status: 'paid' }
    expect(prepayState(paid, { payable_fen: 5000 })).toBe('waiting')
    expect(prepayState(paid, null)).toBe('waiting')
    expect(prepayState(paid, { payable_fen: 0 })).toBe('done')
  })

  it('has nothing to pay when the orders were paid in cash or cancelled', () => {
    expect(prepayState(prepay, { payable_fen: 0 })).toBe('nothing')
  })

  it('is stale when the amount left is no longer the prepay’s', () => {
    expect(prepayState(prepay, { payable_fen: 3000 })).toBe('stale')
  })
})

// A clock that sleeping moves on, and the naps taken.
function fakeTime() {
  let time = 1_000_000
  const naps = []
  return {
    naps,
    now: () => time,
    sleep: async (ms) => {
      naps.push(ms)
      time += ms
    },
  }
}

describe('waitUntilPaid', () => {
  it('asks until nothing is left to pay, every half second', async () => {
    const clock = fakeTime()
    const answers = [{ payable_fen: 5000 }, { payable_fen: 5000 }, { id: 7, payable_fen: 0 }]
    const checkout = await waitUntilPaid(async () => answers.shift(), clock)
    expect(checkout).toEqual({ id: 7, payable_fen: 0 })
    expect(clock.naps).toEqual([kPayPollIntervalMs, kPayPollIntervalMs])
  })

  it('gives up with null after the timeout', async () => {
    const clock = fakeTime()
    let asked = 0
    const checkout = await waitUntilPaid(
      async () => {
        asked += 1
        return { payable_fen: 100 }
      },
      { ...clock, intervalMs: 500, timeoutMs: 2000 },
    )
    expect(checkout).toBeNull()
    expect(asked).toBe(5)
    expect(clock.naps.reduce((sum, ms) => sum + ms, 0)).toBe(2000)
  })

  it('asks again after a lost answer, and rejects on a refusal', async () => {
    const clock = fakeTime()
    const answers = [new ApiError(0, { code: 'network' }), new ApiError(502), { payable_fen: 0 }]
    const load = async () => {
      const answer = answers.shift()
      if (answer instanceof Error) throw answer
      return answer
    }
    expect(await waitUntilPaid(load, clock)).toEqual({ payable_fen: 0 })

    const refused = waitUntilPaid(async () => {
      throw new ApiError(404, { message: 'no such checkout' })
    }, fakeTime())
    await expect(refused).rejects.toThrow('no such checkout')
  })

  it('stops when the page is left', async () => {
    const clock = fakeTime()
    let left = false
    let asked = 0
    const checkout = await waitUntilPaid(
      async () => {
        asked += 1
        if (asked === 2) left = true
        return { payable_fen: 100 }
      },
      { ...clock, stopped: () => left },
    )
    expect(checkout).toBeNull()
    expect(asked).toBe(2)
  })
})

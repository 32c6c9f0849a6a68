import {mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, test} from 'vitest'

import {TransformGate, VariantCache} from '../../server/images'

const dir = mkdtempSync(join(tmpdir(), 'ahp-variants-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

const key = (n: number) => n.toString(16).padStart(64, '0')

describe('the variant cache', () => {
  test('stays within its bytes, dropping the least recently used variant first; a new instance finds what is on disk', async () => {
    const cache = new VariantCache(join(dir, 'a'), 250)
    await cache.put(key(1), Buffer.alloc(100, 1))
    await cache.put(key(2), Buffer.alloc(100, 2))
    expect(await cache.get(key(1))).toEqual(Buffer.alloc(100, 1)) // 1 is now the most recently used
    await cache.put(key(3), Buffer.alloc(100, 3))
    expect(await cache.get(key(2))).toBeUndefined()
    expect(cache.size).toEqual({entries: 2, bytes: 200})
    expect(readdirSync(join(dir, 'a')).sort()).toEqual([key(1), key(3)])
    const reopened = new VariantCache(join(dir, 'a'), 250)
    expect(await reopened.get(key(3))).toEqual(Buffer.alloc(100, 3))
  })
})

describe('the transform gate', () => {
  test('runs a bounded number at once, queues a bounded number, and refuses the rest with 503', async () => {
    const gate = new TransformGate(2, 1)
    let running = 0
    let most = 0
    const releases: (() => void)[] = []
    const task = () =>
      gate.run(async () => {
        running++
        most = Math.max(most, running)
        await new Promise<void>((resolve) => releases.push(resolve))
        running--
      })
    const first = [task(), task(), task()]
    await expect(task()).rejects.toMatchObject({status: 503, type: 'imageTransformBusy'})
    await expect.poll(() => releases.length).toBe(2)
    while (releases.length > 0 || running > 0) {
      releases.shift()?.()
      await new Promise((resolve) => setImmediate(resolve))
    }
    await Promise.all(first)
    expect(most).toBe(2)
  })
})

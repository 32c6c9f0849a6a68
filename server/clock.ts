/**
 * The server's notion of "now": release schedules, `publishedAt` and action timestamps read it.
 * Tests hand the server a `ManualClock` and move time instead of waiting.
 */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = {now: () => new Date()}

/** A clock that stands still until told to move. */
export class ManualClock implements Clock {
  private current: number

  constructor(start: Date | string | number = Date.now()) {
    this.current = new Date(start).getTime()
    if (Number.isNaN(this.current)) throw new Error(`ManualClock: invalid start time "${String(start)}"`)
  }

  now(): Date {
    return new Date(this.current)
  }

  set(time: Date | string | number): void {
    const next = new Date(time).getTime()
    if (Number.isNaN(next)) throw new Error(`ManualClock: invalid time "${String(time)}"`)
    this.current = next
  }

  advance(ms: number): void {
    this.current += ms
  }
}

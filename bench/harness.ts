/**
 * A small benchmark harness: time named cases over the same input in one process and print
 * throughput and each case's ratio to a baseline. Figures only, no assertions: timing depends on
 * the machine. Add a benchmark as `bench/<subject>.bench.ts` that calls `runBench`, and an npm
 * script for it.
 */

export interface BenchCase {
  name: string
  /** Run once; the harness times it. */
  run: () => Promise<void>
}

export interface BenchOptions {
  title: string
  /** Items each run processes, for items per second. */
  items: number
  unit: string
  runs: number
  /** The case the others are compared with. */
  baseline: BenchCase
  cases: BenchCase[]
  /** The largest acceptable ratio of a case to the baseline, printed beside it. */
  targetRatio?: number
  log?: (line: string) => void
}

export interface BenchResult {
  name: string
  /** The fastest run, wall-clock milliseconds. */
  ms: number
  /** CPU milliseconds of that run, all threads of the process: steadier than wall time on a busy machine. */
  cpuMs: number
  perSecond: number
  ratio: number
  cpuRatio: number
}

interface Timing {
  ms: number
  cpuMs: number
}

async function timeOnce(run: () => Promise<void>): Promise<Timing> {
  const cpu = process.cpuUsage()
  const start = performance.now()
  await run()
  const ms = performance.now() - start
  const used = process.cpuUsage(cpu)
  return {ms, cpuMs: (used.user + used.system) / 1000}
}

/** Run the baseline and each case `runs` times, interleaved, and keep each one's fastest run. */
export async function runBench(options: BenchOptions): Promise<BenchResult[]> {
  const log = options.log ?? ((line: string) => console.log(line))
  const all = [options.baseline, ...options.cases]
  const best = new Map<string, Timing>()
  for (let run = 0; run < options.runs; run++) {
    for (const benchCase of all) {
      const timing = await timeOnce(benchCase.run)
      const previous = best.get(benchCase.name)
      if (!previous || timing.ms < previous.ms) best.set(benchCase.name, timing)
    }
  }
  const baseline = best.get(options.baseline.name)!
  const results = all.map((benchCase) => {
    const {ms, cpuMs} = best.get(benchCase.name)!
    return {name: benchCase.name, ms, cpuMs, perSecond: (options.items / ms) * 1000, ratio: ms / baseline.ms, cpuRatio: cpuMs / baseline.cpuMs}
  })

  const width = Math.max(...results.map((result) => result.name.length))
  log(`${options.title}: ${options.items} ${options.unit}, fastest of ${options.runs} run${options.runs === 1 ? '' : 's'}`)
  for (const result of results) {
    const target = result.name === options.baseline.name || options.targetRatio === undefined ? '' : `  (target ≤ ${options.targetRatio}x: ${result.ratio <= options.targetRatio ? 'met' : 'NOT met'})`
    log(
      `  ${result.name.padEnd(width)}  ${result.ms.toFixed(0).padStart(7)} ms  ${result.perSecond.toFixed(0).padStart(7)} ${options.unit}/s  ${result.ratio.toFixed(2)}x baseline${target}  [CPU ${result.cpuMs.toFixed(0)} ms, ${result.cpuRatio.toFixed(2)}x]`,
    )
  }
  return results
}

import {badRequest} from '../errors.js'

/**
 * Sanity's image API parameters (https://www.sanity.io/docs/image-urls), as `@sanity/image-url`
 * writes them, parsed and checked. A value out of range is a 400 that names the parameter; an
 * unknown parameter is ignored, as on Sanity's CDN.
 */

export type Fit = 'clip' | 'crop' | 'fill' | 'fillmax' | 'max' | 'scale' | 'min'
export type OutputFormat = 'jpg' | 'pjpg' | 'png' | 'webp' | 'avif' | 'gif'

export interface ImageParams {
  w?: number
  h?: number
  maxW?: number
  maxH?: number
  minW?: number
  minH?: number
  fit: Fit
  /** `crop=` modes: top, bottom, left, right, center, focalpoint, entropy */
  crop: string[]
  fpX?: number
  fpY?: number
  /** `rect=left,top,width,height` in source pixels: cut first */
  rect?: {left: number; top: number; width: number; height: number}
  fm?: OutputFormat
  autoFormat: boolean
  q?: number
  dpr: number
  /** `#rrggbb` plus alpha 0..1 */
  bg?: {r: number; g: number; b: number; alpha: number}
  blur?: number
  sharp?: number
  flipH: boolean
  flipV: boolean
  or: 0 | 90 | 180 | 270
  invert: boolean
  sat?: number
  pad?: number
  /** `dl=`: download under this name (empty: the original name) */
  dl?: string
}

/** The largest output: per side and in pixels. Past it, a 400 (bounded work per request). */
export const MAX_SIDE = 8192
export const MAX_OUTPUT_PIXELS = 40_000_000

const FITS = new Set<Fit>(['clip', 'crop', 'fill', 'fillmax', 'max', 'scale', 'min'])
const FORMATS = new Set<OutputFormat>(['jpg', 'pjpg', 'png', 'webp', 'avif', 'gif'])
const CROPS = new Set(['top', 'bottom', 'left', 'right', 'center', 'focalpoint', 'entropy'])

function number(search: URLSearchParams, name: string, min: number, max: number, integer = true): number | undefined {
  const raw = search.get(name)
  if (raw === null || raw === '') return undefined
  const value = Number(raw)
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
    throw badRequest(`Image parameter "${name}=${raw}" is out of range: use ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`)
  }
  return value
}

function parseColor(raw: string): ImageParams['bg'] {
  const hex = raw.replace(/^#/, '')
  if (!/^([0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(hex)) {
    throw badRequest(`Image parameter "bg=${raw}" is not a colour: use RGB, ARGB, RRGGBB or AARRGGBB in hex`)
  }
  const full = hex.length <= 4 ? [...hex].map((c) => c + c).join('') : hex
  const argb = full.length === 8 ? full : `ff${full}`
  const at = (i: number) => Number.parseInt(argb.slice(i, i + 2), 16)
  return {alpha: at(0) / 255, r: at(2), g: at(4), b: at(6)}
}

export function parseImageParams(search: URLSearchParams): ImageParams {
  const fit = (search.get('fit') ?? 'clip') as Fit
  if (!FITS.has(fit)) throw badRequest(`Image parameter "fit=${fit}" is unknown: use clip, crop, fill, fillmax, max, scale or min`)
  const fmRaw = search.get('fm')
  const fm = fmRaw === null || fmRaw === '' ? undefined : (fmRaw === 'jpeg' ? 'jpg' : fmRaw) as OutputFormat
  if (fm !== undefined && !FORMATS.has(fm)) throw badRequest(`Image parameter "fm=${fmRaw}" is unknown: use jpg, pjpg, png, webp or avif`)
  const crop = (search.get('crop') ?? '').split(',').filter(Boolean)
  for (const mode of crop) if (!CROPS.has(mode)) throw badRequest(`Image parameter "crop=${mode}" is unknown: use top, bottom, left, right, center, focalpoint or entropy`)
  let rect: ImageParams['rect']
  const rectRaw = search.get('rect')
  if (rectRaw) {
    const parts = rectRaw.split(',').map(Number)
    if (parts.length !== 4 || parts.some((n) => !Number.isInteger(n) || n < 0) || parts[2] === 0 || parts[3] === 0) {
      throw badRequest(`Image parameter "rect=${rectRaw}" must be left,top,width,height in whole pixels`)
    }
    rect = {left: parts[0]!, top: parts[1]!, width: parts[2]!, height: parts[3]!}
  }
  const flip = search.get('flip') ?? ''
  if (!['', 'h', 'v', 'hv', 'vh'].includes(flip)) throw badRequest(`Image parameter "flip=${flip}" is unknown: use h, v or hv`)
  const or = number(search, 'or', 0, 270) ?? 0
  if (![0, 90, 180, 270].includes(or)) throw badRequest(`Image parameter "or=${or}" must be 0, 90, 180 or 270`)
  const auto = search.get('auto')
  if (auto !== null && auto !== '' && auto !== 'format') throw badRequest(`Image parameter "auto=${auto}" is unknown: use auto=format`)
  const bgRaw = search.get('bg')
  const dl = search.get('dl')
  const params: ImageParams = {
    fit,
    crop,
    autoFormat: auto === 'format',
    dpr: number(search, 'dpr', 1, 3, false) ?? 1,
    flipH: flip.includes('h'),
    flipV: flip.includes('v'),
    or: or as ImageParams['or'],
    invert: search.get('invert') === 'true' || search.get('invert') === '1',
  }
  const optional: [keyof ImageParams, number | undefined][] = [
    ['w', number(search, 'w', 1, MAX_SIDE)],
    ['h', number(search, 'h', 1, MAX_SIDE)],
    ['maxW', number(search, 'max-w', 1, MAX_SIDE)],
    ['maxH', number(search, 'max-h', 1, MAX_SIDE)],
    ['minW', number(search, 'min-w', 1, MAX_SIDE)],
    ['minH', number(search, 'min-h', 1, MAX_SIDE)],
    ['fpX', number(search, 'fp-x', 0, 1, false)],
    ['fpY', number(search, 'fp-y', 0, 1, false)],
    ['q', number(search, 'q', 0, 100)],
    ['blur', number(search, 'blur', 0, 2000)],
    ['sharp', number(search, 'sharp', 0, 100)],
    ['sat', number(search, 'sat', -100, 100)],
    ['pad', number(search, 'pad', 0, 1000)],
  ]
  for (const [key, value] of optional) if (value !== undefined) (params as unknown as Record<string, unknown>)[key] = value
  if (rect) params.rect = rect
  if (fm) params.fm = fm
  if (bgRaw) params.bg = parseColor(bgRaw)
  if (dl !== null) params.dl = dl
  return params
}

/** A stable text of the parameters that change the output, for the cache key and the ETag. */
export function canonicalParams(params: ImageParams, format: OutputFormat): string {
  const {dl: _dl, autoFormat: _auto, fm: _fm, ...rest} = params
  return JSON.stringify({...rest, format})
}

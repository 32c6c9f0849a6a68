import {encode} from 'blurhash'
import sharp from 'sharp'

import {MAX_INPUT_PIXELS} from './transform.js'

/**
 * An image asset's `metadata` as Sanity gives it: dimensions, `lqip` (a 20-pixel-wide JPEG as a
 * base64 data URL, what a page shows while the image loads), `palette` (swatches a design can use
 * around the image), `blurHash`, `hasAlpha` and `isOpaque`. All from one small decode.
 */

export interface Swatch {
  _type: 'sanity.imagePaletteSwatch'
  background: string
  foreground: string
  population: number
  title: string
}

export interface ImageMetadata {
  _type: 'sanity.imageMetadata'
  dimensions: {_type: 'sanity.imageDimensions'; width: number; height: number; aspectRatio: number}
  lqip: string
  blurHash: string
  hasAlpha: boolean
  isOpaque: boolean
  palette: {
    _type: 'sanity.imagePalette'
    dominant: Swatch
    vibrant?: Swatch
    darkVibrant?: Swatch
    lightVibrant?: Swatch
    muted?: Swatch
    darkMuted?: Swatch
    lightMuted?: Swatch
  }
}

const hex = (r: number, g: number, b: number) => `#${[r, g, b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`

function hsl(r: number, g: number, b: number): {s: number; l: number} {
  const max = Math.max(r, g, b) / 255
  const min = Math.min(r, g, b) / 255
  const l = (max + min) / 2
  const s = max === min ? 0 : l > 0.5 ? (max - min) / (2 - max - min) : (max - min) / (max + min)
  return {s, l}
}

function swatch(r: number, g: number, b: number, population: number): Swatch {
  // WCAG relative luminance decides whether text on it is white or black
  const lum = [r, g, b].map((v) => {
    const c = v / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  })
  const luminance = 0.2126 * lum[0]! + 0.7152 * lum[1]! + 0.0722 * lum[2]!
  const foreground = luminance > 0.179 ? '#000' : '#fff'
  return {_type: 'sanity.imagePaletteSwatch', background: hex(r, g, b), foreground, population, title: foreground}
}

/** Swatches from 4-bit-per-channel buckets of a 64-pixel thumbnail, sorted into Vibrant.js's six roles. */
function palette(pixels: Buffer, channels: number): ImageMetadata['palette'] {
  const buckets = new Map<number, {r: number; g: number; b: number; n: number}>()
  let total = 0
  for (let i = 0; i < pixels.length; i += channels) {
    if (channels === 4 && pixels[i + 3]! < 128) continue
    const r = pixels[i]!
    const g = pixels[i + 1]!
    const b = pixels[i + 2]!
    const key = ((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4)
    const bucket = buckets.get(key) ?? {r: 0, g: 0, b: 0, n: 0}
    bucket.r += r
    bucket.g += g
    bucket.b += b
    bucket.n++
    buckets.set(key, bucket)
    total++
  }
  const colours = [...buckets.values()].map((c) => ({r: c.r / c.n, g: c.g / c.n, b: c.b / c.n, n: c.n})).sort((a, b) => b.n - a.n)
  const share = (n: number) => Math.round((n / Math.max(1, total)) * 1000) / 1000
  const first = colours[0] ?? {r: 255, g: 255, b: 255, n: 0}
  const result: ImageMetadata['palette'] = {_type: 'sanity.imagePalette', dominant: swatch(first.r, first.g, first.b, share(first.n))}
  const roles: [keyof Omit<ImageMetadata['palette'], '_type' | 'dominant'>, (s: number, l: number) => boolean][] = [
    ['vibrant', (s, l) => s >= 0.35 && l >= 0.3 && l <= 0.7],
    ['darkVibrant', (s, l) => s >= 0.35 && l < 0.3],
    ['lightVibrant', (s, l) => s >= 0.35 && l > 0.7],
    ['muted', (s, l) => s < 0.35 && l >= 0.3 && l <= 0.7],
    ['darkMuted', (s, l) => s < 0.35 && l < 0.3],
    ['lightMuted', (s, l) => s < 0.35 && l > 0.7],
  ]
  for (const [role, fits] of roles) {
    const found = colours.find((c) => {
      const {s, l} = hsl(c.r, c.g, c.b)
      return fits(s, l)
    })
    if (found) result[role] = swatch(found.r, found.g, found.b, share(found.n))
  }
  return result
}

export async function imageMetadata(data: Uint8Array, width: number, height: number): Promise<ImageMetadata> {
  const source = sharp(data, {limitInputPixels: MAX_INPUT_PIXELS, animated: false})
  const meta = await source.metadata()
  const hasAlpha = meta.hasAlpha === true
  // one decode (JPEG shrinks on load): everything below comes from this 64-pixel copy
  const small = await source.autoOrient().resize(64, 64, {fit: 'inside'}).ensureAlpha().raw().toBuffer({resolveWithObject: true})
  const raw = {raw: {width: small.info.width, height: small.info.height, channels: 4 as const}}
  let isOpaque = true
  if (hasAlpha) {
    for (let i = 3; i < small.data.length; i += 4) {
      if (small.data[i]! < 255) {
        isOpaque = false
        break
      }
    }
  }
  const lqipWidth = 20
  const lqipHeight = Math.max(1, Math.round((lqipWidth * height) / Math.max(1, width)))
  const lqip = await sharp(small.data, raw).resize(lqipWidth, lqipHeight, {fit: 'fill'}).flatten({background: '#ffffff'}).jpeg({quality: 40}).toBuffer()
  const blurHash = encode(new Uint8ClampedArray(small.data.buffer, small.data.byteOffset, small.data.byteLength), small.info.width, small.info.height, 4, 3)
  return {
    _type: 'sanity.imageMetadata',
    dimensions: {_type: 'sanity.imageDimensions', width, height, aspectRatio: width / height},
    lqip: `data:image/jpeg;base64,${lqip.toString('base64')}`,
    blurHash,
    hasAlpha,
    isOpaque,
    palette: palette(small.data, 4),
  }
}

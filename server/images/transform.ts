import sharp, {type Sharp} from 'sharp'

import {badRequest} from '../errors.js'
import {MAX_OUTPUT_PIXELS, MAX_SIDE, type ImageParams, type OutputFormat} from './params.js'

/**
 * One image API request through sharp: `rect` cuts the source, `or` turns it, then the size
 * from `w`/`h`/`dpr`/the min and max bounds is reached the way `fit` says, then flips, blur,
 * sharpening, saturation, inversion and padding, then the output format. The output size is
 * worked out before any pixel is decoded, so a request past the bounds is refused for free.
 */

/** Source images larger than this many pixels are refused (sharp's `limitInputPixels`). */
export const MAX_INPUT_PIXELS = 100_000_000

// Each transform uses one libvips thread; the route caps how many run at once (see cache.ts).
sharp.concurrency(1)

export interface TransformResult {
  data: Buffer
  width: number
  height: number
  format: OutputFormat
}

export const MIME_BY_FORMAT: Record<OutputFormat, string> = {
  jpg: 'image/jpeg',
  pjpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  gif: 'image/gif',
}

interface Plan {
  /** the box after rect and rotation */
  width: number
  height: number
  /** the resize target, or none */
  target?: {width: number; height: number}
  /** the final size, before padding */
  out: {width: number; height: number}
}

function limit(width: number, height: number): void {
  if (width > MAX_SIDE || height > MAX_SIDE || width * height > MAX_OUTPUT_PIXELS) {
    throw badRequest(`The image would be ${width}x${height}: the largest output is ${MAX_SIDE} pixels a side and ${MAX_OUTPUT_PIXELS / 1_000_000} megapixels`)
  }
}

/** The size to reach, from w/h/dpr and the min/max bounds, keeping the box's aspect where only one side is given. */
function requestedSize(params: ImageParams, width: number, height: number): {width: number; height: number; both: boolean} | undefined {
  let w = params.w === undefined ? undefined : params.w * params.dpr
  let h = params.h === undefined ? undefined : params.h * params.dpr
  const bounded = params.maxW ?? params.maxH ?? params.minW ?? params.minH
  if (w === undefined && h === undefined && bounded === undefined && params.dpr === 1) return undefined
  const both = w !== undefined && h !== undefined
  if (w === undefined && h === undefined) {
    w = width * params.dpr
    h = height * params.dpr
  } else if (w === undefined) w = (h! * width) / height
  else if (h === undefined) h = (w * height) / width
  // min/max bounds scale the box as a whole, so its aspect is kept
  let scale = 1
  if (params.maxW !== undefined && w! * scale > params.maxW) scale = params.maxW / w!
  if (params.maxH !== undefined && h! * scale > params.maxH) scale = Math.min(scale, params.maxH / h!)
  if (params.minW !== undefined && w! * scale < params.minW) scale = params.minW / w!
  if (params.minH !== undefined && h! * scale < params.minH) scale = Math.max(scale, params.minH / h!)
  return {width: Math.max(1, Math.round(w! * scale)), height: Math.max(1, Math.round(h! * scale)), both}
}

function plan(params: ImageParams, sourceWidth: number, sourceHeight: number): Plan {
  let width = params.rect ? Math.min(params.rect.width, Math.max(1, sourceWidth - params.rect.left)) : sourceWidth
  let height = params.rect ? Math.min(params.rect.height, Math.max(1, sourceHeight - params.rect.top)) : sourceHeight
  if (params.or === 90 || params.or === 270) [width, height] = [height, width]
  const size = requestedSize(params, width, height)
  if (!size) return {width, height, out: {width, height}}
  const target = {width: size.width, height: size.height}
  let out = target
  const inside = (allowUp: boolean) => {
    const s = Math.min(target.width / width, target.height / height, allowUp ? Infinity : 1)
    return {width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s))}
  }
  switch (params.fit) {
    case 'clip':
      out = size.both ? inside(true) : target
      break
    case 'max':
      out = inside(false)
      break
    case 'min': {
      const s = Math.min(1, width / target.width, height / target.height)
      out = {width: Math.max(1, Math.round(target.width * s)), height: Math.max(1, Math.round(target.height * s))}
      break
    }
    default:
      // crop, scale, fill and fillmax give exactly the box
      out = target
  }
  return {width, height, target, out}
}

function background(params: ImageParams, alphaAllowed: boolean) {
  if (params.bg) return params.bg
  return alphaAllowed ? {r: 255, g: 255, b: 255, alpha: 0} : {r: 255, g: 255, b: 255, alpha: 1}
}

/** Where to cut a cover-scaled image: the focal point, or an edge named by `crop`. */
function cropOffset(params: ImageParams, scaled: number, wanted: number, axis: 'x' | 'y'): number {
  const spare = scaled - wanted
  if (spare <= 0) return 0
  const [low, high, focal] = axis === 'x' ? (['left', 'right', params.fpX] as const) : (['top', 'bottom', params.fpY] as const)
  if (params.crop.includes(low)) return 0
  if (params.crop.includes(high)) return spare
  const centre = focal !== undefined ? focal * scaled : scaled / 2
  return Math.min(spare, Math.max(0, Math.round(centre - wanted / 2)))
}

export async function transformImage(input: Buffer, params: ImageParams, format: OutputFormat): Promise<TransformResult> {
  const image = sharp(input, {limitInputPixels: MAX_INPUT_PIXELS, animated: false})
  let meta
  try {
    meta = await image.metadata()
  } catch (error) {
    throw badRequest(`The image cannot be read: ${(error as Error).message}`)
  }
  const oriented = meta.autoOrient ?? {width: meta.width ?? 0, height: meta.height ?? 0}
  if (oriented.width * oriented.height > MAX_INPUT_PIXELS) throw badRequest(`The source image is over ${MAX_INPUT_PIXELS / 1_000_000} megapixels`)
  const steps = plan(params, oriented.width, oriented.height)
  const pad = params.pad ?? 0
  limit(steps.out.width + 2 * pad, steps.out.height + 2 * pad)

  const alpha = format === 'png' || format === 'webp' || format === 'avif' || format === 'gif'
  let pipeline: Sharp = image.autoOrient()
  if (params.rect) {
    const left = Math.min(params.rect.left, oriented.width - 1)
    const top = Math.min(params.rect.top, oriented.height - 1)
    pipeline = pipeline.extract({left, top, width: Math.min(params.rect.width, oriented.width - left), height: Math.min(params.rect.height, oriented.height - top)})
  }
  if (params.or) pipeline = pipeline.rotate(params.or)
  if (steps.target) {
    const {width, height} = steps.out
    switch (params.fit) {
      case 'scale':
        pipeline = pipeline.resize(width, height, {fit: 'fill'})
        break
      case 'fill':
        pipeline = pipeline.resize(width, height, {fit: 'contain', background: background(params, alpha)})
        break
      case 'fillmax': {
        const s = Math.min(1, width / steps.width, height / steps.height)
        const inner = {width: Math.max(1, Math.round(steps.width * s)), height: Math.max(1, Math.round(steps.height * s))}
        const left = Math.floor((width - inner.width) / 2)
        const top = Math.floor((height - inner.height) / 2)
        if (s !== 1) pipeline = pipeline.resize(inner.width, inner.height, {fit: 'fill'})
        pipeline = pipeline.extend({left, right: width - inner.width - left, top, bottom: height - inner.height - top, background: background(params, alpha)})
        break
      }
      case 'crop':
      case 'min': {
        if (params.fit === 'crop' && !(params.w !== undefined && params.h !== undefined)) {
          pipeline = pipeline.resize(width, height, {fit: 'fill'})
          break
        }
        if (params.crop.includes('entropy')) {
          pipeline = pipeline.resize(width, height, {fit: 'cover', position: sharp.strategy.entropy})
          break
        }
        const s = Math.max(width / steps.width, height / steps.height)
        const scaled = {width: Math.max(width, Math.round(steps.width * s)), height: Math.max(height, Math.round(steps.height * s))}
        pipeline = pipeline.resize(scaled.width, scaled.height, {fit: 'fill'}).extract({
          left: cropOffset(params, scaled.width, width, 'x'),
          top: cropOffset(params, scaled.height, height, 'y'),
          width,
          height,
        })
        break
      }
      default:
        // clip and max: the planned size already keeps the aspect
        pipeline = pipeline.resize(width, height, {fit: 'fill'})
    }
  }
  if (params.flipV) pipeline = pipeline.flip()
  if (params.flipH) pipeline = pipeline.flop()
  if (params.blur) pipeline = pipeline.blur(Math.min(1000, 0.3 + params.blur / 20))
  if (params.sharp) pipeline = pipeline.sharpen({sigma: 0.5 + params.sharp / 25})
  if (params.sat !== undefined) pipeline = pipeline.modulate({saturation: Math.max(0, 1 + params.sat / 100)})
  if (params.invert) pipeline = pipeline.negate({alpha: false})
  if (pad) pipeline = pipeline.extend({top: pad, bottom: pad, left: pad, right: pad, background: background(params, alpha)})
  if (!alpha) pipeline = pipeline.flatten({background: background(params, false)})
  else if (params.bg && params.bg.alpha === 1) pipeline = pipeline.flatten({background: params.bg})

  const quality = params.q
  switch (format) {
    case 'jpg':
    case 'pjpg':
      pipeline = pipeline.jpeg({quality: quality ?? 75, progressive: format === 'pjpg', mozjpeg: false})
      break
    case 'png':
      pipeline = pipeline.png({compressionLevel: 6})
      break
    case 'webp':
      pipeline = pipeline.webp({quality: quality ?? 75, effort: 1})
      break
    case 'avif':
      pipeline = pipeline.avif({quality: quality ?? 50, effort: 0})
      break
    case 'gif':
      pipeline = pipeline.gif()
      break
  }
  const {data, info} = await pipeline.toBuffer({resolveWithObject: true})
  return {data, width: info.width, height: info.height, format}
}

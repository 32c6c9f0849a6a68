import {copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile} from 'node:fs/promises'
import {dirname, join, resolve, sep} from 'node:path'

import sharp from 'sharp'

import {readExport} from './content'
import {NHSUK_DIR} from './css'
import {loadPage, loadSiteMap, sectionPagePath, type Pagination} from './pages'
import type {ImageUrls} from './portableText'
import {collectClasses, SiteRenderer} from './render'
import {assetDimensions, IMAGE_SIZES, IMAGE_WIDTHS} from './images'

export interface BuildOptions {
  /** An export folder, written by `content:export`. */
  from: string
  out: string
  onProgress?: (message: string) => void
}

export interface BuildSummary {
  pages: number
  files: number
  /** The largest page's HTML plus the stylesheet, in bytes. */
  largestPage: {path: string; bytes: number}
  cssBytes: number
}

/** A narrower copy's address: `/assets/content/abc-800x400.png` at 320 → `/assets/content/abc-800x400-w320.png`. */
export function resizedPath(path: string, width: number): string {
  const dot = path.lastIndexOf('.')
  return `${path.slice(0, dot)}-w${width}${path.slice(dot)}`
}

/** `/professions/dietitians` → `professions/dietitians/index.html`, so any static server serves it. */
export function fileForPath(path: string): string {
  return path === '/' ? 'index.html' : `${path.replace(/^\//, '')}/index.html`
}

/** Pages written at once. */
const CONCURRENCY = 32

/**
 * Build the whole site as static files from an export: every page at the export's routes, the
 * design system's assets, the stylesheet and the images the pages use. The same export gives the
 * same bytes. `out` is replaced as a whole, and must be absent, empty or an earlier build.
 */
export async function buildSite(options: BuildOptions): Promise<BuildSummary> {
  const out = resolve(options.out)
  await checkReplaceable(out)
  const content = await readExport(options.from)
  const renderer = new SiteRenderer()
  const siteMap = await loadSiteMap(content.reader)

  // Images: the export's copies (`assets/<sha1>-<w>x<h>.<ext>`), with narrower copies for
  // `srcset` made by sharp at the widths the live site asks the image service for.
  const imageFiles = new Map<string, {from: string; name: string; width?: number; widths: number[]}>()
  const images: ImageUrls = (image) => {
    const ref = image.asset?._ref
    const asset = ref ? content.assets.get(ref) : undefined
    if (!ref || !asset) return undefined
    const size = assetDimensions(ref)
    const local = asset.url.replace(/^\//, '')
    if (!local.startsWith('assets/')) {
      // An export made before assets were copied: the image stays where the export says it is.
      return {src: asset.url, ...size}
    }
    const name = local.slice('assets/'.length)
    const widths = size ? IMAGE_WIDTHS.filter((width) => width < size.width) : []
    imageFiles.set(name, {from: join(options.from, local), name, width: size?.width, widths})
    const src = `/assets/content/${name}`
    if (!size || widths.length === 0) return {src, ...size}
    const srcset = [...widths.map((width) => `${resizedPath(src, width)} ${width}w`), `${src} ${size.width}w`].join(', ')
    return {src, srcset, sizes: IMAGE_SIZES, ...size}
  }

  // Written beside `out` and moved into place at the end: a failed build leaves `out` as it was.
  const final = out
  const building = `${final}.building-${process.pid}`
  await rm(building, {recursive: true, force: true})
  await mkdir(building, {recursive: true})
  try {
    return await writeSite(building)
  } catch (error) {
    await rm(building, {recursive: true, force: true})
    throw error
  }

  async function writeSite(out: string): Promise<BuildSummary> {
  const paths = siteMap.paths()
  const classes = new Set<string>()
  let largest = {path: '/', bytes: 0}
  let done = 0
  const write = async (path: string) => {
    const page = await loadPage(content.reader, path, siteMap, images)
    // The first page of a long list names how many there are: the rest join the queue.
    const pager = page.data.pager as Pagination | undefined
    if (pager && pager.page === 1) for (let number = 2; number <= pager.pages; number++) paths.push(sectionPagePath(path, number))
    const html = renderer.render(page)
    collectClasses(html, classes)
    const file = join(out, fileForPath(path))
    await mkdir(dirname(file), {recursive: true})
    await writeFile(file, html)
    const bytes = Buffer.byteLength(html)
    if (bytes > largest.bytes || (bytes === largest.bytes && path < largest.path)) largest = {path, bytes}
    done++
    if (paths.length > 1000 && done % 1000 === 0) options.onProgress?.(`wrote ${done}/${paths.length} pages`)
  }
  let next = 0
  let failure: {error: unknown} | undefined
  await Promise.all(
    Array.from({length: Math.min(CONCURRENCY, paths.length)}, async () => {
      while (!failure && next < paths.length) {
        const path = paths[next++]!
        await write(path).catch((error: unknown) => {
          failure ??= {error: new Error(`page ${path}: ${(error as Error).message}`)}
        })
      }
    }),
  )
  if (failure) throw failure.error
  const notFound = renderer.renderNotFound()
  collectClasses(notFound, classes)
  await writeFile(join(out, '404.html'), notFound)
  await mkdir(join(out, 'assets'), {recursive: true})
  // The stylesheet holds the design system's rules for the classes these pages use, no more.
  const css = renderer.cssFor(classes)
  await writeFile(join(out, 'assets', 'site.css'), css)
  // The design system's icons (favicons, the manifest, the arrows its CSS points at).
  await copyTree(join(NHSUK_DIR, 'assets'), join(out, 'assets'))
  if (imageFiles.size > 0) await mkdir(join(out, 'assets', 'content'), {recursive: true})
  for (const file of [...imageFiles.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const bytes = await readFile(file.from).catch(() => {
      throw new Error(`the export has no image file ${file.from}: export again`)
    })
    await writeFile(join(out, 'assets', 'content', file.name), bytes)
    for (const width of file.widths) {
      const resized = await sharp(bytes).resize({width}).toBuffer()
      await writeFile(join(out, resizedPath(join('assets', 'content', file.name), width)), resized)
    }
  }
  const cssBytes = Buffer.byteLength(css)
  await rm(final, {recursive: true, force: true})
  await rename(out, final)
  const imageCount = [...imageFiles.values()].reduce((sum, file) => sum + 1 + file.widths.length, 0)
  return {pages: paths.length, files: paths.length + 2 + imageCount, largestPage: {path: largest.path, bytes: largest.bytes + cssBytes}, cssBytes}
  }
}

async function copyTree(from: string, to: string): Promise<void> {
  await mkdir(to, {recursive: true})
  for (const entry of (await readdir(from, {withFileTypes: true})).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.isDirectory()) await copyTree(join(from, entry.name), join(to, entry.name))
    else await copyFile(join(from, entry.name), join(to, entry.name))
  }
}

/** The build replaces `out`: refuse a folder that holds anything but an earlier build. */
async function checkReplaceable(out: string): Promise<void> {
  const info = await stat(out).catch(() => undefined)
  if (!info) return
  if (!info.isDirectory()) throw new Error(`${out} is a file, not a folder`)
  const entries = await readdir(out)
  if (entries.length === 0) return
  if (!entries.includes('index.html') || !entries.includes('assets')) {
    throw new Error(`${out} is not empty and is not an earlier site build: choose another --out`)
  }
  if (resolve(out) === resolve('.') || resolve(out).split(sep).length < 2) throw new Error(`refusing to replace ${out}`)
}

/**
 * Runs in preview pages only, in the editor's browser (bundled by site/preview.ts). Public pages
 * load no script.
 *
 * - Live edits: the site server sends `change` over `/__preview/events` when a document changes in
 *   the previewed perspective; the page fetches itself again and swaps in its `<main>`.
 * - The Studio's Presentation tool: a comlink node named `visual-editing` (what
 *   @sanity/visual-editing registers as) tells Presentation where the page is, follows its
 *   perspective switcher (drafts, a release) and, on a click on an element marked with
 *   `data-sanity`, opens that document's field in the Studio. Overlays outline those elements.
 */
import {createNode, createNodeMachine} from '@sanity/comlink'
import {createCompatibilityActors, type VisualEditingControllerMsg, type VisualEditingNodeMsg} from '@sanity/presentation-comlink'

declare global {
  interface Window {
    __ahpPreview?: {refresh: () => Promise<void>; refreshed: number}
  }
}

const state = {refresh, refreshed: 0}
window.__ahpPreview = state

let running = false
let again = false
async function refresh(): Promise<void> {
  if (running) {
    again = true
    return
  }
  running = true
  try {
    const response = await fetch(location.href, {credentials: 'same-origin', cache: 'no-store'})
    const next = new DOMParser().parseFromString(await response.text(), 'text/html')
    for (const selector of ['main', '.app-preview-banner']) {
      const current = document.querySelector(selector)
      const fresh = next.querySelector(selector)
      if (current && fresh && current.innerHTML !== fresh.innerHTML) current.innerHTML = fresh.innerHTML
    }
    if (next.title && next.title !== document.title) document.title = next.title
    state.refreshed++
    document.documentElement.dataset.previewRefreshed = String(state.refreshed)
  } finally {
    running = false
    if (again) {
      again = false
      void refresh()
    }
  }
}

let timer: ReturnType<typeof setTimeout> | undefined
const events = new EventSource('/__preview/events')
events.addEventListener('change', () => {
  clearTimeout(timer)
  timer = setTimeout(() => void refresh(), 50)
})

/** `id=…;type=…;path=…` as the templates write it (the format of createDataAttribute). */
function parseNode(value: string): Record<string, string> {
  const node: Record<string, string> = {}
  for (const part of value.split(';')) {
    const at = part.indexOf('=')
    if (at > 0) node[part.slice(0, at)] = part.slice(at + 1)
  }
  return node
}

const meta = document.querySelector<HTMLMetaElement>('meta[name="ahp-preview"]')
const studio = meta ? (JSON.parse(meta.content) as {projectId: string; dataset: string; studioOrigin?: string}) : undefined

if (window.parent !== window && studio) {
  // Presentation (Sanity 5) speaks the older "channels" wire format: the compatibility actors
  // translate both ways, as @sanity/visual-editing's own node does.
  const comlink = createNode<VisualEditingNodeMsg, VisualEditingControllerMsg>(
    {name: 'visual-editing', connectTo: 'presentation'},
    createNodeMachine<VisualEditingNodeMsg, VisualEditingControllerMsg>().provide({actors: createCompatibilityActors<VisualEditingNodeMsg>()}),
  )
  comlink.on('presentation/perspective', async (data) => {
    const perspective = Array.isArray(data.perspective) ? data.perspective.join(',') : String(data.perspective)
    const response = await fetch('/api/preview/perspective', {method: 'POST', credentials: 'same-origin', body: perspective})
    if (response.ok) await refresh()
  })
  comlink.on('presentation/navigate', (data) => {
    if (data.url && data.url !== location.pathname + location.search) location.assign(data.url)
  })
  comlink.on('presentation/refresh', () => void refresh())
  // The Studio's "Edit" switch: outlines and click-to-edit on or off.
  let overlays = true
  const setOverlays = (enabled: boolean) => {
    overlays = enabled
    document.documentElement.classList.toggle('app-preview-overlays', enabled)
  }
  setOverlays(true)
  comlink.on('presentation/toggle-overlay', () => {
    setOverlays(!overlays)
    comlink.post('visual-editing/toggle', {enabled: overlays})
  })
  // For people and tests: the page says whether the Studio is connected.
  comlink.onStatus((status) => {
    document.documentElement.dataset.presentation = status
  })
  comlink.start()
  comlink.post('visual-editing/navigate', {type: 'push', title: document.title, url: `${location.pathname}${location.search}`})
  comlink.post('visual-editing/meta', {title: document.title})
  comlink.post('visual-editing/toggle', {enabled: true})

  // Overlays: outline what can be edited, and open it in the Studio on a click.
  const style = document.createElement('style')
  style.textContent = '.app-preview-overlays [data-sanity]:hover{outline:2px dashed #005eb8;outline-offset:4px;cursor:pointer}'
  document.head.append(style)
  document.addEventListener(
    'click',
    (event) => {
      const target = (event.target as Element | null)?.closest('[data-sanity]')
      if (!overlays || !target || (event.target as Element).closest('a')) return
      event.preventDefault()
      const node = parseNode(target.getAttribute('data-sanity') ?? '')
      if (!node.id || !node.path) return
      comlink.post('visual-editing/focus', {id: node.id, type: node.type, path: node.path, baseUrl: '/', projectId: studio.projectId, dataset: studio.dataset})
    },
    true,
  )
}

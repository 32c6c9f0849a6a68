import {createImageUrlBuilder} from '@sanity/image-url'

import type {ImageSources, ImageUrls} from './portableText'

/** Widths offered in `srcset`, up to the original's width. */
export const IMAGE_WIDTHS = [320, 640, 960, 1280] as const

/** The column a body image fills: the two-thirds column, up to the page's 960 px width container. */
export const IMAGE_SIZES = '(min-width: 990px) 640px, 100vw'

/** Sanity's image asset ids carry their size: `image-<hash>-<width>x<height>-<ext>`. */
export function assetDimensions(ref: string): {width: number; height: number} | undefined {
  const match = /^image-[A-Za-z0-9]+-(\d+)x(\d+)-[A-Za-z0-9]+$/.exec(ref)
  return match ? {width: Number(match[1]), height: Number(match[2])} : undefined
}

/** Images from the API's image service, as @sanity/image-url builds their addresses, with `srcset`. */
export function apiImageUrls(config: {projectId: string; dataset: string; apiHost: string}): ImageUrls {
  const builder = createImageUrlBuilder({projectId: config.projectId, dataset: config.dataset, baseUrl: config.apiHost})
  return (image) => {
    const ref = image.asset?._ref
    const size = ref ? assetDimensions(ref) : undefined
    if (!ref || !size) return undefined
    const source = builder.image(image as never).auto('format').fit('max')
    const widths = IMAGE_WIDTHS.filter((width) => width < size.width)
    const srcset = [...widths.map((width) => `${source.width(width).url()} ${width}w`), `${source.width(size.width).url()} ${size.width}w`].join(', ')
    const sources: ImageSources = {src: source.width(Math.min(size.width, 640)).url(), srcset, sizes: IMAGE_SIZES, ...size}
    return sources
  }
}

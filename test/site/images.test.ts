import {describe, expect, it} from 'vitest'

import {resizedPath} from '../../site/build'
import {apiImageUrls, assetDimensions} from '../../site/images'

/** How the live site asks the image service for a body image, through @sanity/image-url. */
describe('site images', () => {
  const urls = apiImageUrls({projectId: 'local', dataset: 'production', apiHost: 'https://localhost:3333'})
  const ref = 'image-0123456789abcdef0123456789abcdef01234567-1600x900-jpg'

  it('gives each image a srcset of narrower widths up to its own, with its size', () => {
    const sources = urls({asset: {_ref: ref}})!
    expect(sources.width).toBe(1600)
    expect(sources.height).toBe(900)
    expect(sources.src).toMatch(/^https:\/\/localhost:3333\/images\/local\/production\/0123456789abcdef0123456789abcdef01234567-1600x900\.jpg\?/)
    const widths = sources.srcset!.split(', ').map((entry) => entry.split(' ')[1])
    expect(widths).toEqual(['320w', '640w', '960w', '1280w', '1600w'])
    expect(sources.srcset).toContain('w=320')
    expect(sources.sizes).toBeTruthy()
  })

  it('offers no width wider than the original, and nothing for a reference that is not an image', () => {
    const small = urls({asset: {_ref: 'image-0123456789abcdef0123456789abcdef01234567-500x300-png'}})!
    expect(small.srcset!.split(', ').map((entry) => entry.split(' ')[1])).toEqual(['320w', '500w'])
    expect(urls({asset: {_ref: 'profession-dietitians'}})).toBeUndefined()
    expect(urls({})).toBeUndefined()
    expect(assetDimensions(ref)).toEqual({width: 1600, height: 900})
  })

  it('names a static build\'s narrower copies after the original', () => {
    expect(resizedPath('/assets/content/abc-800x400.png', 320)).toBe('/assets/content/abc-800x400-w320.png')
  })
})

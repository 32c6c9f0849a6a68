import type {FieldRule, RuleFinding} from '../types'

/**
 * Images need a text alternative that says what they show, unless they are decorative
 * (WCAG 2.2 success criterion 1.1.1 Non-text content; NHS digital service manual, accessibility:
 * https://service-manual.nhs.uk/accessibility/content). Screen readers read a file name out
 * letter by letter, and already announce "image", so "Image of…" says it twice.
 */

/** Alt text that is only a file name: `IMG_0042.jpg`, `photo 3.PNG`, `DSC01234`. */
const FILE_NAME = /^[\w\s().,-]*\.(?:jpe?g|png|gif|webp|svg|tiff?|bmp|heic|heif|avif)$/i
const CAMERA_NAME = /^(?:img|dsc|dscn|dcim|pxl|mvimg|screenshot|screen shot|image|photo|picture)[\s_-]*\d[\w\s-]*$/i
/** Alt text that starts by saying it is an image. */
const SAYS_IMAGE = /^\s*(?:an?\s+|the\s+)?(image|picture|photo|photograph|graphic)\s+(?:of|showing)\b/i

export const imageAlt: FieldRule = {
  id: 'image-alt',
  level: 'error',
  scope: 'field',
  title: 'Images have alt text that says what they show, or are marked as decorative',
  source: 'https://www.w3.org/WAI/WCAG22/Understanding/non-text-content.html',
  kinds: ['image', 'blocks'],
  check(content) {
    const findings: RuleFinding[] = []
    for (const image of content.images) {
      if (image.decorative === true) continue
      const alt = (image.alt ?? '').trim()
      if (alt === '') {
        findings.push({
          message: 'Add alt text that says what the image shows, or mark the image as decorative',
          path: image.path,
        })
        continue
      }
      if (FILE_NAME.test(alt) || CAMERA_NAME.test(alt)) {
        findings.push({
          message: `The alt text "${alt}" is a file name: replace it with words that say what the image shows, or mark the image as decorative`,
          path: image.path,
        })
        continue
      }
      const says = SAYS_IMAGE.exec(alt)
      if (says) {
        const opening = alt.slice(0, says[0].length).trim()
        findings.push({
          message: `Do not start alt text with "${opening}": screen readers already say it is an image, so start with what it shows`,
          path: image.path,
        })
      }
    }
    return findings
  },
}

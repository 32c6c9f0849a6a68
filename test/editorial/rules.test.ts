import {describe, expect, it} from 'vitest'

import {readField} from '../../editorial/content'
import {RULE_IDS, RULES, ruleById} from '../../editorial/rules'
import type {DocumentRule, FieldKind, FieldRule, Path, RuleFinding} from '../../editorial/types'

const TODAY = new Date('2024-06-15T12:00:00Z')

interface SpanSpec {
  text: string
  link?: string
}

let keyCounter = 0

/** A Portable Text block: `spans` are text, or `{text, link}` for a linked span (`link` is an href, or `ref:id` for an internal link). */
function block(key: string, spans: (string | SpanSpec)[], style = 'normal', listItem?: string): Record<string, unknown> {
  const markDefs: Record<string, unknown>[] = []
  const children = spans.map((spec, index) => {
    const span = typeof spec === 'string' ? {text: spec} : spec
    const marks: string[] = []
    if (span.link !== undefined) {
      const markKey = `l${index}`
      marks.push(markKey)
      markDefs.push(
        span.link.startsWith('ref:')
          ? {
              _type: 'internalLink',
              _key: markKey,
              reference: {_ref: span.link.slice(4)},
            }
          : {_type: 'link', _key: markKey, href: span.link},
      )
    }
    return {_type: 'span', _key: `s${keyCounter++}`, text: span.text, marks}
  })
  return {
    _type: 'block',
    _key: key,
    style,
    ...(listItem ? {listItem} : {}),
    markDefs,
    children,
  }
}

const p = (text: string, key = 'b1') => [block(key, [text])]
const linkBlock = (before: string, text: string, href: string, after = '') => [
  block(
    'b1',
    [before, {text, link: href}, after].filter((span) => span !== ''),
  ),
]
const LINK_PATH: Path = [{_key: 'b1'}, 'markDefs', {_key: 'l1'}]

function fieldRule(id: string): FieldRule {
  const rule = ruleById(id)
  if (!rule || rule.scope !== 'field') throw new Error(`no field rule ${id}`)
  return rule
}

function run(id: string, kind: FieldKind, value: unknown, document?: Record<string, unknown>): RuleFinding[] {
  const rule = fieldRule(id)
  expect(rule.kinds).toContain(kind)
  return rule.check(readField(kind, value), {
    today: TODAY,
    ...(document ? {document} : {}),
  })
}

interface Case {
  name: string
  kind: FieldKind
  value: unknown
  /** Expected messages, in order; [] for a pass. */
  messages: (string | RegExp)[]
  path?: Path
  document?: Record<string, unknown>
}

function table(id: string, cases: Case[]): void {
  describe(id, () => {
    it.each(cases)('$name', ({kind, value, messages, path, document}) => {
      const findings = run(id, kind, value, document)
      expect(findings.map((finding) => finding.message)).toEqual(
        messages.map((message) => (typeof message === 'string' ? message : expect.stringMatching(message))),
      )
      if (path) for (const finding of findings) expect(finding.path).toEqual(path)
    })
  })
}

describe('the rule set', () => {
  it('lists the rules with their fixed ids, errors first', () => {
    expect(RULE_IDS).toEqual([
      'image-alt',
      'heading-order',
      'https-links',
      'framework-expired-current',
      'link-text',
      'latin-abbreviations',
      'spelling',
      'organisation-names',
      'sentence-length',
      'reading-level',
      'date-format',
      'pdf-link-size',
      'contractions',
      'resource-address',
    ])
    const levels = RULES.map((rule) => rule.level)
    expect(levels.lastIndexOf('error')).toBeLessThan(levels.indexOf('warning'))
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^[a-z]+(?:-[a-z]+)*$/)
      expect(rule.title).not.toBe('')
      expect(rule.source).not.toBe('')
      expect(ruleById(rule.id)).toBe(rule)
    }
    expect(ruleById('no-such-rule')).toBeUndefined()
  })

  it('cites the NHS digital service manual for every style warning', () => {
    for (const rule of RULES.filter((r) => r.level === 'warning')) {
      expect(rule.source, rule.id).toMatch(/^https:\/\/service-manual\.nhs\.uk\/content\//)
    }
  })

  it('never throws on odd values', () => {
    const odd: unknown[] = [undefined, null, '', 42, {}, [], [null, 1, 'x', {_type: 'block'}], [{_type: 'image'}], {asset: {}}]
    for (const rule of RULES) {
      if (rule.scope === 'document') {
        expect(() => rule.check({}, {today: TODAY})).not.toThrow()
        continue
      }
      for (const kind of rule.kinds) for (const value of odd) expect(() => rule.check(readField(kind, value), {today: TODAY})).not.toThrow()
    }
  })
})

table('image-alt', [
  {
    name: 'alt text passes',
    kind: 'image',
    value: {
      asset: {_ref: 'image-1'},
      alt: 'A physiotherapist helping a man walk with a frame',
    },
    messages: [],
  },
  {
    name: 'decorative image without alt passes',
    kind: 'image',
    value: {asset: {_ref: 'image-1'}, decorative: true},
    messages: [],
  },
  {name: 'no image passes', kind: 'image', value: undefined, messages: []},
  {
    name: 'missing alt fails',
    kind: 'image',
    value: {asset: {_ref: 'image-1'}},
    messages: ['Add alt text that says what the image shows, or mark the image as decorative'],
    path: [],
  },
  {
    name: 'blank alt, not decorative, fails',
    kind: 'image',
    value: {asset: {_ref: 'image-1'}, alt: '   ', decorative: false},
    messages: ['Add alt text that says what the image shows, or mark the image as decorative'],
  },
  {
    name: 'a file name fails',
    kind: 'image',
    value: {asset: {_ref: 'image-1'}, alt: 'IMG_0042.jpg'},
    messages: [
      'The alt text "IMG_0042.jpg" is a file name: replace it with words that say what the image shows, or mark the image as decorative',
    ],
  },
  {
    name: 'a camera file name without extension fails',
    kind: 'image',
    value: {asset: {_ref: 'image-1'}, alt: 'DSC01234'},
    messages: [/is a file name/],
  },
  {
    name: '"image of" fails',
    kind: 'image',
    value: {asset: {_ref: 'image-1'}, alt: 'Image of a dietitian at work'},
    messages: ['Do not start alt text with "Image of": screen readers already say it is an image, so start with what it shows'],
  },
  {
    name: '"picture of" fails',
    kind: 'image',
    value: {asset: {_ref: 'i'}, alt: 'A picture of a clinic'},
    messages: [/Do not start alt text with "A picture of"/],
  },
  {
    name: 'an image mentioned later passes',
    kind: 'image',
    value: {asset: {_ref: 'i'}, alt: 'Chart comparing image quality'},
    messages: [],
  },
  {
    name: 'images in a body are checked, with the block path',
    kind: 'blocks',
    value: [
      {
        _type: 'image',
        _key: 'img1',
        asset: {_ref: 'image-1'},
        alt: 'Podiatrist checking a foot',
      },
      {_type: 'image', _key: 'img2', asset: {_ref: 'image-2'}},
      {
        _type: 'image',
        _key: 'img3',
        asset: {_ref: 'image-3'},
        decorative: true,
      },
    ],
    messages: ['Add alt text that says what the image shows, or mark the image as decorative'],
    path: [{_key: 'img2'}],
  },
])

table('heading-order', [
  {
    name: 'h2, h3, h2, h3 passes',
    kind: 'blocks',
    value: [
      block('a', ['Intro'], 'h2'),
      block('b', ['Detail'], 'h3'),
      block('c', ['Next'], 'h2'),
      block('d', ['More'], 'h3'),
      block('e', ['Text']),
    ],
    messages: [],
  },
  {
    name: 'going back up from h4 to h2 passes',
    kind: 'blocks',
    value: [block('a', ['A'], 'h2'), block('b', ['B'], 'h3'), block('c', ['C'], 'h4'), block('d', ['D'], 'h2')],
    messages: [],
  },
  {
    name: 'no headings passes',
    kind: 'blocks',
    value: p('Just text.'),
    messages: [],
  },
  {
    name: 'h2 then h4 fails',
    kind: 'blocks',
    value: [block('a', ['Overview'], 'h2'), block('b', ['Tools'], 'h4')],
    messages: ['Heading "Tools" skips from h2 to h4: make it an h3 (Subheading)'],
    path: [{_key: 'b'}],
  },
  {
    name: 'a first heading at h3 fails',
    kind: 'blocks',
    value: [block('a', ['Background'], 'h3')],
    messages: ['Heading "Background" is the first heading but is an h3: make it an h2 (Heading), because the page title is the h1'],
    path: [{_key: 'a'}],
  },
  {
    name: 'an h1 in the body fails',
    kind: 'blocks',
    value: [block('a', ['Welcome'], 'h1'), block('b', ['Next'], 'h3')],
    messages: ['Heading "Welcome" is an h1, but the page title is already the h1: make it an h2 (Heading)'],
    path: [{_key: 'a'}],
  },
  {
    name: 'one skip is reported once, not for each heading under it',
    kind: 'blocks',
    value: [block('a', ['A'], 'h2'), block('b', ['B'], 'h4'), block('c', ['C'], 'h4'), block('d', ['D'], 'h2')],
    messages: ['Heading "B" skips from h2 to h4: make it an h3 (Subheading)'],
  },
  {
    name: 'an empty heading is named as such',
    kind: 'blocks',
    value: [block('a', [''], 'h3')],
    messages: [/^An empty heading is the first heading but is an h3/],
  },
])

table('https-links', [
  {
    name: 'https body link passes',
    kind: 'blocks',
    value: linkBlock('See ', 'the NHS website', 'https://www.nhs.uk/'),
    messages: [],
  },
  {
    name: 'mailto and tel in the body pass',
    kind: 'blocks',
    value: [block('b1', [{text: 'email us', link: 'mailto:ahp@example.nhs.uk'}, ' or ', {text: 'call us', link: 'tel:+441234567890'}])],
    messages: [],
  },
  {
    name: 'internal link passes',
    kind: 'blocks',
    value: linkBlock('See ', 'job planning', 'ref:guidance-job-planning'),
    messages: [],
  },
  {
    name: 'https url field passes',
    kind: 'url',
    value: 'https://www.england.nhs.uk/',
    messages: [],
  },
  {
    name: 'https link object passes',
    kind: 'link',
    value: {
      label: 'HCPC standards',
      url: 'https://www.hcpc-uk.org/standards/',
    },
    messages: [],
  },
  {
    name: 'http body link fails',
    kind: 'blocks',
    value: linkBlock('See ', 'the HCPC register', 'http://www.hcpc-uk.org/'),
    messages: ['Use a secure address starting with https:// (this one starts with http://)'],
    path: LINK_PATH,
  },
  {
    name: 'http url field fails',
    kind: 'url',
    value: 'http://www.england.nhs.uk/',
    messages: ['Use a secure address starting with https:// (this one starts with http://)'],
    path: [],
  },
  {
    name: 'http link object fails',
    kind: 'link',
    value: {label: 'Standards', url: 'HTTP://example.org'},
    messages: ['Use a secure address starting with https:// (this one starts with http://)'],
    path: [],
  },
  {
    name: 'mailto in a link object fails',
    kind: 'link',
    value: {label: 'Email the team', url: 'mailto:team@example.nhs.uk'},
    messages: ['Use a secure address starting with https:// (this one starts with mailto:)'],
  },
  {
    name: 'an address without https:// fails with the fixed address',
    kind: 'url',
    value: 'www.nhs.uk/conditions',
    messages: ['Use a secure address starting with https:// (write "https://www.nhs.uk/conditions")'],
  },
  {
    name: 'a relative address fails',
    kind: 'blocks',
    value: linkBlock('See ', 'our page', '/guidance/job-planning'),
    messages: ['Use a full, secure address starting with https://, or link to the page in this hub instead'],
    path: LINK_PATH,
  },
])

describe('resource-address', () => {
  const rule = ruleById('resource-address') as DocumentRule
  const check = (document: Record<string, unknown>) => rule.check({_type: 'resource', ...document}, {today: TODAY})

  it('is a warning on a resource\'s web address field', () => {
    expect(rule).toMatchObject({scope: 'document', level: 'warning', types: ['resource'], field: 'url'})
  })

  it('passes a resource with an address', () => {
    expect(check({url: 'https://www.england.nhs.uk/ahp/'})).toEqual([])
  })

  it.each([['no url', {}], ['an empty url', {url: ''}], ['a blank url', {url: '   '}]])('fails %s, saying what to add', (_name, document) => {
    expect(check(document)).toEqual([{message: 'Add the web address so readers can follow this resource', path: []}])
  })
})

describe('framework-expired-current', () => {
  const rule = ruleById('framework-expired-current') as DocumentRule
  const check = (document: Record<string, unknown>, today = TODAY) => rule.check({_type: 'framework', ...document}, {today})

  it('is a document rule on a framework status', () => {
    expect(rule.scope).toBe('document')
    expect(rule.types).toEqual(['framework'])
    expect(rule.field).toBe('status')
  })

  it.each([
    ['current, expiring in the future', {status: 'current', expiresAt: '2025-03-31'}],
    ['current, expiring today (the last day it applies)', {status: 'current', expiresAt: '2024-06-15'}],
    ['current, no expiry date', {status: 'current'}],
    ['expired and marked expired', {status: 'expired', expiresAt: '2021-12-31'}],
    ['superseded', {status: 'superseded', expiresAt: '2021-12-31'}],
    ['a date that is not a date', {status: 'current', expiresAt: 'soon'}],
  ])('passes: %s', (_name, document) => {
    expect(check(document)).toEqual([])
  })

  it('fails when a current framework expired before today', () => {
    expect(check({status: 'current', expiresAt: '2021-12-31'})).toEqual([
      {
        message: 'This framework expired on 31 December 2021: change its status to "Expired" or "Superseded", or move the expiry date',
        path: [],
      },
    ])
  })

  it('writes dates like "6 August 2018" and fails from the day after expiry', () => {
    expect(check({status: 'current', expiresAt: '2018-08-06'}, new Date('2018-08-07T09:00:00Z'))[0]?.message).toMatch(
      /^This framework expired on 6 August 2018:/,
    )
    expect(check({status: 'current', expiresAt: '2018-08-06'}, new Date('2018-08-06T22:30:00Z'))).toEqual([])
  })

  it('judges the day in England: 00:30 BST on the day after expiry is after it', () => {
    // 23:30 UTC on 6 August is 00:30 on 7 August in London.
    expect(check({status: 'current', expiresAt: '2018-08-06'}, new Date('2018-08-06T23:30:00Z'))).toHaveLength(1)
  })
})

table('link-text', [
  {
    name: 'descriptive text passes',
    kind: 'blocks',
    value: linkBlock('Read ', 'the HCPC standards of proficiency', 'https://www.hcpc-uk.org/'),
    messages: [],
  },
  {
    name: 'words that contain a vague phrase pass',
    kind: 'blocks',
    value: linkBlock('', 'more about job planning', 'https://example.org/'),
    messages: [],
  },
  {
    name: 'a labelled link object passes',
    kind: 'link',
    value: {label: 'Greener AHP hub', internal: {_ref: 'hub-greener-ahp'}},
    messages: [],
  },
  {
    name: 'empty link text fails',
    kind: 'blocks',
    value: [block('b1', ['See the guidance', {text: '', link: 'https://example.org/'}])],
    messages: ['A link has no text: select words to link, or remove the link'],
    path: LINK_PATH,
  },
  {
    name: 'a link object without a label fails',
    kind: 'link',
    value: {url: 'https://example.org/'},
    messages: ['A link has no text: add a label that says where the link goes, or remove the link'],
    path: [],
  },
  ...[
    'here',
    'Click here',
    'this link',
    'link',
    'Find out more',
    'more information',
    'More info',
    'read more',
    'more',
    'this page',
    'this website',
    'website',
  ].map((text): Case => ({
    name: `"${text}" fails`,
    kind: 'blocks',
    value: linkBlock('For the guidance, ', text, 'https://example.org/'),
    messages: [`Link text "${text}" does not make sense on its own: describe where the link goes, for example with the title of the page`],
    path: LINK_PATH,
  })),
  {
    name: 'punctuation and space around vague text still fail',
    kind: 'blocks',
    value: linkBlock('Click ', ' here. ', 'https://example.org/'),
    messages: [/^Link text "here\." does not make sense on its own/],
  },
  {
    name: 'vague text with a PDF note still fails',
    kind: 'blocks',
    value: linkBlock('Download ', 'here (PDF, 1.2MB)', 'https://example.org/a.pdf'),
    messages: [/^Link text "here \(PDF, 1\.2MB\)" does not make sense on its own/],
  },
  {
    name: 'a bare URL fails',
    kind: 'blocks',
    value: linkBlock('Go to ', 'https://www.england.nhs.uk/ahp/', 'https://www.england.nhs.uk/ahp/'),
    messages: [
      'Link text "https://www.england.nhs.uk/ahp/" is a web address: use words that say where the link goes, for example the title of the page',
    ],
    path: LINK_PATH,
  },
  {
    name: 'www. text fails',
    kind: 'blocks',
    value: linkBlock('Go to ', 'www.hcpc-uk.org', 'https://www.hcpc-uk.org/'),
    messages: [/is a web address/],
  },
  {
    name: 'a bare domain fails',
    kind: 'link',
    value: {label: 'example.nhs.uk', url: 'https://example.nhs.uk'},
    messages: [/^Link text "example\.nhs\.uk" is a web address/],
    path: [],
  },
  {
    name: '"here" as a link object label fails',
    kind: 'link',
    value: {label: 'Here', url: 'https://example.org/'},
    messages: [/^Link text "Here" does not make sense/],
  },
])

table('latin-abbreviations', [
  {
    name: 'plain English passes',
    kind: 'plain',
    value: 'Professions such as podiatry and dietetics',
    messages: [],
  },
  {
    name: '"ie" inside words passes',
    kind: 'prose',
    value: 'A piece of field work: their diet, the audience, a lie, a leg and eggs.',
    messages: [],
  },
  {
    name: 'IE (Internet Explorer) passes',
    kind: 'plain',
    value: 'Works in IE 11',
    messages: [],
  },
  {
    name: 'letters in a web address pass',
    kind: 'prose',
    value: 'See https://example.org/eg/ie/etc for details.',
    messages: [],
  },
  {
    name: '"e.g." fails',
    kind: 'plain',
    value: 'Therapies, e.g. music therapy',
    messages: ['Write "for example", "such as" or "including" instead of "e.g."'],
    path: [],
  },
  {
    name: '"eg" fails',
    kind: 'prose',
    value: 'Some roles, eg podiatry, work alone.',
    messages: ['Write "for example", "such as" or "including" instead of "eg"'],
  },
  {
    name: '"e.g" without a final stop fails',
    kind: 'prose',
    value: 'Some roles (e.g podiatry) work alone.',
    messages: [/instead of "e\.g"$/],
  },
  {
    name: '"i.e." fails',
    kind: 'prose',
    value: 'The register, i.e. the HCPC list.',
    messages: ['Write "that is" or "that means" instead of "i.e.", or rewrite the sentence'],
  },
  {
    name: '"ie" fails',
    kind: 'prose',
    value: 'The lead, ie the AHP lead, signs it.',
    messages: [/instead of "ie"/],
  },
  {
    name: '"etc." fails',
    kind: 'blocks',
    value: p('Use the tools, templates etc. to plan.'),
    messages: ['Write "and so on" instead of "etc.", or start the list with "such as" or "including"'],
    path: [{_key: 'b1'}],
  },
  {
    name: '"etc" at the end fails',
    kind: 'plain',
    value: 'Podiatry, dietetics etc',
    messages: [/instead of "etc"/],
  },
  {
    name: 'several different abbreviations give several findings; repeats give one',
    kind: 'prose',
    value: 'Roles, e.g. podiatry, e.g. dietetics, i.e. AHPs, etc.',
    messages: [/"e\.g\."/, /"i\.e\."/, /"etc\."/],
  },
  {
    name: 'link labels are checked',
    kind: 'link',
    value: {label: 'Tools, e.g. templates', url: 'https://example.org'},
    messages: [/"e\.g\."/],
    path: ['label'],
  },
])

table('spelling', [
  {
    name: 'right spellings pass',
    kind: 'prose',
    value: 'Dietitians give guidance on healthcare and wellbeing. Implementing it takes time over time.',
    messages: [],
  },
  {
    name: 'the regulator’s name is left to organisation-names',
    kind: 'plain',
    value: 'Health Care Professions Council',
    messages: [],
  },
  {
    name: '"guidence" fails',
    kind: 'plain',
    value: 'AHP guidence',
    messages: ['Write "guidance", not "guidence"'],
    path: [],
  },
  {
    name: '"dietician" fails',
    kind: 'prose',
    value: 'Ask a dietician.',
    messages: ['Write "dietitian", not "dietician"'],
  },
  {
    name: 'capitals are kept',
    kind: 'prose',
    value: 'Dieticians help.',
    messages: ['Write "Dietitians", not "Dieticians"'],
  },
  {
    name: '"Implimenting" fails',
    kind: 'plain',
    value: 'Implimenting the framework',
    messages: ['Write "Implementing", not "Implimenting"'],
  },
  {
    name: '"implimentation" fails',
    kind: 'plain',
    value: 'Its implimentation',
    messages: ['Write "implementation", not "implimentation"'],
  },
  {
    name: '"carerr" fails',
    kind: 'plain',
    value: 'AHP carerr framework',
    messages: ['Write "career", not "carerr"'],
  },
  {
    name: '"NHS Englands" fails',
    kind: 'plain',
    value: 'NHS Englands priorities',
    messages: ['Write "NHS England\'s", not "NHS Englands"'],
  },
  {
    name: '"over tim" at the end fails',
    kind: 'prose',
    value: 'Services change over tim',
    messages: ['Write "over time", not "over tim"'],
  },
  {
    name: '"over tim." at the end fails',
    kind: 'prose',
    value: 'Services change over tim.',
    messages: ['Write "over time", not "over tim"'],
  },
  {
    name: '"over timber" passes',
    kind: 'prose',
    value: 'A bridge over timber yards',
    messages: [],
  },
  {
    name: '"Inline with" fails',
    kind: 'plain',
    value: 'Inline with the plan',
    messages: ['Write "In line with", not "Inline with"'],
  },
  {
    name: '"health care" fails',
    kind: 'plain',
    value: 'Primary health care',
    messages: ['Write "healthcare", not "health care"'],
  },
  {
    name: '"well-being" fails',
    kind: 'plain',
    value: 'Staff well-being',
    messages: ['Write "wellbeing", not "well-being"'],
  },
  {
    name: '"aging" fails',
    kind: 'plain',
    value: 'An aging population',
    messages: ['Write "ageing", not "aging"'],
  },
  {
    name: '"tranquilizer" fails',
    kind: 'plain',
    value: 'a tranquilizer',
    messages: ['Write "tranquilliser", not "tranquilizer"'],
  },
  {
    name: '"x-ray" fails',
    kind: 'plain',
    value: 'an x-ray',
    messages: ['Write "X-ray", not "x-ray"'],
  },
  {name: '"X-ray" passes', kind: 'plain', value: 'an X-ray', messages: []},
  {
    name: 'words containing a misspelling do not fail',
    kind: 'plain',
    value: 'Staging and imaging',
    messages: [],
  },
  {
    name: 'several misspellings in one block give several findings, repeats one',
    kind: 'blocks',
    value: p('The guidence on implimentation, and more guidence, for your carerr.'),
    messages: ['Write "guidance", not "guidence"', 'Write "implementation", not "implimentation"', 'Write "career", not "carerr"'],
    path: [{_key: 'b1'}],
  },
])

table('organisation-names', [
  {
    name: 'the right names pass',
    kind: 'prose',
    value:
      "The Health and Care Professions Council (HCPC), the General Osteopathic Council and NHS England's Chief Allied Health Professions Officer.",
    messages: [],
  },
  {
    name: '"Health Care Professionals council" fails',
    kind: 'plain',
    value: 'Registered with the Health Care Professionals council',
    messages: ['Write "Health and Care Professions Council (HCPC)", not "Health Care Professionals council"'],
    path: [],
  },
  {
    name: '"Health Care Professions Council" fails',
    kind: 'plain',
    value: 'the Health Care Professions Council',
    messages: [/not "Health Care Professions Council"$/],
  },
  {
    name: '"Health and Care Professionals Council" fails',
    kind: 'plain',
    value: 'the Health and Care Professionals Council',
    messages: [/not "Health and Care Professionals Council"$/],
  },
  {
    name: 'the old "Health Professions Council" fails',
    kind: 'plain',
    value: 'the Health Professions Council',
    messages: [
      'Write "Health and Care Professions Council (HCPC)", not "Health Professions Council": it has not been the Health Professions Council since 2012',
    ],
  },
  {
    name: '"General Osteopathic Counsel" fails',
    kind: 'plain',
    value: 'General Osteopathic Counsel',
    messages: ['Write "General Osteopathic Council", not "General Osteopathic Counsel"'],
  },
  {
    name: '"General Osteopaths Council" fails',
    kind: 'plain',
    value: 'the general osteopaths council',
    messages: ['Write "General Osteopathic Council", not "general osteopaths council"'],
  },
  {
    name: '"Chief Allied Health Professional Officer" fails',
    kind: 'blocks',
    value: p('The Chief Allied Health Professional Officer for England'),
    messages: ['Write "Chief Allied Health Professions Officer", not "Chief Allied Health Professional Officer"'],
    path: [{_key: 'b1'}],
  },
])

const LONG_SENTENCE =
  'The framework was produced using a wide range of evidence from allied health professionals working across health and social care in England over the last five years.'
const SHORT_SENTENCES = 'The framework was produced with AHPs. It uses evidence from across England. It took five years.'

table('sentence-length', [
  {
    name: 'short sentences pass',
    kind: 'prose',
    value: SHORT_SENTENCES,
    messages: [],
  },
  {
    name: 'a sentence of exactly 25 words passes',
    kind: 'prose',
    value: `${Array.from({length: 25}, () => 'word').join(' ')}.`,
    messages: [],
  },
  {
    name: 'a 27-word sentence fails, quoting its start',
    kind: 'prose',
    value: `${SHORT_SENTENCES} ${LONG_SENTENCE}`,
    messages: ['This sentence has 27 words: split it so each sentence has 25 or fewer ("The framework was produced using…")'],
    path: [],
  },
  {
    name: 'a long sentence in a block fails with the block path',
    kind: 'blocks',
    value: [block('intro', ['Short one.']), block('long', [LONG_SENTENCE])],
    messages: [/^This sentence has 27 words/],
    path: [{_key: 'long'}],
  },
  {
    name: 'headings are skipped',
    kind: 'blocks',
    value: [block('h', [LONG_SENTENCE], 'h2')],
    messages: [],
  },
  {
    name: 'list items are checked',
    kind: 'blocks',
    value: [block('li', [LONG_SENTENCE], 'normal', 'bullet')],
    messages: [/^This sentence has 27 words/],
  },
  {
    name: 'abbreviations and decimals do not split sentences (so the sentence stays long)',
    kind: 'prose',
    value:
      'Dr. Patel said that 1.5 hours a week, e.g. on Fridays, is enough time for each of the team members to plan their own caseload and continuing professional development.',
    messages: [/^This sentence has 29 words/],
  },
  {
    name: 'a web address counts as one word and its dots do not end a sentence',
    kind: 'prose',
    value:
      'Find the job planning guidance at https://www.england.nhs.uk/publication/a.b.c/job-planning-for-allied-health-professionals-and-healthcare-scientists/ today.',
    messages: [],
  },
  {
    name: 'text without a final full stop is a sentence',
    kind: 'prose',
    value: LONG_SENTENCE.slice(0, -1),
    messages: [/^This sentence has 27 words/],
  },
])

const EASY = Array.from(
  {length: 6},
  () => 'We help you get back to work. You can talk to us at any time. We will make a plan with you.',
).join(' ')
const HARD = Array.from(
  {length: 4},
  () =>
    'Organisational implementation necessitates multidisciplinary collaboration between occupational therapists, physiotherapists and rehabilitation professionals. Sustainability considerations are increasingly influential in operational decision-making.',
).join(' ')

describe('reading-level', () => {
  it('passes easy text', () => {
    expect(run('reading-level', 'prose', EASY)).toEqual([])
  })

  it('fails hard text, once for the field, with the score, the target and example words', () => {
    const findings = run('reading-level', 'blocks', [
      block('a', [HARD.slice(0, HARD.length / 2)]),
      block('b', [HARD.slice(HARD.length / 2)]),
    ])
    expect(findings).toHaveLength(1)
    expect(findings[0]?.path).toEqual([])
    expect(findings[0]?.message).toMatch(
      /^This text is hard to read: its SMOG readability score is \d+\.\d, and the NHS aims for 14 or lower\. Use shorter sentences and fewer long words of 3 or more syllables, such as "[a-z]+"/,
    )
  })

  it('does not score short text, where SMOG means nothing', () => {
    expect(run('reading-level', 'prose', 'Multidisciplinary rehabilitation implementation. Organisational sustainability.')).toEqual([])
  })

  it('leaves out long words that are in the page title, as the NHS guide advises', () => {
    const text = Array.from({length: 6}, () => 'Physiotherapy rehabilitation physiotherapy rehabilitation physiotherapy helps.').join(' ')
    const withoutTitle = run('reading-level', 'prose', text)
    const withTitle = run('reading-level', 'prose', text, {
      title: 'Physiotherapy rehabilitation',
    })
    expect(withoutTitle).toHaveLength(1)
    expect(withTitle).toEqual([])
  })
})

table('date-format', [
  {
    name: '"6 August 2018" passes',
    kind: 'prose',
    value: 'Published on 6 August 2018 and Wednesday 6 August 2018.',
    messages: [],
  },
  {
    name: 'a month and year passes',
    kind: 'plain',
    value: 'Updated August 2018',
    messages: [],
  },
  {
    name: 'numbers that are not dates pass',
    kind: 'prose',
    value: 'Open 24/7, version 1.2.3, 1 in 10 people, 12/2018, step 2 may take 1.5 hours.',
    messages: [],
  },
  {
    name: 'dates in web addresses pass',
    kind: 'prose',
    value: 'See https://example.org/2018-08-06/report for the report.',
    messages: [],
  },
  {
    name: '06/08/2018 fails (UK order)',
    kind: 'plain',
    value: 'Published 06/08/2018',
    messages: ['Write the date as "6 August 2018", not "06/08/2018"'],
    path: [],
  },
  {
    name: '6/8/18 fails',
    kind: 'prose',
    value: 'From 6/8/18 onwards.',
    messages: ['Write the date as "6 August 2018", not "6/8/18"'],
  },
  {
    name: '2018-08-06 fails',
    kind: 'plain',
    value: 'Updated 2018-08-06',
    messages: ['Write the date as "6 August 2018", not "2018-08-06"'],
  },
  {
    name: '"6th August 2018" fails',
    kind: 'plain',
    value: 'On 6th August 2018',
    messages: ['Write the date as "6 August 2018", not "6th August 2018"'],
  },
  {
    name: '"August 6, 2018" fails',
    kind: 'plain',
    value: 'On August 6, 2018',
    messages: ['Write the date as "6 August 2018", not "August 6, 2018"'],
  },
  {
    name: '"6 Aug 2018" fails',
    kind: 'plain',
    value: 'On 6 Aug 2018',
    messages: ['Write the date as "6 August 2018", not "6 Aug 2018"'],
  },
  {
    name: '"06 August 2018" fails',
    kind: 'plain',
    value: 'On 06 August 2018',
    messages: ['Write the date as "6 August 2018", not "06 August 2018"'],
  },
  {
    name: '"1st of March" fails, without a year',
    kind: 'plain',
    value: 'From the 1st of March',
    messages: ['Write the date as "1 March", not "1st of March"'],
  },
  {
    name: 'US order numeric dates are read as such',
    kind: 'plain',
    value: 'On 12/25/2020',
    messages: ['Write the date as "25 December 2020", not "12/25/2020"'],
  },
  {
    name: 'an impossible date is not reported',
    kind: 'plain',
    value: 'Code 31/02/2018',
    messages: [],
  },
  {
    name: 'several dates in a block',
    kind: 'blocks',
    value: p('From 01/04/2023 to 31/03/2024.'),
    messages: ['Write the date as "1 April 2023", not "01/04/2023"', 'Write the date as "31 March 2024", not "31/03/2024"'],
    path: [{_key: 'b1'}],
  },
])

table('pdf-link-size', [
  {
    name: 'a PDF link with its size in the link text passes',
    kind: 'blocks',
    value: linkBlock('Read ', 'the AHP strategy (PDF, 2.5MB)', 'https://example.org/strategy.pdf'),
    messages: [],
  },
  {
    name: 'a PDF link with its size straight after passes',
    kind: 'blocks',
    value: linkBlock('Read ', 'the AHP strategy', 'https://example.org/strategy.pdf', ' (PDF, 545KB).'),
    messages: [],
  },
  {
    name: 'the NHS "PDF only" form passes',
    kind: 'blocks',
    value: linkBlock('Read ', 'the chart (PDF only, 545KB)', 'https://example.org/chart.PDF'),
    messages: [],
  },
  {
    name: 'a web page passes',
    kind: 'blocks',
    value: linkBlock('Read ', 'the strategy', 'https://example.org/strategy'),
    messages: [],
  },
  {
    name: 'a link object with its size passes',
    kind: 'link',
    value: {
      label: 'Job planning guide (PDF, 1.2MB)',
      url: 'https://example.org/guide.pdf',
    },
    messages: [],
  },
  {
    name: 'a PDF link without its size fails',
    kind: 'blocks',
    value: linkBlock('Read ', 'the AHP strategy', 'https://example.org/strategy.pdf'),
    messages: ['Say this link opens a PDF and how big it is, for example "(PDF, 1.2MB)" at the end of the link text'],
    path: LINK_PATH,
  },
  {
    name: 'a query or fragment after .pdf is ignored',
    kind: 'blocks',
    value: linkBlock('Read ', 'the strategy', 'https://example.org/strategy.pdf?version=2#page=4'),
    messages: [/^Say this link opens a PDF/],
  },
  {
    name: '"(PDF)" without a size fails',
    kind: 'link',
    value: {label: 'Guide (PDF)', url: 'https://example.org/guide.pdf'},
    messages: [/^Say this link opens a PDF/],
    path: [],
  },
  {
    name: 'a size elsewhere in the block does not count',
    kind: 'blocks',
    value: linkBlock('The old guide (PDF, 1MB) is replaced by ', 'the new guide', 'https://example.org/new.pdf', ' this year.'),
    messages: [/^Say this link opens a PDF/],
  },
])

table('contractions', [
  {
    name: 'full forms and friendly contractions pass',
    kind: 'prose',
    value: "You cannot register. Do not worry: you'll get help, we're here and it's free.",
    messages: [],
  },
  {
    name: '"don\'t" fails',
    kind: 'plain',
    value: "Don't forget to register",
    messages: ['Write "Do not" rather than "Don\'t"'],
    path: [],
  },
  {
    name: 'curly apostrophes fail too',
    kind: 'prose',
    value: 'You can’t do it and you shouldn’t try.',
    messages: ['Write "cannot" rather than "can’t"', 'Write "should not" rather than "shouldn’t"'],
  },
  {
    name: '"won\'t" fails',
    kind: 'prose',
    value: "It won't take long.",
    messages: ['Write "will not" rather than "won\'t"'],
  },
  {
    name: '"should\'ve" fails',
    kind: 'prose',
    value: "You should've been told.",
    messages: ['Write "should have" rather than "should\'ve"'],
  },
  {
    name: '"they\'ve" fails',
    kind: 'blocks',
    value: p("They've agreed."),
    messages: ['Write "They have" rather than "They\'ve"'],
    path: [{_key: 'b1'}],
  },
  {
    name: '"could\'ve" and "would\'ve" fail',
    kind: 'prose',
    value: "It could've and would've helped.",
    messages: [/"could have"/, /"would have"/],
  },
  {
    name: 'repeats are reported once',
    kind: 'prose',
    value: "Don't run. Don't shout.",
    messages: ['Write "Do not" rather than "Don\'t"'],
  },
])

describe('latin-abbreviations prefilter', () => {
  it('never skips a text the rule would find something in (short texts of the letters that matter, exhaustively)', async () => {
    const {mayHoldLatin, latinAdviceFor} = await import('../../editorial/rules/latin-abbreviations')
    const alphabet = ['e', 'E', 'i', 'I', 'g', 'G', 't', 'T', 'c', 'C', '.', ' ', '\u2009', 'a', '1', '-']
    let checked = 0
    let withLatin = 0
    const visit = (text: string, depth: number): void => {
      if (text !== '') {
        checked++
        // the expression alone: the rule itself skips what the prefilter rules out
        const found = latinAdviceFor(text).length > 0
        if (found) {
          withLatin++
          expect(mayHoldLatin(text), JSON.stringify(text)).toBe(true)
        }
      }
      if (depth === 0) return
      for (const letter of alphabet) visit(text + letter, depth - 1)
    }
    visit('', 4)
    expect(checked).toBeGreaterThan(60_000)
    expect(withLatin).toBeGreaterThan(500)
    expect(mayHoldLatin('The piece of the leg, and the tie.')).toBe(false)
  })
})

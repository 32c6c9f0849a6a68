import {maskUrls, matchCase} from '../text'
import type {FieldRule, RuleFinding} from '../types'

/**
 * Spellings that are easy to get wrong. The first group is from the NHS digital service manual's
 * A to Z of NHS health writing (https://service-manual.nhs.uk/content/a-to-z-of-nhs-health-writing),
 * one entry each, in its words:
 * - ageing: 'Not "aging".'
 * - antenatal: "One word without a hyphen."
 * - baseline: "One word."
 * - bottle feeding: "Two words."
 * - breastfeeding: "One word."
 * - dietitian: "Not dietician."
 * - ear drop / eye drop: 'We split "ear drop" into 2 words' (and "eye drop").
 * - fetus: 'We spell "fetus" and "fetal" without an "o".' (October 2025; earlier versions used "foetus")
 * - healthcare: "One word."
 * - inpatient, outpatient: "One word."
 * - lifelong: "One word."
 * - lip-reading: "With a hyphen."
 * - pre-school: "With a hyphen."
 * - side effects: "Two words."
 * - site map: 'We write "site map" as 2 words so that screen readers pronounce it clearly.'
 * - tranquillise and tranquilliser: 'Note the double "ll". We use the British spelling with "s", not "z".'
 * - walk-in centre: "Not walk in centre".
 * - wellbeing: "One word."
 * - X-ray: "With a capital X."
 * The second group is common misspellings, including ones found in the AHP source guidance
 * ("guidence", "implimenting", "carerr", "NHS Englands", "over tim", "Inline with").
 *
 * All the patterns are joined into one regular expression, compiled once, so each text is read
 * once however long the list grows.
 */

interface Spelling {
  /** A regular expression source without capturing groups, matched case-insensitively between word boundaries. */
  wrong: string
  /** The right form, from the lower-cased match. */
  right: (found: string) => string
  /** Optional extra check on the match as written (for case-sensitive entries). */
  accept?: (found: string) => boolean
}

const to = (right: string) => (): string => right
const swap =
  (from: RegExp, into: string) =>
  (found: string): string =>
    found.replace(from, into)

const SPELLINGS: Spelling[] = [
  // NHS A to Z of NHS health writing
  {wrong: 'aging', right: to('ageing')},
  {wrong: 'ante-natal', right: to('antenatal')},
  {wrong: 'base-lines?', right: swap(/base-line/, 'baseline')},
  {wrong: 'bottle-feeding', right: to('bottle feeding')},
  {wrong: 'breast[ -]feeding', right: to('breastfeeding')},
  {wrong: 'dieticians?', right: swap(/dietician/, 'dietitian')},
  {wrong: 'eardrops?', right: swap(/eardrop/, 'ear drop')},
  {wrong: 'eyedrops?', right: swap(/eyedrop/, 'eye drop')},
  {wrong: 'foet(?:us|uses|al)', right: swap(/^foet/, 'fet')},
  // Not in the regulator's name, which organisation-names reports.
  {
    wrong: 'health[ -]care(?!\\s+profession(?:al)?s?\\s+council)',
    right: to('healthcare'),
  },
  {wrong: 'in-patients?', right: swap(/in-patient/, 'inpatient')},
  {wrong: 'out-patients?', right: swap(/out-patient/, 'outpatient')},
  {wrong: 'life[ -]long', right: to('lifelong')},
  {wrong: 'lip ?reading', right: to('lip-reading')},
  {wrong: 'preschool', right: to('pre-school')},
  {wrong: 'side-effects?', right: swap(/side-effect/, 'side effect')},
  {wrong: 'sitemaps?', right: swap(/sitemap/, 'site map')},
  {
    wrong: 'tranquil(?:i[sz]|liz)(?:e|es|ed|ing|er|ers)',
    right: swap(/^tranquil+i[sz]/, 'tranquillis'),
  },
  {
    wrong: 'walk in cent(?:re|er)s?',
    right: swap(/^walk in cent(?:re|er)/, 'walk-in centre'),
  },
  {wrong: 'well[ -]being', right: to('wellbeing')},
  {
    wrong: 'x-rays?|xrays?',
    right: (found) => `X-ray${found.endsWith('s') ? 's' : ''}`,
    accept: (found) => found.startsWith('x') || !found.includes('-'),
  },

  // Common misspellings, including the AHP source guidance's own
  {wrong: 'guidences?', right: swap(/guidence/, 'guidance')},
  {
    wrong: 'impliment(?:s|ed|ing|ation|ations|er|ers)?',
    right: swap(/impliment/, 'implement'),
  },
  {wrong: 'carerrs?', right: swap(/carerr/, 'career')},
  {wrong: 'nhs\\s+englands', right: to("NHS England's")},
  // "over tim" at the very end of the text: a cut-off "over time".
  {wrong: 'over\\s+tim(?=\\s*[.!?]?\\s*$)', right: to('over time')},
  {wrong: 'inline\\s+with', right: to('in line with')},
  {wrong: 'allied\\s+heath', right: to('allied health')},
  {
    wrong: 'accomodat(?:e|es|ed|ing|ion|ions)',
    right: swap(/accomodat/, 'accommodat'),
  },
  {
    wrong: 'acheiv(?:e|es|ed|ing|ement|ements)',
    right: swap(/acheiv/, 'achiev'),
  },
  {wrong: 'begining', right: to('beginning')},
  {wrong: 'colleages?', right: swap(/colleage/, 'colleague')},
  {wrong: 'commited', right: to('committed')},
  {wrong: 'definate(?:ly)?', right: swap(/definate/, 'definite')},
  {wrong: 'enviroments?', right: swap(/enviroment/, 'environment')},
  {wrong: 'goverments?', right: swap(/goverment/, 'government')},
  {wrong: 'independant(?:ly)?', right: swap(/independant/, 'independent')},
  {wrong: 'knowlege', right: to('knowledge')},
  {wrong: 'neccessar(?:y|ily)', right: swap(/neccessar/, 'necessar')},
  {
    wrong: 'occurr?ences?',
    right: swap(/occurr?ence/, 'occurrence'),
    accept: (found) => !found.toLowerCase().startsWith('occurrence'),
  },
  {
    wrong: 'practi(?:ci)?oners?',
    right: swap(/practi(?:ci)?oner/, 'practitioner'),
  },
  {
    wrong: 'proffession(?:s|al|als|ally)?',
    right: swap(/proffession/, 'profession'),
  },
  {wrong: 'profesional(?:s|ly)?', right: swap(/profesional/, 'professional')},
  {wrong: 'publically', right: to('publicly')},
  {wrong: 'reciev(?:e|es|ed|ing)', right: swap(/reciev/, 'receiv')},
  {wrong: 'refered', right: to('referred')},
  {wrong: 'responsibilty', right: to('responsibility')},
  {
    wrong: 'seperat(?:e|es|ed|ely|ing|ion)',
    right: swap(/seperat/, 'separat'),
  },
  {wrong: 'untill', right: to('until')},
]

const SPACES = /\s+/g

const COMBINED = new RegExp(
  `(?<![\\p{L}\\p{N}'’-])(?:${SPELLINGS.map((spelling) => `(${spelling.wrong})`).join('|')})(?![\\p{L}\\p{N}-])`,
  'giu',
)

export const spelling: FieldRule = {
  id: 'spelling',
  level: 'warning',
  scope: 'field',
  title: 'Words are spelt the NHS way',
  source: 'https://service-manual.nhs.uk/content/a-to-z-of-nhs-health-writing',
  kinds: ['plain', 'prose', 'blocks', 'link'],
  check(content) {
    const findings: RuleFinding[] = []
    for (const segment of content.segments) {
      const text = maskUrls(segment.text)
      let seen: Set<string> | undefined
      COMBINED.lastIndex = 0
      let match: RegExpExecArray | null
      while ((match = COMBINED.exec(text)) !== null) {
        const found = match[0]
        let index = 1
        while (index < match.length && match[index] === undefined) index++
        const entry = SPELLINGS[index - 1]
        if (!entry || (entry.accept && !entry.accept(found))) continue
        const key = found.toLowerCase().replace(SPACES, ' ')
        seen ??= new Set()
        if (seen.has(key)) continue
        seen.add(key)
        const right = entry.right(key)
        findings.push({
          message: `Write "${matchCase(found, right)}", not "${found}"`,
          path: segment.path,
        })
      }
    }
    return findings
  },
}

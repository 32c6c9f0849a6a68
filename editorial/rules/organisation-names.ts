import {maskUrls} from '../text'
import type {FieldRule, RuleFinding} from '../types'

/**
 * Organisations by their right names. The A to Z of NHS health writing gives organisations their
 * full official names (its "NHS England (NHSE)" entry: "The full name of the organisation is NHS
 * England"); these are the names AHP content most often gets wrong:
 * - the Health and Care Professions Council (HCPC), which regulates 13 of the 14 allied health
 *   professions. It was the Health Professions Council until August 2012 (Health and Social
 *   Care Act 2012), and is often miswritten "Health Care Professions Council" or "… Professionals
 *   Council";
 * - the General Osteopathic Council (GOsC), which regulates osteopaths;
 * - NHS England's Chief Allied Health Professions Officer (not "Professional Officer").
 */

interface OrganisationName {
  pattern: RegExp
  right: string
  /** Text matched by the pattern that is the right name (lower case, single spaces). */
  correct?: string
  /** Extra advice after the correction. */
  note?: string
}

const NAMES: OrganisationName[] = [
  {
    pattern: /(?<![\p{L}])health\s+(?:and\s+|&\s*)?care\s+profession(?:al)?s?['’]?\s+council(?![\p{L}])/giu,
    right: 'Health and Care Professions Council (HCPC)',
    correct: 'health and care professions council',
  },
  {
    pattern: /(?<![\p{L}])(?<!allied\s+)health\s+profession(?:al)?s?['’]?\s+council(?![\p{L}])/giu,
    right: 'Health and Care Professions Council (HCPC)',
    note: 'it has not been the Health Professions Council since 2012',
  },
  {
    pattern: /(?<![\p{L}])general\s+osteopath(?:ic|s|s['’]|['’]s)?\s+coun(?:cil|sel|cel)(?![\p{L}])/giu,
    right: 'General Osteopathic Council',
    correct: 'general osteopathic council',
  },
  {
    pattern: /(?<![\p{L}])chief\s+allied\s+health\s+profession(?:al|als|als['’]|s['’])?\s+officer(?![\p{L}])/giu,
    right: 'Chief Allied Health Professions Officer',
  },
]

const SPACES = /\s+/g
/** Every name above ends in one of these: texts without them are skipped at once. */
const QUICK = /coun(?:cil|sel|cel)|officer/i

export const organisationNames: FieldRule = {
  id: 'organisation-names',
  level: 'warning',
  scope: 'field',
  title: 'Organisations and roles have their right names',
  source: 'https://service-manual.nhs.uk/content/a-to-z-of-nhs-health-writing#nhs-england',
  kinds: ['plain', 'prose', 'blocks', 'link'],
  check(content) {
    const findings: RuleFinding[] = []
    for (const segment of content.segments) {
      if (!QUICK.test(segment.text)) continue
      const text = maskUrls(segment.text)
      let seen: Set<string> | undefined
      for (const name of NAMES) {
        name.pattern.lastIndex = 0
        let match: RegExpExecArray | null
        while ((match = name.pattern.exec(text)) !== null) {
          const found = match[0].replace(SPACES, ' ')
          const key = found.toLowerCase()
          if (name.correct !== undefined && key === name.correct) continue
          seen ??= new Set()
          if (seen.has(key)) continue
          seen.add(key)
          findings.push({
            message: `Write "${name.right}", not "${found}"${name.note ? `: ${name.note}` : ''}`,
            path: segment.path,
          })
        }
      }
    }
    return findings
  },
}

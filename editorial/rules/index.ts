import type {Rule} from '../types'
import {contractions} from './contractions'
import {dateFormat} from './date-format'
import {frameworkExpiredCurrent} from './framework-expired-current'
import {headingOrder} from './heading-order'
import {httpsLinks} from './https-links'
import {imageAlt} from './image-alt'
import {latinAbbreviations} from './latin-abbreviations'
import {linkText} from './link-text'
import {organisationNames} from './organisation-names'
import {pdfLinkSize} from './pdf-link-size'
import {readingLevel} from './reading-level'
import {resourceAddress} from './resource-address'
import {sentenceLength} from './sentence-length'
import {spelling} from './spelling'

/**
 * Every editorial rule, errors first, then warnings. Rule ids are stable: editors' overrides and
 * the seed content refer to them.
 */
export const RULES: readonly Rule[] = [
  // Errors: accessibility, security and facts.
  imageAlt,
  headingOrder,
  httpsLinks,
  frameworkExpiredCurrent,
  linkText,
  // Warnings: NHS content style.
  latinAbbreviations,
  spelling,
  organisationNames,
  sentenceLength,
  readingLevel,
  dateFormat,
  pdfLinkSize,
  contractions,
  resourceAddress,
]

export const RULE_IDS: readonly string[] = RULES.map((rule) => rule.id)

const BY_ID = new Map<string, Rule>(RULES.map((rule) => [rule.id, rule]))

/** The rule with this id, or undefined (an override may name a rule that has since been removed). */
export function ruleById(id: string): Rule | undefined {
  return BY_ID.get(id)
}

export {
  contractions,
  dateFormat,
  frameworkExpiredCurrent,
  headingOrder,
  httpsLinks,
  imageAlt,
  latinAbbreviations,
  linkText,
  organisationNames,
  pdfLinkSize,
  readingLevel,
  resourceAddress,
  sentenceLength,
  spelling,
}

/**
 * NHS content style checks that Sanity does not have: misspellings seen on the page this hub
 * replaces, and names that must be written one way. They are warnings, never errors: an editor
 * may quote a title exactly as published.
 */
export interface StyleRule {
  /** Matched case-insensitively on word boundaries. */
  pattern: RegExp
  advice: string
}

export const STYLE_RULES: readonly StyleRule[] = [
  {pattern: /\bguidence\b/i, advice: 'Spell "guidance" with an a'},
  {pattern: /\bimpliment(ing|ed|ation|s)?\b/i, advice: 'Spell "implement" with an e'},
  {pattern: /\bcarerr\b/i, advice: 'Spell "career" with one r at the end'},
  {pattern: /\bHealth Care Professionals council\b/i, advice: 'The regulator is the "Health and Care Professions Council" (HCPC)'},
  {pattern: /\bdietician(s)?\b/i, advice: 'NHS England writes "dietitian" with a t'},
  {pattern: /\bover tim\b/i, advice: 'Finish the word: "over time"'},
  {pattern: /\bNHS Englands\b/, advice: 'Add the apostrophe: "NHS England\'s"'},
  {pattern: /\bclick here\b/i, advice: 'Link text should say where the link goes, not "click here" (NHS service manual)'},
]

export interface StyleFinding {
  match: string
  advice: string
}

export function checkContentStyle(text: string): StyleFinding[] {
  const findings: StyleFinding[] = []
  for (const rule of STYLE_RULES) {
    const found = rule.pattern.exec(text)
    if (found) findings.push({match: found[0], advice: rule.advice})
  }
  return findings
}

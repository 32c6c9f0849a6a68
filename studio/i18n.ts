import {defineLocaleResourceBundle} from 'sanity'

/**
 * Strings the Studio looks up in a namespace that lacks them. The History panel's close button
 * asks the structure tool's namespace for `changes.action.close-label`, which sanity 5 defines in
 * its core namespace only, so editors read the key itself.
 */
export const structureStrings = defineLocaleResourceBundle({
  locale: 'en-US',
  namespace: 'structure',
  resources: {'changes.action.close-label': 'Close history'},
})

import type {StringInputProps} from 'sanity'

/**
 * A radio list whose chosen option stays visible when the field has an error. Sanity marks every
 * radio of a field in error with a red fill (`data-error`), leaving only a faint dot on the chosen
 * one; the field's own error icon and message say what is wrong, so the radios render as usual.
 */
export function RadioKeepsChoice(props: StringInputProps) {
  return props.renderDefault({...props, validationError: undefined})
}

import {randomBytes} from 'node:crypto'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** A transaction (and revision) id as the Content Lake makes them: 22 letters and digits. */
export function newTransactionId(): string {
  return [...randomBytes(22)].map((b) => ALPHABET[b % ALPHABET.length]).join('')
}

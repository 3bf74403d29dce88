// Errors that point into the user's expression text: the message names the text and the 0-based
// position, and a caret line shows the spot, because restriction strings are often long.

import { UserError } from '../user-error.ts';

export function positionMessage(message: string, position: number, text: string): string {
  const shown = text.replace(/[\n\r\t]/g, ' ');
  return `${message} at position ${position} in ${JSON.stringify(text)}\n  ${shown}\n  ${' '.repeat(position)}^`;
}

export function syntaxError(message: string, position: number, text: string, where?: string): UserError {
  return new UserError(positionMessage(message, position, text), where);
}

// The one error class for mistakes a user can fix (bad spec, bad flag, bad file). The CLI prints its
// message without a stack trace and exits with code 2; anything else is a bug and keeps its stack.

export class UserError extends Error {
  /** Where the problem is: a file, a JSON path, an expression — shown before the message. */
  readonly where: string | undefined;

  constructor(message: string, where?: string) {
    super(where ? `${where}: ${message}` : message);
    this.name = 'UserError';
    this.where = where;
  }
}

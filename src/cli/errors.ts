// An error the user can act on from its message alone (a wrong token, a data directory of another
// cluster): the command prints the message, not a stack trace.
export class CommandError extends Error {}

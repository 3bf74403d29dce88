// kernelfit's library API.
export { UserError } from './solver/user-error.ts';

import { AppError } from '../../shared/errors';

/** What a call ended with, as `"<status> <code>"` for an AppError, the error's text otherwise, or `"no error"`. */
export const codeOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error instanceof AppError ? `${error.status} ${error.code}` : String(error);
  }
  return 'no error';
};

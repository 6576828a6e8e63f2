import { NotFoundError, ValidationError } from '../../errors';

export class ReportNotFoundError extends NotFoundError {
  constructor(date: string) {
    super('REPORT_NOT_FOUND', `No report has been generated for ${date}.`);
  }
}

/** A day that has not begun yet has no sales to report (docs/contract.md "Reports and jobs"). */
export class FutureDateError extends ValidationError {
  constructor(date: string, today: string) {
    super(
      [{ path: 'date', message: `must not be in the future (today is ${today} UTC)` }],
      `${date} is in the future.`,
    );
  }
}

/** Calendar dates as the manifest writes them (`expires: 2027-01-31`). Pure: no clock is read here. */

const YMD = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export const DATE_EXAMPLE = '2027-01-31';

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Why `s` is not a `YYYY-MM-DD` date that exists (2027-02-30 does not), in words that can follow
 * `expires "…" is not a real date: `; undefined when it is one. Undefined too for text that is not
 * written YYYY-MM-DD at all: that is the pattern's message, not this one.
 */
export function notARealDate(s: string): string | undefined {
  const m = YMD.exec(s);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12) return `there is no month ${m[2]} (months are 01 to 12)`;
  const days = daysIn(year, month);
  if (day < 1) return `there is no day ${m[3]} (days start at 01)`;
  if (day > days) return `${MONTHS[month - 1]} ${m[1]} has ${days} days`;
  return undefined;
}

/** JSON Schema's `format: date` (RFC 3339 full-date): written YYYY-MM-DD and a day that exists. */
export function isCalendarDate(s: string): boolean {
  return YMD.test(s) && notARealDate(s) === undefined;
}

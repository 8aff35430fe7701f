/** Transit card numbers: 16–19 digits whose last digit is a Luhn check digit. */

const SHAPE = /^\d{16,19}$/;

/** The Luhn check digit for a number without its check digit. */
export function luhnCheckDigit(payload: string): string {
  let sum = 0;
  for (let i = 0; i < payload.length; i += 1) {
    let digit = Number(payload[payload.length - 1 - i]);
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return String((10 - (sum % 10)) % 10);
}

export function isValidCardNumber(input: string): boolean {
  return SHAPE.test(input) && luhnCheckDigit(input.slice(0, -1)) === input[input.length - 1];
}

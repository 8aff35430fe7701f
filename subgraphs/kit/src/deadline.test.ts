import { DEADLINE_HEADER, requestCallOptions } from './deadline';

const request = (value?: string | string[]) => ({ headers: value === undefined ? {} : { [DEADLINE_HEADER]: value } });

it('turns the milliseconds left into a deadline, less a margin for the answer', () => {
  expect(requestCallOptions(request('2000'), 1_000)).toEqual({ deadline: 1_000 + 2000 - 200 });
  expect(requestCallOptions(request('100'), 0)).toEqual({ deadline: 100 - 20 });
  expect(requestCallOptions(request('10000'), 0)).toEqual({ deadline: 10_000 - 250 });
});

it('has no deadline without the header, and ignores junk', () => {
  expect(requestCallOptions(request(), 0)).toEqual({});
  for (const junk of ['', '-5', '1e3', 'soon', '12345678901']) expect(requestCallOptions(request(junk), 0)).toEqual({});
});

it('never trusts more than two minutes, and reads the first of repeated headers', () => {
  expect(requestCallOptions(request('999999999'), 0)).toEqual({ deadline: 120_000 - 250 });
  expect(requestCallOptions(request(['1000', '5000']), 0)).toEqual({ deadline: 900 });
});

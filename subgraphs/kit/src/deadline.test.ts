import { DEADLINE_HEADER, requestCallOptions } from './deadline';

const request = (value?: string | string[]) => ({ headers: value === undefined ? {} : { [DEADLINE_HEADER]: value } });

it('gives the bureau calls three quarters of the milliseconds left', () => {
  expect(requestCallOptions(request('2000'), 1_000)).toEqual({ deadline: 1_000 + 1500 });
  expect(requestCallOptions(request('60'), 0)).toEqual({ deadline: 40 });
  expect(requestCallOptions(request('0'), 0)).toEqual({ deadline: -20 });
});

it('has no deadline without the header, and ignores junk', () => {
  expect(requestCallOptions(request(), 0)).toEqual({});
  for (const junk of ['', '-5', '1e3', 'soon', '12345678901']) expect(requestCallOptions(request(junk), 0)).toEqual({});
});

it('never trusts more than two minutes, and reads the first of repeated headers', () => {
  expect(requestCallOptions(request('999999999'), 0)).toEqual({ deadline: 90_000 });
  expect(requestCallOptions(request(['1000', '5000']), 0)).toEqual({ deadline: 750 });
});

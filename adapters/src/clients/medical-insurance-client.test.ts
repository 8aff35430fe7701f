import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryReplayGuard } from '../protocols/freshness';
import { generateMedicalKeyMaterial, openMedicalRequest, sealMedicalResponse } from '../protocols/medical-insurance';
import { createMedicalInsuranceClient } from './medical-insurance-client';

const ID = '330110199311072382';
const { client: keys, server: serverKeys } = generateMedicalKeyMaterial('HUIMIN-GATEWAY-0001');

/** A platform that speaks the envelope correctly but answers whatever the test sets. */
let answer: () => object = () => ({});
let platform: Server;
let baseUrl: string;

beforeAll(async () => {
  const guard = new MemoryReplayGuard();
  platform = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void openMedicalRequest(serverKeys, Buffer.concat(chunks), { replayGuard: guard }).then((opened) => {
        res.end(JSON.stringify(sealMedicalResponse(serverKeys, opened, answer())));
      });
    });
  });
  await new Promise<void>((resolve) => platform.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(platform.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => platform.close(() => resolve())));

const record = {
  idNumber: ID,
  insuranceType: 'URBAN_EMPLOYEE',
  status: 'ACTIVE',
  enrolledOn: '2010-01-01',
  personalAccountBalanceFen: 1,
  annualOutOfPocketFen: 2,
  updatedAt: '2026-10-01T00:00:00+00:00',
};

describe('medical-insurance client: answer shape', () => {
  it('maps a well-formed answer', async () => {
    answer = () => ({ asOf: 'T', results: [{ idNumber: ID, status: 'FOUND', record }] });
    await expect(createMedicalInsuranceClient({ baseUrl, keys }).getInsuredPersons([ID])).resolves.toEqual({ asOf: 'T', items: [record] });
    answer = () => ({ asOf: 'T', results: [{ idNumber: ID, status: 'NOT_FOUND', record: null }] });
    await expect(createMedicalInsuranceClient({ baseUrl, keys }).getInsuredPersons([ID])).resolves.toEqual({ asOf: 'T', items: [null] });
  });

  it.each([
    ['not a list', { asOf: 'T', results: {} }],
    ['FOUND without a record', { asOf: 'T', results: [{ idNumber: ID, status: 'FOUND', record: null }] }],
    ['NOT_FOUND with a record', { asOf: 'T', results: [{ idNumber: ID, status: 'NOT_FOUND', record }] }],
    ['unknown insurance type', { asOf: 'T', results: [{ idNumber: ID, status: 'FOUND', record: { ...record, insuranceType: 'GOLD' } }] }],
    ['record of another person', { asOf: 'T', results: [{ idNumber: ID, status: 'FOUND', record: { ...record, idNumber: '110101190001011237' } }] }],
  ])('%s → UpstreamError MALFORMED', async (_case, body) => {
    answer = () => body;
    await expect(createMedicalInsuranceClient({ baseUrl, keys }).getInsuredPersons([ID])).rejects.toMatchObject({ source: 'MEDICAL_INSURANCE', failure: 'MALFORMED' });
  });
});

/**
 * The four protocols under test, each as its project and reference implementations over one set
 * of keys, and the check that the two really speak one envelope.
 */
import { deepStrictEqual } from 'node:assert';
import { payloadOfSize, type BenchKeys, type ProtocolUnderTest } from './envelopes';
import { projectCivil, projectFinance, projectMedical, projectTransit } from './project-envelopes';
import { referenceFinance, referenceMedical } from './reference/gm-envelopes';
import { referenceCivil, referenceTransit } from './reference/rsa-gcm-envelopes';

/** Runs `visit` on each protocol in turn (each has its own context type, hence a visitor, not a list). */
export async function forEachProtocol<R>(keys: BenchKeys, visit: <C>(protocol: ProtocolUnderTest<C>) => Promise<R>): Promise<R[]> {
  return [
    await visit({
      name: 'finance',
      primitives: { project: 'native SM4-CBC + SM2 (sm-crypto-v2, native SM3)', reference: 'sm-crypto SM4-CBC + SM2' },
      project: projectFinance(keys.finance),
      reference: referenceFinance(keys.finance),
    }),
    await visit({
      name: 'medical insurance',
      primitives: { project: 'native SM4-ECB + SM2 (sm-crypto-v2, native SM3)', reference: 'sm-crypto SM4-ECB + SM2' },
      project: projectMedical(keys.medical),
      reference: referenceMedical(keys.medical),
    }),
    await visit({
      name: 'civil affairs',
      primitives: { project: 'native RSA-2048 PSS/OAEP, AES-256-GCM, SHA-256', reference: 'node-forge RSA-2048 PSS/OAEP, AES-256-GCM, SHA-256' },
      project: projectCivil(keys.civil),
      reference: referenceCivil(keys.civil),
    }),
    await visit({
      name: 'transit',
      primitives: { project: 'native AES-256-GCM + HMAC-SHA256', reference: 'node-forge AES-256-GCM + HMAC-SHA256' },
      project: projectTransit(keys.transit),
      reference: referenceTransit(keys.transit),
    }),
  ];
}

/** Each side opens what the other sealed, both directions: otherwise the bench would compare two different envelopes. */
export async function assertInteroperable<C>(protocol: ProtocolUnderTest<C>): Promise<void> {
  const payload = payloadOfSize(1024);
  const { project, reference } = protocol;
  const check = (actual: unknown, what: string): void => deepStrictEqual(actual, payload, `${protocol.name}: ${what} does not open on the other side`);
  check((await project.openRequest(reference.sealRequest(payload))).request, 'a reference request');
  const sealed = project.sealRequest(payload);
  const opened = await reference.openRequest(sealed);
  check(opened.request, 'a project request');
  check(await reference.openResponse(project.sealResponse(opened.context, payload), sealed.nonce), 'a project answer');
  check(await project.openResponse(reference.sealResponse(opened.context, payload), sealed.nonce), 'a reference answer');
}

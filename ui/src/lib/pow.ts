/**
 * Proof of work on vote (ALTCHA v1, offline): find n with SHA-256(salt + n) equal to the
 * challenge, using the browser's Web Crypto. The server signs and later checks the
 * challenge; it is bound to one battle and names no model.
 */

export interface PowChallenge {
  algorithm: string;
  challenge: string;
  maxNumber: number;
  salt: string;
  signature: string;
  required?: boolean;
}

const BATCH = 500;

function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The base64 payload the vote carries as `altcha`, or null if no number in range fits. */
export async function solveChallenge(c: PowChallenge, signal?: AbortSignal): Promise<string | null> {
  if (c.algorithm !== "SHA-256" || !globalThis.crypto?.subtle) return null;
  const encoder = new TextEncoder();
  for (let start = 0; start <= c.maxNumber; start += BATCH) {
    if (signal?.aborted) return null;
    const end = Math.min(start + BATCH - 1, c.maxNumber);
    const tries: Promise<ArrayBuffer>[] = [];
    for (let n = start; n <= end; n++) tries.push(crypto.subtle.digest("SHA-256", encoder.encode(c.salt + String(n))));
    const digests = await Promise.all(tries);
    const found = digests.findIndex((d) => hex(d) === c.challenge);
    if (found >= 0) {
      const payload = { algorithm: c.algorithm, challenge: c.challenge, number: start + found, salt: c.salt, signature: c.signature };
      return btoa(JSON.stringify(payload));
    }
  }
  return null;
}
